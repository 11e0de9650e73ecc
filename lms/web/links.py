"""Full links to pages here (for PDFs, QR codes, emails, links handed to someone): one function;
and the one redirect from a code typed another way to the code as printed.

A full link is never built from a Host header nobody vouched for: whoever sends a request chooses
its Host, and a forged one would put the sender's site into a reset link or a certificate's QR code.
"""

from urllib.parse import urlsplit

from flask import current_app, redirect, request, url_for

from ..services.certification.codes import normalise_code


def external_url(endpoint, **values):
    """The full address of a page here, built from LMS_BASE_URL.

    Without LMS_BASE_URL (never in production: start-up refuses), the address the request came in
    on is used only when its host is one of LMS_TRUSTED_HOSTS; otherwise the link is the path
    alone, which leads nowhere else.
    """
    path = url_for(endpoint, **values)
    base = current_app.config["LMS_BASE_URL"]
    if base:
        return base + path
    if request_host_is_trusted():
        return request.host_url.rstrip("/") + path
    current_app.logger.warning(
        "a full link was asked for under the untrusted host %r: set LMS_BASE_URL", request.host
    )
    return path


def request_host_is_trusted():
    try:
        host = urlsplit("//" + request.host).hostname or ""
    except ValueError:  # a Host header that is not a host at all
        return False
    return host in current_app.config["LMS_TRUSTED_HOSTS"]


def redirect_to_printed_code(code, endpoint):
    """A redirect to `endpoint` with the code as we print it (PSF-7K3Q-...), when it was typed
    another way (lower case, spaces, O for 0); None when it is already as printed."""
    printed = normalise_code(code)
    if printed and printed != code:
        return redirect(url_for(endpoint, code=printed))
    return None
