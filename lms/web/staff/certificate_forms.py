"""Forms for the staff certificate pages: finding a certificate, revoking and reinstating it."""

from wtforms import HiddenField, SearchField, TextAreaField
from wtforms.validators import DataRequired, Length

from ...services.certification.revocation import MAX_REASON_LENGTH, REASON_MISSING, REASON_TOO_LONG
from ..forms import Form


class CertificateSearchForm(Form):
    """Sent by GET so a search has an address; it changes nothing, so needs no token."""

    class Meta:
        csrf = False

    q = SearchField(
        "Code, name or email",
        description="Part of a certificate code, or of the holder's name or email address.",
        filters=[lambda value: value.strip() if value else value],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class ReasonForm(Form):
    """The reason for revoking or reinstating: kept in the audit log, never shown publicly (who
    does read it is said beside the form).
    Sent first from the certificate's page, then again (hidden, with `confirmed`) from the page
    that shows what will change."""

    reason = TextAreaField(
        "Reason",
        [DataRequired(REASON_MISSING), Length(max=MAX_REASON_LENGTH, message=REASON_TOO_LONG)],
        description=f"Up to {MAX_REASON_LENGTH} characters. The public never sees it.",
        filters=[lambda value: value.strip() if value else value],
        render_kw={"rows": 4, "maxlength": MAX_REASON_LENGTH},
    )
    confirmed = HiddenField()
