"""Public verification of a certificate or a training transcript by its code (a form, a page and
JSON), and of a signed credential file anyone can upload or paste (/verify/credential).

These pages say only who holds the certificate, what it is, its dates and whether it is valid;
for a transcript, only to whom and when it was issued (never its hours or modules). They ask
search engines not to index them.
"""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired

from .. import clock
from ..services import transcript
from ..services.certification import certificate_lookup, codes
from ..services.certification.certificate_files import CREDENTIAL, file_name
from ..services.credentials import verifying
from .access import public
from .filters import program_zone
from .forms import Form
from .inputs import accepts_file
from .links import external_url, redirect_to_printed_code

bp = Blueprint("verify", __name__)

NOT_FOUND = "No certificate has this code."
NO_TRANSCRIPT = "No transcript has this code."
MISTYPED = (
    "This code looks mistyped: one of its characters is probably wrong or missing. "
    "Check it against the certificate and try again."
)


class VerifyForm(Form):
    """Sent by GET, so that a result has an address; it changes nothing, so needs no token."""

    class Meta:
        csrf = False

    code = StringField(
        "Certificate or transcript code",
        [
            DataRequired(
                "Enter the code printed on the certificate or transcript, for example "
                "PSF-7K3Q-9XWM-4RT2."
            )
        ],
        filters=[lambda value: value.strip() if value else value],
        description="You will find it on the certificate or transcript, for example "
        "PSF-7K3Q-9XWM-4RT2. Capitals, spaces and dashes do not matter.",
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


class CredentialForm(Form):
    """A POST (a file does not fit in an address), so it carries a CSRF token like every form."""

    file = FileField(
        "Credential file",
        description=f"The .json file of an Open Badges 3.0 credential, at most {verifying.LIMIT}.",
        render_kw={"accept": ".json,application/json,application/ld+json"},
    )
    pasted = TextAreaField(
        "Or paste the credential's text",
        description="Used only when no file is chosen.",
        render_kw={"rows": 8, "spellcheck": "false", "autocomplete": "off"},
    )


NOTHING_SENT = "Choose the credential's .json file, or paste its text."
# What to do about a file over the limit, on the "too large" page (lms.web.errors).
CHOOSE_THE_CREDENTIAL = "choose the credential's .json file (a credential is a few kilobytes)"


def verification_url(code):
    """The address that verifies this code, as printed on certificates and in QR codes."""
    return external_url("verify.certificate", code=code)


@bp.after_request
def keep_out_of_search_engines(response):
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    # The status can change (a revocation), so nobody should be shown a stored copy.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/verify")
@public
def form():
    form = VerifyForm(request.args)
    if "code" in request.args and form.validate():
        code = codes.normalise_code(form.code.data)
        if code:
            return redirect(url_for(".certificate", code=code))
        form.code.errors.append(
            "That code has no letters or digits. Type the code printed on the certificate or "
            "transcript."
        )
    return render_template("verify/form.html", form=form)


@bp.route("/verify/credential", methods=["GET", "POST"])
@public
@accepts_file(verifying.MAX_BYTES, CHOOSE_THE_CREDENTIAL)
def credential():
    form = CredentialForm()
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        if upload and upload.filename:
            # A file up to the form's allowance above the limit gets here: one byte more than
            # the limit is enough for verify_file to say it is too large.
            data = upload.stream.read(verifying.MAX_BYTES + 1)
        else:
            data = (form.pasted.data or "").strip().encode()
        if data:
            result = verifying.verify_file(data, current_app.config, clock.now())
        else:
            form.file.errors.append(NOTHING_SENT)
    status = 422 if form.errors else 200
    return render_template("verify/credential.html", form=form, result=result), status


def _verify(code):
    """("transcript" or "certificate", its public facts). Raises certificate_lookup.NotFound (or
    MistypedCode) when neither has this code."""
    if transcript.is_transcript_code(code):
        try:
            return "transcript", transcript.verify(code, program_zone())
        except transcript.NotFound:
            pass  # perhaps a certificate of a course whose initials are TR
    return "certificate", certificate_lookup.verify(code)


def _asked_for(code):
    return "transcript" if transcript.is_transcript_code(code) else "certificate"


@bp.get("/verify/<code>")
@public
def certificate(code):
    moved = redirect_to_printed_code(code, ".certificate")
    if moved:
        return moved
    try:
        kind, result = _verify(code)
    except certificate_lookup.NotFound as error:
        form = VerifyForm(data={"code": code})
        page = render_template(
            "verify/not_found.html", code=code, form=form, what=_asked_for(code),
            mistyped=isinstance(error, certificate_lookup.MistypedCode),
        )  # fmt: skip
        return page, 404
    credential_file = file_name(result.code, CREDENTIAL)  # the name the download is saved as
    return render_template(f"verify/{kind}.html", result=result, credential_file=credential_file)


@bp.get("/verify/<code>.json")
@public
def certificate_json(code):
    moved = redirect_to_printed_code(code, ".certificate_json")
    if moved:
        return moved
    try:
        kind, result = _verify(code)
    except certificate_lookup.MistypedCode:
        return {"error": MISTYPED}, 404
    except certificate_lookup.NotFound:
        return {"error": NO_TRANSCRIPT if _asked_for(code) == "transcript" else NOT_FOUND}, 404
    if kind == "transcript":
        return {
            "type": "transcript",
            "code": result.code,
            "issued_on": result.issued_on.isoformat(),
            "holder": result.holder,  # null once the trainee's account was erased
        }
    return {
        "code": result.code,
        "holder": result.holder,  # null once the holder's account was erased
        "title": result.title,
        "issued_on": result.issued_on.isoformat(),
        "expires_on": result.expires_on.isoformat(),
        "status": result.status,
        **(
            {"renewed_on": result.renewed_on.isoformat(), "current_code": result.current_code}
            if result.status == "superseded"
            else {}
        ),
    }
