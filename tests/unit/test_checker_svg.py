"""SVG pictures in media/ beyond script: a DOCTYPE declaring entities, a style sheet instruction,
and references outside the file (href, CSS url() and @import, data: URLs) are refused, by the
course checker and the workspace's upload alike (content/svg.py), each message naming the file,
the line in it and what to remove. References within the file (#id) are fine.

The XSS payload sets of ../shared/testdata are put into an SVG three ways; whatever the checker
accepts is read again here with another parser (html.parser) and must refer to nothing outside
the file."""

import html
import re
import time
from html.parser import HTMLParser

import pytest

from lms.content import media
from lms.content import svg as svg_rules
from lms.services.workspace import images
from lms.services.workspace.images import ImageRefused
from tests.unit.coursekit import FIRST, LESSON_LINE, CourseFolder
from tests.xss import load_payloads, payload_sets, require_testdata

NAME = "media/chart.svg"
OPEN = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'viewBox="0 0 8 8">'
)
WITHIN = 'references within the file, such as href="#shape" or url(#gradient), are fine)'


def svg(*lines):
    """An SVG whose first line is the <svg> tag and each of `lines` a line after it."""
    return "\n".join((OPEN, *lines, "</svg>")).encode()


def outside(where):
    return (
        f"'{NAME}' is an SVG that refers to something outside the file ({where}): on a page the "
        "picture never loads it, and opened on its own it would fetch it from wherever it "
        f"points. Remove it, or draw what it shows in the SVG itself ({WITHIN}"
    )


def embedded(where):
    return (
        f"'{NAME}' is an SVG with another file embedded in it as a data: URL ({where}), which "
        "course pictures may not hold, as modules may not (a data: URL in a module's Markdown is "
        "removed when published): remove it and put that picture in media/ as a file of its own, "
        "or save the whole picture as a PNG"
    )


ENTITIES = (
    "'media/chart.svg' is an SVG whose <!DOCTYPE> declares entities (line 2: <!DOCTYPE ... [ "
    "<!ENTITY ...> ]>), which a browser expands before it draws, and which can be written to "
    "fill a reader's memory: remove the [ ... ] part of the <!DOCTYPE> (a picture never needs "
    "it) and write out in full any &name; that used it, or save the picture as a PNG"
)
LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE svg [\n  <!ENTITY lol "lol">\n'
    + b"".join(
        f'  <!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">\n'.encode()
        for n in range(1, 10)
    )
    + b']>\n<svg xmlns="http://www.w3.org/2000/svg"><text>&lol9;</text></svg>'
)
PNG_DATA = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"

REFUSED = {
    "billion-laughs": (LAUGHS, ENTITIES),
    "entity": (
        b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [\n<!ENTITY ns_svg '
        b'"http://www.w3.org/2000/svg">\n]>\n<svg xmlns="&ns_svg;"/>',
        ENTITIES,
    ),
    "use-another-file": (
        svg('<use href="#dot"/>', '<use href="shapes.svg#dot"/>'),
        outside('line 3: <use href="shapes.svg#dot">'),
    ),
    "image-xlink": (
        svg('<image xlink:href="https://cdn.example/photo.jpg" width="8" height="8"/>'),
        outside('line 2: <image xlink:href="https://cdn.example/photo.jpg">'),
    ),
    "link": (
        svg('<a href="https://elsewhere.example/"><text>More</text></a>'),
        outside('line 2: <a href="https://elsewhere.example/">'),
    ),
    "fe-image-and-more": (
        svg(
            '<filter id="f"><feImage href="//tracker.example/p.png"/></filter>',
            '<image href="photo.png"/>',
            '<image href="  ../other/photo.png"/>',
        ),
        outside('line 2: <feImage href="//tracker.example/p.png">, and 2 more'),
    ),
    "animated-href": (
        svg(
            '<use href="#d"><set attributeName="xlink:href" to="https://x.example/a.svg#d"/></use>'
        ),
        outside('line 2: <set to="https://x.example/a.svg#d">'),
    ),
    "xhtml-img": (
        svg('<img xmlns="http://www.w3.org/1999/xhtml" src="https://tracker.example/pixel.gif"/>'),
        outside('line 2: <img src="https://tracker.example/pixel.gif">'),
    ),
    "data-image": (
        svg(f'<image href="{PNG_DATA}"/>'),
        embedded(f'line 2: <image href="{PNG_DATA[:59]}…">'),
    ),
    "style-attribute": (
        svg("<rect style=\"fill:url(#g); background: url( 'https://x.example/b.png' )\"/>"),
        outside("line 2: url(https://x.example/b.png) in the style of <rect>"),
    ),
    "style-element": (
        svg("<style>", ".a { fill: url(#g) }", ".b { fill: url(other.svg#g) }", "</style>"),
        outside("line 4: url(other.svg#g) in <style>"),
    ),
    "import-in-cdata": (
        svg('<style><![CDATA[@import "https://fonts.example/f.css";]]></style>'),
        outside('line 2: @import "https://fonts.example/f.css" in <style>'),
    ),
    "css-escape": (
        svg(r'<rect style="background:\75 rl(//x.example/a.png)"/>'),
        outside("line 2: url(//x.example/a.png) in the style of <rect>"),
    ),
    "presentation-attribute": (
        svg('<rect fill="url(paints.svg#gold)" width="8" height="8"/>'),
        outside("line 2: url(paints.svg#gold) in the fill of <rect>"),
    ),
    "image-set": (
        svg("<rect style=\"fill:red; background-image: image-set('a.png' 1x)\"/>"),
        outside("line 2: image-set('a.png' 1x) in the style of <rect>"),
    ),
    "data-in-css": (
        svg("<style>.a { filter: url('data:image/png;base64,AAAA') }</style>"),
        embedded("line 2: url(data:image/png;base64,AAAA) in <style>"),
    ),
    "style-sheet-instruction": (
        b'<?xml version="1.0"?>\n<?xml-stylesheet type="text/xsl" href="#sheet"?>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg"/>',
        f"'{NAME}' is an SVG with a style sheet instruction (line 2: <?xml-stylesheet "
        'type="text/xsl" href="#sheet"?>), which restyles or rewrites the whole picture, from '
        "outside it or from within: remove it, and style the picture with a <style> element or "
        "style attributes",
    ),
    "not-well-formed": (
        svg("<g>", "<circle r='4'>", "</g>"),
        f"'{NAME}' is not a complete, well-formed SVG (line 4, column 3: mismatched tag), so a "
        "browser shows it as a broken picture: save it again from the drawing program, or save "
        "it as a PNG",
    ),
}


@pytest.fixture
def course(tmp_path):
    return CourseFolder(tmp_path)


@pytest.mark.parametrize(("data", "expected"), REFUSED.values(), ids=REFUSED.keys())
def test_the_checker_refuses_it_where_it_is_linked(course, data, expected):
    course.write(NAME, data)
    course.lesson(f"Look: ![Chart]({NAME})")
    assert course.problems() == [f"{FIRST}:{LESSON_LINE}: {expected}"]
    assert course.load().courses == []


@pytest.mark.parametrize(("data", "expected"), REFUSED.values(), ids=REFUSED.keys())
def test_the_workspace_refuses_the_upload_with_the_checkers_message(data, expected):
    with pytest.raises(ImageRefused) as refused:
        images.check("chart.svg", data)
    assert str(refused.value) == expected


def test_each_kind_of_problem_is_said_once():
    data = svg(
        '<image href="a.png"/>', f'<image href="{PNG_DATA}"/>', '<use href="b.svg#c"/>'
    ).replace(OPEN.encode(), b'<?xml-stylesheet href="s.css"?>\n' + OPEN.encode())
    found = media.problems(NAME, data)
    assert [message.split(" (")[0] for _, message in found] == [
        f"'{NAME}' is an SVG with a style sheet instruction",
        f"'{NAME}' is an SVG that refers to something outside the file",
        f"'{NAME}' is an SVG with another file embedded in it as a data: URL",
    ]
    assert 'line 3: <image href="a.png">, and 1 more' in found[1][1]


GOOD = {
    "fragments": svg(
        "<defs><linearGradient id='g'/><circle id='dot' r='1'/></defs>",
        '<use href="#dot"/><use xlink:href="#dot"/><a href="#dot"><text>Dot</text></a>',
        '<rect fill="url(#g)" style="stroke: url( \'#g\' ); color: red" width="8" height="8"/>',
        "<style>.a { fill: url(#g) } /* a comment */ .b { font: 12px serif }</style>",
        '<set attributeName="href" to="#dot"/>',
    ),
    "public-doctype": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<!DOCTYPE svg PUBLIC "-//W3C//'
        b'DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" version="1.1"><title>Chairs</title></svg>'
    ),
    "namespaces-and-words": svg(
        '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>',
        "<text>See url(notes.txt) and @import in the handout</text>",
    ),
    "utf-16": "<svg><desc>Chairs in a circle</desc><use href='#a'/></svg>".encode("utf-16"),
}


HIDDEN_SCRIPT = {
    # A '>' inside a quoted value ends no tag, for a browser: what follows is still attributes.
    "after-a-quoted-greater-than": svg('<rect aria-label="a>b" onclick="alert(1)"/>'),
    "in-a-later-attribute": svg("<desc>1 > 0</desc>", "<g class='x>y' onmouseover='alert(1)'/>"),
    "after-a-title": svg('<a href="#a" data-note="->" onfocusin="alert(1)"><text>x</text></a>'),
}


@pytest.mark.parametrize("data", HIDDEN_SCRIPT.values(), ids=HIDDEN_SCRIPT.keys())
def test_an_event_handler_after_a_greater_than_sign_in_a_value_is_script(course, data):
    message = (
        f"'{NAME}' is an SVG that holds script (a <script>, an on... event attribute, a "
        "javascript: link or embedded HTML), which a picture never needs: remove it, or save the "
        "picture as a PNG"
    )
    course.write(NAME, data)
    course.lesson(f"Look: ![Chart]({NAME})")
    assert course.problems() == [f"{FIRST}:{LESSON_LINE}: {message}"]
    with pytest.raises(ImageRefused, match="is an SVG that holds script"):
        images.check("chart.svg", data)


def test_a_prefixed_attribute_starting_with_on_is_no_event_handler(course):
    # An attribute in another namespace (a drawing program's own) never runs.
    data = svg('<rect xmlns:ink="urn:x-ink" ink:onlayer="top" width="8" height="8"/>')
    assert media.problems(NAME, data) == []


@pytest.mark.parametrize("data", GOOD.values(), ids=GOOD.keys())
def test_references_within_the_file_and_a_public_doctype_are_fine(course, data):
    course.write(NAME, data)
    course.lesson(f"Look: ![Chart]({NAME})")
    assert course.problems() == []
    assert images.check("chart.svg", data).kind == "SVG"


def test_entities_are_never_expanded():
    svg_rules._KEPT.clear()  # read it now, not as an earlier test left it
    started = time.perf_counter()
    assert media.problems(NAME, LAUGHS) == [(False, ENTITIES)]
    assert time.perf_counter() - started < 0.5


# --- the XSS payload sets ------------------------------------------------------------------------

# What a browser loads or goes to, read again here without the checker's code: html.parser reads
# a well-formed SVG's tags and attributes as expat does, with character references decoded.
_LOADING = {
    "href", "src", "srcset", "poster", "background", "action", "formaction", "handler", "data",
    "lowsrc", "dynsrc", "codebase", "archive", "longdesc", "manifest", "icon", "ping",
}  # fmt: skip
# url("") is no address (CSS reads it as nothing to load), as href="" is this file.
_CSS_LOAD = re.compile(r"url\(\s*['\"]?\s*(?![#'\"])|@import|image-set\(", re.IGNORECASE)


class _OutsideFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag.rpartition(":")[2] in ("script", "foreignobject", "iframe", "embed", "object"):
            self.found.append(f"<{tag}>")
        self.found += [f"<{tag} {name}=...>" for name, _ in attrs if name.startswith("on")]
        animated = ""
        for name, value in attrs:
            if name.rpartition(":")[2] == "attributename":
                animated = (value or "").rpartition(":")[2].lower()
        for name, value in attrs:
            local, value = name.rpartition(":")[2], value or ""
            url = re.sub(r"[\x00-\x20]", "", value)
            urls = url.split(";") if local == "values" else [url]
            loads = local in _LOADING or (
                animated in _LOADING and local in ("to", "from", "values")
            )
            if loads and not all(one.startswith("#") for one in urls if one):
                self.found.append(f"<{tag} {name}={value!r}>")
            if _CSS_LOAD.search(_css(value)):
                self.found.append(f"<{tag} {name}={value!r}>")
            if local == "http-equiv":
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.tags.pop()

    def handle_endtag(self, tag):
        if tag in self.tags:
            del self.tags[len(self.tags) - 1 - self.tags[::-1].index(tag) :]

    def handle_data(self, data):
        if self.tags and self.tags[-1] == "style" and _CSS_LOAD.search(_css(data)):
            self.found.append(f"<style>{data!r}")

    def unknown_decl(self, data):  # a CDATA section: inside a <style>, its text is CSS
        self.handle_data(data.removeprefix("CDATA["))

    def handle_decl(self, decl):
        if "[" in decl or "ENTITY" in decl.upper():
            self.found.append(f"<!{decl}>")

    def handle_pi(self, data):
        if data.lower().startswith("xml-stylesheet"):
            self.found.append(f"<?{data}>")


def _css(text):
    return re.sub(
        r"\\([0-9a-fA-F]{1,6})\s?|\\(.)",
        lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2),
        text,
    )


def outside_references(data):
    finder = _OutsideFinder()
    finder.feed(data.decode("utf-8"))
    finder.close()
    return finder.found


def placements(payload):
    """The payload as SVG markup, and as the value of a style attribute and of an href."""
    quoted = html.escape(payload, quote=True)
    yield "markup", svg(payload)
    yield "style", svg(f'<rect style="{quoted}" width="8" height="8"/>')
    yield "href", svg(f'<image href="{quoted}"/>')


@pytest.mark.parametrize("payload_set", payload_sets())
def test_no_payload_the_checker_accepts_refers_outside_the_file(payload_set):
    require_testdata()
    accepted = refused = 0
    for payload in load_payloads(payload_set):
        for where, data in placements(payload):
            problems = media.problems(NAME, data)
            try:
                images.check("chart.svg", data)
            except ImageRefused as error:
                assert problems and str(error) == problems[0][1], (payload, where)
                refused += 1
                continue
            assert problems == [], (payload, where)  # one rule: the workspace agrees
            found = outside_references(data)
            assert found == [], f"accepted with script or a reference outside: {found} ({where})"
            accepted += 1
    assert refused > 0
