"""Headers on every response: what the browser may run and load (Content-Security-Policy and
friends), and who may keep a copy of a page, derived from each route's declared access policy
(lms/web/access.py) so that no route can forget it."""

from flask import current_app, g, request
from flask_login import current_user

# The app ships no script and no inline style, so nothing but its own files may run or style a
# page; images come from here (course media) or data: URLs. This also keeps course pages from
# loading third-party images that would tell another site who reads what.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# Production runs behind TLS (LMS_ENV=production already makes cookies Secure): HTTPS only.
STRICT_TRANSPORT_SECURITY = "max-age=31536000"
PRIVATE = "private, no-store"


def route_is_public():
    """Does the route that answered declare @public? Static files and addresses that match no
    route count as public; any other route is private, whatever it answered."""
    if request.url_rule is None or request.endpoint == "static":
        return True
    view = current_app.view_functions.get(request.endpoint)
    return getattr(view, "access_policy", ("private",))[0] == "public"


def set_security_headers(response):
    headers = response.headers
    # A response may bring a stricter policy of its own (an evidence file: sandboxed, loading
    # nothing); every other response gets the site's.
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    # same-origin: no address leaves for another site in a Referer, and the site's own forms
    # still send one, which CSRF protection over HTTPS needs (no page asks for no-referrer: it
    # would break its forms; see lms/web/auth/views.py private()).
    headers.setdefault("Referrer-Policy", "same-origin")
    if current_app.config["LMS_ENV"] == "production":
        headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
    return response


def carries_a_form_token():
    """Did this response render a CSRF token? Such a page (signing in, making an account) is tied
    to its visitor's session: a copy kept by a cache and shown to someone else would hand them
    a token that is not theirs, and keep the typed address in a shared disk cache."""
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g


def keep_private_pages_out_of_shared_caches(response):
    """Pages behind sign-in, any page shown to someone signed in (it names them), and any page
    with a form that carries a token must not be kept by a shared cache or a browser's disk
    cache; other public pages keep normal caching."""
    if (
        not route_is_public()
        or (request.endpoint != "static" and current_user.is_authenticated)
        or carries_a_form_token()
    ):
        response.headers["Cache-Control"] = PRIVATE
    return response


def init_app(app):
    app.after_request(keep_private_pages_out_of_shared_caches)
    app.after_request(set_security_headers)
