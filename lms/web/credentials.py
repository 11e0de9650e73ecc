"""Signed credentials, for machines: a certificate's Open Badges 3.0 credential (the holder's
download, and what /verify/<code> links to), the issuer's Profile and DID document with every
public key, and the revocation status lists. All public: a credential is only found by its code,
as the verification page is, and holds no name or email."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, json, make_response

from ..services.certification import certificate_files, certificate_lookup
from ..services.credentials import issuing, keyring, status
from .access import public
from .links import redirect_to_printed_code
from .verify import MISTYPED, NOT_FOUND

bp = Blueprint("credentials", __name__)

NOT_ISSUABLE = (
    "This certificate has no signed credential: its holder's account was erased before one was "
    "made. The certificate can still be checked at /verify/{code}."
)
NO_LIST = "No status list has this number."
# A status list changes when a certificate is revoked or reinstated: a verifier may keep it for
# a minute, no longer. Keys and the issuer change rarely (a rotation adds one).
STATUS_CACHE = "public, max-age=60"
PROFILE_CACHE = "public, max-age=3600"


def _document(text, media_type, cache_control):
    response = make_response(text)
    response.mimetype = media_type
    response.headers["Cache-Control"] = cache_control
    # Verifiers that run in a browser read these from other sites; they hold nothing private.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/credentials/<code>.json")
@public
def credential(code):
    moved = redirect_to_printed_code(code, ".credential")
    if moved:
        return moved
    # The same answers as /verify/<code>.json for a code with a typo and for an unknown one.
    try:
        found = certificate_lookup.credential_by_code(code)
    except certificate_lookup.MistypedCode:
        return {"error": MISTYPED}, 404
    except certificate_lookup.NotFound:
        return {"error": NOT_FOUND}, 404
    except issuing.NotIssuable:
        return {"error": NOT_ISSUABLE.format(code=code)}, 404
    # Only by its code, like /verify/<code>: no shared cache keeps it, no search engine lists it.
    response = _document(found.document, issuing.MEDIA_TYPE, "no-store")
    name = certificate_files.file_name(code, certificate_files.CREDENTIAL)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/credentials/status/<int:number>")
@public
def status_list(number):
    document = status.served_document(number)
    if document is None:
        return {"error": NO_LIST}, 404
    return _document(document, issuing.MEDIA_TYPE, STATUS_CACHE)


@bp.get("/issuer")
@public
def issuer():
    document = issuing.issuer_profile_document(current_app.config)
    return _document(json.dumps(document, indent=2), "application/ld+json", PROFILE_CACHE)


def _did_document(path_wanted):
    """did:web puts the document at /.well-known/did.json for a bare host, and at
    <path>/did.json when LMS_BASE_URL has a path: serve only the one that matches."""
    has_path = urlsplit(keyring.base_url(current_app.config)).path.strip("/") != ""
    if has_path != path_wanted:
        abort(404)
    document = keyring.did_document(current_app.config)
    return _document(json.dumps(document, indent=2), "application/did+ld+json", PROFILE_CACHE)


@bp.get("/.well-known/did.json")
@public
def did_document():
    return _did_document(path_wanted=False)


@bp.get("/did.json")
@public
def did_document_under_path():
    return _did_document(path_wanted=True)
