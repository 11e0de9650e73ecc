"""The form that confirms erasing a trainee: the admin types the word ERASE."""

from wtforms import StringField
from wtforms.validators import ValidationError

from ..forms import Form

CONFIRM_WORD = "ERASE"
NOT_CONFIRMED = (
    f"Type {CONFIRM_WORD} in capital letters to confirm. "
    "If you do not mean to erase this account, go back."
)


class EraseForm(Form):
    confirm = StringField(
        f"Type {CONFIRM_WORD} to confirm",
        description="This cannot be undone.",
        filters=[lambda value: value.strip() if value else value],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )

    def validate_confirm(self, field):
        if field.data != CONFIRM_WORD:
            raise ValidationError(NOT_CONFIRMED)
