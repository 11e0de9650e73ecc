"""What the app accepts from a request, decided once at the edge: ids, text, and a body it can
read to its end (CheckedRequest).

Every id in a form, query string or route goes through `to_id`; every text field of every form
(through lms.web.forms.Form) and every text part of a route goes through `text_problem`. So a value
that int() or the database would choke on (a superscript digit, 5,000 digits, an id beyond the
database's integer, a NUL that PostgreSQL refuses) is answered with a message, never a 500.
"""

import re

from flask import Request, current_app, g, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter, ValidationError

# The largest id either database holds in an `integer` column (PostgreSQL's is 32-bit).
MAX_ID = 2**31 - 1
NOT_AN_ID = "Choose one of the options shown."

# Longest text in one single-line field, and in one multi-line field (a pasted CSV of the largest
# import fits; Werkzeug refuses whole forms over 500 KB before this is reached).
MAX_LINE = 1000
MAX_TEXT = 400_000
MAX_ROUTE_PART = 300

# What a form adds around its file (its other fields, the CSRF token, the multipart headers):
# a request may be this much larger than the largest file it carries.
FORM_ALLOWANCE = 1024 * 1024
MEGABYTE = 1024 * 1024
SMALLER_FILE = "choose a smaller file"

# NUL and the other C0/C1 control characters except tab, newline and carriage return, and lone
# surrogates (UTF-16 halves, which cannot be encoded): nothing a person means to type.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

# The field comes back without the character (storable), so the message does not ask to find it.
UNSTORABLE = (
    "This had an invisible control character (often picked up when copying from another "
    "program), which cannot be saved. It has been taken out: check the text and send it again."
)


def to_id(value):
    """`value` as a database id: ASCII digits only, at most MAX_ID. Raises ValueError otherwise.

    `str.isdigit()` is not enough: it accepts "²" (int() refuses it) and "٣" (int() accepts it).
    """
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        number = int(value)
    else:
        raise ValueError(NOT_AN_ID)
    if number > MAX_ID:
        raise ValueError(NOT_AN_ID)
    return number


def optional_id(value):
    """`to_id(value)`, or None when `value` is missing or not an id."""
    try:
        return to_id(value)
    except ValueError:
        return None


def text_problem(value, max_length=MAX_LINE):
    """A message saying what to fix in this text, or None when it can be stored as it is."""
    if _UNSTORABLE.search(value):
        return UNSTORABLE
    if len(value) > max_length:
        return f"This is too long: shorten it to {max_length:,} characters or fewer."
    return None


def storable(value, max_length=MAX_LINE):
    """The text without what `text_problem` objects to, cut to `max_length`: safe to show again."""
    return _UNSTORABLE.sub("", value)[:max_length]


def accepts_file(max_bytes, advice=SMALLER_FILE):
    """Let this view's requests carry a file of up to `max_bytes` (and its form), however that
    compares with the MAX_CONTENT_LENGTH every other request keeps, and name that limit on the
    "too large" page (413). `advice`: what to do when the file is still too large. Every view
    that takes a file should declare its limit here: the page names a number only then."""

    def decorator(view):
        view.max_file_bytes = max_bytes
        view.too_large_advice = advice
        return view

    return decorator


def largest_file():
    """(bytes, advice): the largest file the request's view declares with `accepts_file` (None
    when it declares none), and what to do about one that is larger."""
    view = current_app.view_functions.get(request.endpoint)
    return (
        getattr(view, "max_file_bytes", None),
        getattr(view, "too_large_advice", SMALLER_FILE),
    )


class IdConverter(IntegerConverter):
    """`<int:...>` in routes: ASCII digits within MAX_ID, else the route does not match (404)."""

    regex = r"[0-9]+"

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class _CheckedText:
    def to_python(self, value):
        if text_problem(value, MAX_ROUTE_PART):
            raise ValidationError()  # no such page: a 404, as for any address that matches nothing
        return super().to_python(value)


class TextConverter(_CheckedText, UnicodeConverter):
    """The default route part (slugs, codes, tokens), refused (404) when it cannot be stored."""


class CheckedPathConverter(_CheckedText, PathConverter):
    """`<path:...>`: as TextConverter; a NUL would otherwise reach the file system."""


class CheckedRequest(Request):
    """A request whose body cannot be read to its end is a bad request (400), never a 500.

    Werkzeug turns an OSError or ValueError from the server's input stream into a 400, which is
    what the development server raises for a malformed chunked body. gunicorn raises its own
    exceptions, which are neither (InvalidChunkSize, ChunkMissingTerminator and the other
    ParseExceptions when `Transfer-Encoding: chunked` is followed by a bad chunk): they reached
    the error handler as a 500. Whatever the server raises while the body is read, the person
    gets the 400 page; what was read is dropped, so nothing reads the broken body twice.
    """

    def _load_form_data(self):
        try:
            super()._load_form_data()
        except HTTPException:  # too large, or already a bad request
            raise
        except Exception as error:  # noqa: BLE001 - the server's own kind, whatever it is
            current_app.logger.info("a request's body could not be read: %r", error)
            empty = ImmutableMultiDict()
            self.__dict__.update(form=empty, files=empty)
            raise BadRequest("The request's body could not be read.") from error


def init_app(app):
    """Must run before any blueprint is registered: rules pick their converters when added."""
    app.request_class = CheckedRequest
    app.url_map.converters.update(
        int=IdConverter, default=TextConverter, string=TextConverter, path=CheckedPathConverter
    )

    # A URL value preprocessor, because these run before every before_request function, and
    # Flask-WTF's CSRF check (one of those) reads the form: the limit must be set before that.
    @app.url_value_preprocessor
    def allow_larger_files(endpoint, values):
        view = app.view_functions.get(endpoint)
        if getattr(view, "max_file_bytes", None) is not None:
            request.max_content_length = view.max_file_bytes + FORM_ALLOWANCE

    @app.after_request
    def refused_input_is_unprocessable(response):
        # A form refused text it cannot store (lms.web.forms.Form) and the view showed the form
        # again with the message: say so in the status too, not 200.
        if g.get("input_refused") and response.status_code == 200:
            response.status_code = 422
        return response
