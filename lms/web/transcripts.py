"""What the transcript pages share, for the trainee (learn) and for their supervisor and staff
(supervise): the page, and issuing a transcript as a PDF download, dated in the program's time
zone."""

from flask import abort, current_app, render_template
from flask_login import current_user

from ..services import transcript
from ..services.transcript.pdf import TranscriptSheet, transcript_pdf
from .downloads import pdf_attachment
from .filters import long_date, program_zone
from .forms import Form
from .links import external_url


class IssueTranscriptForm(Form):
    """No fields: the button that issues a transcript carries the CSRF token."""


def page(user_id, pdf_url, own, back=None):
    """The transcript page of this trainee; `own` when the trainee is the one looking."""
    data = transcript.transcript_for(user_id, program_zone())
    return render_template(
        "transcripts/transcript.html",
        data=data,
        issued=transcript.issued_for(user_id),
        pdf_url=pdf_url,
        own=own,
        back=back,
        form=IssueTranscriptForm(),
    )


def pdf_download(user_id):
    """Issue the trainee's transcript now (a new code, kept with its audit event) and send it as
    a PDF attachment. The POST must carry the form's CSRF token."""
    if not IssueTranscriptForm().validate_on_submit():
        abort(400)
    row, data = transcript.issue(user_id, current_user.id, program_zone())
    sheet = TranscriptSheet(
        site_name=current_app.config["LMS_SITE_NAME"],
        code=row.code,
        verify_url=external_url("verify.certificate", code=row.code),
        issued_on=long_date(data.issued_on),
        paper=current_app.config["LMS_PAPER_SIZE"],
    )
    return pdf_attachment(transcript_pdf(data, sheet, long_date), f"transcript-{row.code}.pdf")
