"""What an SVG picture in media/ may not hold: script (media.py searches the markup for it first;
this reading finds what a search misses), a DOCTYPE that declares entities, a style sheet
instruction, and anything it would load from outside the file.

A picture is read as an XML parser reads it (expat, from the standard library), so that what is
checked is what a browser reads: attribute values with their references decoded, CDATA in a
<style>, and nothing hidden by a '>' inside a quoted value. A file the parser cannot read is
refused too: a browser shows it as a broken picture. Entities are never expanded: the parse stops
at a DOCTYPE that declares any.

References within the file are fine: href="#shape", url(#gradient). Everything else is refused,
data: URLs included, as a module's Markdown refuses them (render.URL_SCHEMES has no data:).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from xml.parsers import expat

SHOWN = 60  # characters of a reference quoted in a message
# What runs script in an SVG opened on its own: these elements (foreignObject carries HTML), an
# event handler attribute (on..., with no prefix: a prefixed one is in another namespace), and a
# javascript: or vbscript: address.
SCRIPT_ELEMENTS = frozenset({"script", "foreignobject", "iframe", "embed", "object"})
SCRIPT_SCHEMES = ("javascript:", "vbscript:")
# Attributes whose value is an address a browser loads or goes to. SVG's own is href (xlink:href
# before SVG 2); the rest are HTML's, for an XHTML element put inside the SVG (an <img src>
# loads even where it is not drawn), and XML Events' handler.
URL_ATTRIBUTES = frozenset(
    {
        "href", "src", "srcset", "poster", "background", "action", "formaction", "handler", "data",
        "lowsrc", "dynsrc", "codebase", "archive", "longdesc", "manifest", "icon", "ping",
    }
)  # fmt: skip
# The animation elements that can set an href to a new value, and the attributes holding it.
_ANIMATIONS = frozenset({"animate", "set"})
_ANIMATION_VALUES = frozenset({"from", "to", "by", "values"})
# Where CSS loads another file: url(...) (in a style attribute, a <style>, or a presentation
# attribute such as fill or filter), @import, and image-set(), which takes plain strings as URLs.
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)]*))""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import\b[^;]*", re.IGNORECASE)
_CSS_IMAGE_SET = re.compile(r"(?<![\w-])(?:-webkit-)?image-set\([^)]*\)?", re.IGNORECASE)
_CSS_LOADS = re.compile(r"url\(|@import|image-set\(|\\", re.IGNORECASE)  # or an escape
# A CSS escape: '\75 rl(' is 'url(' to a browser's CSS parser.
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\r\n\f]?|(.))", re.DOTALL)
_URL_JUNK = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
# The course workspace checks a whole course, media and all, at every pause in typing, and reading
# a large drawing takes a good part of a second: each picture's messages are kept by its name and
# digest, a few hundred at most (then forgotten all at once).
_KEPT = {}
_KEPT_MAX = 256


@dataclass(frozen=True)
class Reference:
    line: int
    shown: str  # where it is, as written: <image href="...">, url(...) in the fill of <rect>
    embedded: bool  # a data: URL (another file inside this one) rather than an address


class _Stop(Exception):
    """Ends the parse: a DOCTYPE that declares entities is not read any further."""


def problems(name, data):
    """Error messages for the SVG `data` (bytes) of the media file `name` ("media/chart.svg"): a
    DOCTYPE declaring entities, markup an XML parser cannot read, a style sheet instruction,
    references outside the file. Each names the file, the line in it and what to remove."""
    key = (name, hashlib.sha256(data).digest())
    kept = _KEPT.get(key)
    if kept is None:
        if len(_KEPT) >= _KEPT_MAX:
            _KEPT.clear()
        kept = _KEPT[key] = tuple(_problems(name, data))
    return list(kept)


def script_message(name):
    """The one message for an SVG that holds script, found by media.py's search or by the parse."""
    return (
        f"'{name}' is an SVG that holds script (a <script>, an on... event attribute, a "
        "javascript: link or embedded HTML), which a picture never needs: remove it, or save the "
        "picture as a PNG"
    )


def _problems(name, data):
    reader = _Reader()
    try:
        reader.parse(data)
    except _Stop:
        return [
            f"'{name}' is an SVG whose <!DOCTYPE> declares entities (line {reader.doctype_line}: "
            "<!DOCTYPE ... [ <!ENTITY ...> ]>), which a browser expands before it draws, and "
            "which can be written to fill a reader's memory: remove the [ ... ] part of the "
            "<!DOCTYPE> (a picture never needs it) and write out in full any &name; that used "
            "it, or save the picture as a PNG"
        ]
    except expat.ExpatError as error:
        return [
            f"'{name}' is not a complete, well-formed SVG (line {error.lineno}, column "
            f"{error.offset + 1}: {expat.ErrorString(error.code)}), so a browser shows it as a "
            "broken picture: save it again from the drawing program, or save it as a PNG"
        ]
    if reader.script:
        return [script_message(name)]
    found = []
    if reader.style_sheet:
        line, shown = reader.style_sheet
        found.append(
            f"'{name}' is an SVG with a style sheet instruction (line {line}: {shown}), which "
            "restyles or rewrites the whole picture, from outside it or from within: remove "
            "it, and style the picture with a <style> element or style attributes"
        )
    outside = [reference for reference in reader.references if not reference.embedded]
    if outside:
        found.append(
            f"'{name}' is an SVG that refers to something outside the file ({_where(outside)}): "
            "on a page the picture never loads it, and opened on its own it would fetch it from "
            "wherever it points. Remove it, or draw what it shows in the SVG itself (references "
            'within the file, such as href="#shape" or url(#gradient), are fine)'
        )
    embedded = [reference for reference in reader.references if reference.embedded]
    if embedded:
        found.append(
            f"'{name}' is an SVG with another file embedded in it as a data: URL "
            f"({_where(embedded)}), which course pictures may not hold, as modules may not (a "
            "data: URL in a module's Markdown is removed when published): remove it and put "
            "that picture in media/ as a file of its own, or save the whole picture as a PNG"
        )
    return found


def _where(references):
    first = references[0]
    more = f", and {len(references) - 1} more" if len(references) > 1 else ""
    return f"line {first.line}: {first.shown}{more}"


def _short(text):
    text = " ".join(text.split())
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


@lru_cache(maxsize=512)  # a picture uses a few names thousands of times
def _local(name):
    """'href' for 'xlink:href' or 'href': with no namespace processing, any prefix counts."""
    return name.rpartition(":")[2].lower()


def _outside(url):
    """The URL as a browser's URL parser reads it (spaces and control characters around it
    stripped, tabs and line breaks in it removed), or None when it points within the file: '#id',
    or nothing at all (the file itself)."""
    url = _URL_JUNK.sub("", url).strip(_C0_AND_SPACE)
    return url if url and not url.startswith("#") else None


def _css_text(text):
    """CSS as a browser's CSS parser reads it: escapes decoded."""

    def decoded(match):
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        return match.group(2)

    return _CSS_ESCAPE.sub(decoded, text)


class _Reader:
    """One parse of an SVG, noting its style sheet instruction and its references."""

    def __init__(self):
        self.references = []
        self.script = False
        self.style_sheet = None  # (line, as written) of the first <?xml-stylesheet ...?>
        self.doctype_line = None
        self.open_elements = []  # local names, innermost last
        self.style = None  # ([text, ...], its line) while a <style> element is read
        self.parser = None

    def parse(self, data):
        parser = expat.ParserCreate()  # no namespace processing: a prefix is part of the name
        self.parser = parser
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._entity
        parser.ProcessingInstructionHandler = self._instruction
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        parser.Parse(data, True)

    def _line(self):
        return self.parser.CurrentLineNumber

    def _refers(self, line, shown, url):
        """Note a reference outside the file (`url`, from _outside), written as `shown`."""
        self.references.append(Reference(line, shown, url.lower().startswith("data:")))

    def _doctype(self, name, system_id, public_id, has_internal_subset):
        # An external DTD (the usual PUBLIC "-//W3C//DTD SVG 1.1//EN") is never fetched by a
        # browser; a subset in [ ] is read, and its entities expanded.
        if has_internal_subset:
            self.doctype_line = self._line()
            raise _Stop

    def _entity(self, *declaration):
        self.doctype_line = self.doctype_line or self._line()
        raise _Stop

    def _instruction(self, target, data):
        # A style sheet instruction applies CSS or XSLT (which can write script) to the whole
        # picture, even one within the file (href="#id"): a picture never needs it.
        if target.lower() == "xml-stylesheet" and self.style_sheet is None:
            self.style_sheet = (self._line(), f"<?{target} {_short(data)}?>")

    def _start(self, name, attributes):
        element = _local(name)
        self.open_elements.append(element)
        line = self._line()
        if element in SCRIPT_ELEMENTS or any(a.lower().startswith("on") for a in attributes):
            self.script = True
        if element == "style":
            self.style = ([], line)
        animated = _local(attributes.get("attributeName", "")) if element in _ANIMATIONS else ""
        for attribute, value in attributes.items():
            local = _local(attribute)
            if local in URL_ATTRIBUTES:
                urls = (value,)
            elif animated in URL_ATTRIBUTES and local in _ANIMATION_VALUES:
                urls = value.split(";") if local == "values" else (value,)
            elif local == "http-equiv" and value.strip().lower() == "refresh":
                urls = ("refresh",)  # it goes to another page, whatever its content says
            else:
                urls = ()
            for url in urls:
                if url := _outside(url):
                    self.script = self.script or url.lower().startswith(SCRIPT_SCHEMES)
                    self._refers(line, f'<{name} {attribute}="{_short(value)}">', url)
                    break
            if _CSS_LOADS.search(value):
                self._css(value, f"in the {attribute} of <{name}>", line)

    def _end(self, name):
        if self.open_elements.pop() == "style" and self.style is not None:
            parts, line = self.style
            self.style = None
            text = "".join(parts)
            if _CSS_LOADS.search(text):
                self._css(text, f"in <{name}>", line)

    def _text(self, text):
        if self.style is not None and self.open_elements[-1] == "style":
            self.style[0].append(text)

    def _css(self, text, where, line):
        """The references in CSS (a style attribute, a presentation attribute such as fill, or a
        <style> element's text, which starts on `line`), each on its own line."""
        if "\\" in text:
            text = _css_text(text)
        for match in _CSS_URL.finditer(text):
            written = next(group for group in match.groups() if group is not None)
            if url := _outside(written):
                at = line + text.count("\n", 0, match.start())
                self._refers(at, f"url({_short(written.strip())}) {where}", url)
        for pattern in (_CSS_IMPORT, _CSS_IMAGE_SET):
            for match in pattern.finditer(text):  # an address, whatever it holds: never within
                at = line + text.count("\n", 0, match.start())
                self._refers(at, f"{_short(match.group())} {where}", match.group())
