"""XSS payloads from ../shared/testdata, and the check that HTML reaching a browser has no script.

The definition is the one in ../shared/testdata/README.md: no <script>, <iframe>, <object>,
<embed>, no on* attribute, no javascript:/vbscript:/data:text/html URL after the browser's own URL
clean-up (decode entities, strip control characters and whitespace, lower-case). The HTML is read
with a real parser (html.parser), never with a regex over the raw text.

Two modes:

- strict (the default), for what the sanitiser produced: nothing outside render.ALLOWED_TAGS, no
  attribute outside render.ALLOWED_ATTRIBUTES (plus the rel="noopener noreferrer" nh3 adds to
  links, the table scroll region render.wrap_tables adds, exactly as it writes it, and a
  heading's id as render.heading_ids writes it: 'section-' and letters, digits, '-', '_'), no URL
  scheme outside render.URL_SCHEMES, no comment, doctype or processing instruction;
- page=True, for a whole page: the app's own markup is allowed (doctype, <link>/<meta> in <head>),
  but the dangerous tags, event handlers, style attributes and script URLs fail anywhere.
"""

from __future__ import annotations

import json
import re
from functools import cache
from html.parser import HTMLParser

from lms.content.render import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, ANCHOR_PREFIX, URL_SCHEMES
from tests.conftest import SHARED_TESTDATA

XSS_DIR = SHARED_TESTDATA / "xss"
PAYLOADS_DIR = XSS_DIR / "payloadsallthethings"
DOMPURIFY_FILE = XSS_DIR / "dompurify-expect.json"
DOMPURIFY_SET = "dompurify-expect.json"

# Tags that must never reach a page, whatever the mode.
FORBIDDEN_TAGS = frozenset(
    {
        "script", "iframe", "object", "embed", "frame", "frameset", "applet", "base", "form",
        "style", "svg", "math", "noscript", "template", "portal", "xmp", "noembed", "noframes",
        "plaintext", "input", "button", "textarea", "select", "isindex", "keygen", "video", "audio",
        "source", "track", "marquee", "bgsound", "layer", "ilayer", "xml", "import", "use",
        "image", "animate", "set", "handler", "listener",
    }
)  # fmt: skip
# Allowed in a page's own <head> only: anywhere in <body> they came from content.
HEAD_ONLY_TAGS = frozenset({"link", "meta", "title"})
URL_ATTRIBUTES = frozenset(
    {
        "href", "src", "action", "formaction", "xlink:href", "data", "srcset", "poster",
        "background", "lowsrc", "dynsrc", "codebase", "cite", "longdesc", "usemap", "ping",
        "manifest", "icon", "archive", "classid", "profile", "to", "from", "values", "by",
    }
)  # fmt: skip
SCRIPT_URL_PREFIXES = ("javascript:", "vbscript:", "livescript:", "data:text/html", "mocha:")
# Attributes that load a resource rather than navigate: any data: URL there is suspicious too.
LOADING_ATTRIBUTES = frozenset(
    {"src", "srcset", "data", "poster", "background", "lowsrc", "dynsrc", "xlink:href"}
)
# What nh3 adds to every link (render.sanitise passes link_rel).
ADDED_ATTRIBUTES = {"a": {"rel"}}
# The id render.heading_ids gives a heading after the sanitiser, exactly so.
_HEADING_ID = re.compile(rf"{ANCHOR_PREFIX}[\w-]+")
_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
# nh3 (ammonia) keeps these on every tag whatever `attributes` says: inert, so tolerated.
GENERIC_ATTRIBUTES = frozenset({"lang", "title"})

_URL_JUNK = re.compile(r"[\x00-\x20\x7f]+")
_URL_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")


def browser_url(value):
    """A URL attribute's value as a browser judges its scheme.

    html.parser has already decoded character references in attribute values (as a browser does,
    once); what is left is the browser's URL clean-up: drop ASCII control characters and
    whitespace, lower-case.
    """
    return _URL_JUNK.sub("", value or "").lower()


def url_scheme(value):
    """The scheme a browser's URL parser finds (None: a relative URL).

    The WHATWG parser strips leading and trailing C0 controls and spaces and removes tabs and
    newlines anywhere; a space inside ends the scheme ("a b:c" is relative).
    """
    url = _URL_TAB_NEWLINE.sub("", (value or "").strip(_C0_AND_SPACE)).lower()
    match = _SCHEME.match(url)
    return match.group(1) if match else None


def _url_problem(tag, name, value, strict):
    candidates = [value]
    if name == "srcset":
        candidates = [part.strip().split(" ")[0] for part in value.split(",")]
    for candidate in candidates:
        url = browser_url(candidate)
        if url.startswith(SCRIPT_URL_PREFIXES):
            return f"<{tag} {name}> holds a script URL {value!r}"
        if url.startswith("data:") and (name in LOADING_ATTRIBUTES or tag in ("object", "embed")):
            return f"<{tag} {name}> loads a data: URL {value!r}"
        if strict:
            scheme = url_scheme(candidate)
            if scheme is not None and scheme not in URL_SCHEMES:
                return f"<{tag} {name}> has a URL scheme outside URL_SCHEMES: {value!r}"
    return None


def _is_table_region(attrs):
    """The one tag the renderer adds after the sanitiser: a table's scroll region, exactly so."""
    values = dict(attrs)
    return (
        len(attrs) == 4
        and values.get("class") == "table-scroll"
        and values.get("role") == "region"
        and values.get("tabindex") == "0"
        and (values.get("aria-label") or "").startswith("Table")
    )


class _ScriptFinder(HTMLParser):
    def __init__(self, strict, allow_tags):
        super().__init__(convert_charrefs=True)
        self.strict = strict
        self.allow_tags = allow_tags
        self.problems = []
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        self._tag(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._tag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False

    def _tag(self, tag, attrs):
        problems = self.problems
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        if tag in self.allow_tags:
            pass
        elif self.strict and tag == "div" and _is_table_region(attrs):
            return
        elif self.strict and tag not in ALLOWED_TAGS:
            problems.append(f"tag <{tag}> is not in ALLOWED_TAGS")
        elif tag in FORBIDDEN_TAGS:
            problems.append(f"forbidden tag <{tag}>")
        elif tag in HEAD_ONLY_TAGS and not self.in_head:
            problems.append(f"tag <{tag}> outside the page's <head>")
        allowed = (
            ALLOWED_ATTRIBUTES.get(tag, set())
            | ADDED_ATTRIBUTES.get(tag, set())
            | GENERIC_ATTRIBUTES
        )
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                problems.append(f"event handler attribute {name}={value!r} on <{tag}>")
            elif name == "style":
                problems.append(f"style attribute on <{tag}>: {value!r}")
            elif name == "id" and tag in _HEADINGS and _HEADING_ID.fullmatch(value):
                pass
            elif self.strict and name not in allowed:
                problems.append(f"attribute {name!r} on <{tag}> is not in ALLOWED_ATTRIBUTES")
            if name == "http-equiv" and value.strip().lower() == "refresh":
                problems.append(f"<{tag} http-equiv=refresh> (a redirect)")
            if name in URL_ATTRIBUTES or name.endswith(":href"):
                problem = _url_problem(tag, name, value, self.strict)
                if problem:
                    problems.append(problem)

    def handle_comment(self, data):
        if self.strict:
            self.problems.append(f"comment <!--{data[:60]}--> (comments should be stripped)")

    def handle_decl(self, decl):
        if self.strict:
            self.problems.append(f"declaration <!{decl[:60]}>")

    def unknown_decl(self, data):
        self.problems.append(f"unknown declaration <![{data[:60]}]>")

    def handle_pi(self, data):
        self.problems.append(f"processing instruction <?{data[:60]}>")


def find_script(html, page=False, allow_tags=()):
    """Every way the HTML could run script (strict: anything the sanitiser should have removed).

    `allow_tags` lets a page check pass tags the page's own markup uses (a <form> of its own).
    """
    finder = _ScriptFinder(strict=not page, allow_tags=frozenset(allow_tags))
    try:
        finder.feed(html)
        finder.close()
    except AssertionError as error:  # Python 3.11's parser gives up on a malformed "<![" section
        finder.problems.append(f"markup the parser cannot read ({error}): not sanitiser output")
    return finder.problems


def assert_no_script(html, label="", page=False, allow_tags=()):
    """Fail, naming `label` (the payload or page), if the HTML could run script."""
    problems = find_script(html, page=page, allow_tags=allow_tags)
    if problems:
        where = f" for {label!r}" if label else ""
        raise AssertionError(
            f"script reached the HTML{where}:\n  " + "\n  ".join(problems) + f"\nHTML: {html!r}"
        )


def require_testdata():
    """Fail (never skip) when the shared test data is not where CI puts it."""
    assert PAYLOADS_DIR.is_dir() and DOMPURIFY_FILE.is_file(), (
        f"the shared XSS test data is missing: expected ../shared/testdata beside the repository "
        f"clone ({SHARED_TESTDATA.resolve()}), holding xss/payloadsallthethings/*.txt and "
        "xss/dompurify-expect.json"
    )


def payload_sets():
    """Names of the payload sets: each .txt file, and the DOMPurify fixtures.

    Called at collection time, so it must not fail: with the data missing it still returns the
    DOMPurify name, and the tests then fail through require_testdata().
    """
    names = sorted(p.name for p in PAYLOADS_DIR.glob("*.txt")) if PAYLOADS_DIR.is_dir() else []
    return [*names, DOMPURIFY_SET]


@cache
def load_payloads(name):
    """The payloads of one set, as a tuple of strings."""
    require_testdata()
    if name == DOMPURIFY_SET:
        entries = json.loads(DOMPURIFY_FILE.read_text(encoding="utf-8"))
        return tuple(entry["payload"] for entry in entries if entry.get("payload"))
    text = (PAYLOADS_DIR / name).read_text(encoding="utf-8", errors="replace")
    return tuple(line for line in text.splitlines() if line.strip())
