"""The workspace editor's form: the file's text and the revision it was opened at (the buttons
are plain submit buttons named "action")."""

from wtforms import HiddenField, TextAreaField

from ..forms import Form


class EditorForm(Form):
    text = TextAreaField("Markdown source")
    revision = HiddenField()
