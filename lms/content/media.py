"""The files in a course's media/ folder: is each what its name says, and small enough to serve.

Read by the course checker from the bytes it already hashes, so this costs no more reading: the
first bytes say what a picture is (never its name), and an SVG must hold an <svg> element, no
script, and (svg.py) no DOCTYPE declaring entities and nothing loaded from outside the file. The
course workspace (services/workspace/images.py) applies these same rules to an upload or a zip,
and also decodes each PNG, JPEG, WebP or GIF in full.
"""

from __future__ import annotations

import re

from . import svg

MAX_BYTES = 2 * 1024 * 1024  # a 1600-pixel-wide photo is about 300 kB as JPEG
# The first bytes of each picture kind, and the extensions its name may have.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)
EXTENSIONS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP"}
SVG_EXTENSION = "svg"
# What each picture is served as. Not the system's type table (mimetypes): a host without one
# (a slim container has no /etc/mime.types) knows no .webp, and a picture served as
# application/octet-stream with nosniff shows broken.
CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "svg": "image/svg+xml",
}
# The names the course workspace keeps a picture under (services/workspace/images.py): directly
# in media/, lowercase letters, digits and hyphens, one dot and the extension.
NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.([a-z0-9]+)$")
MAX_NAME = 100
NAME_RULE = (
    "use lowercase letters, digits and hyphens, then one extension (.png, .jpg, .webp, .gif or "
    ".svg), for example 'circle-of-chairs.png'"
)
_SUGGESTED = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp", "SVG": "svg"}
_SVG_ELEMENT = re.compile(rb"<(?:[a-z0-9]+:)?svg[\s/>]", re.IGNORECASE)
# What runs in an SVG opened on its own: a script element, an event handler, a javascript: URL,
# or another document pulled in (foreignObject carries HTML).
# An event handler counts only inside a tag: "Step one = two" in a <text> is words.
_SVG_SCRIPT = re.compile(
    rb"<\s*(?:[a-z0-9]+:)?(?:script|foreignobject|iframe|embed|object)\b"
    rb"|<[^<>]*\son[a-z]+\s*=|" + rb"[\t\n\r]*".join(bytes([c]) for c in b"javascript:"),
    re.IGNORECASE,
)
# An XML parser reads '&#58;' or '&#x3A;' as ':' and a URL parser drops tabs and line breaks,
# so 'java&#9;script&#58;' is a javascript: link: references are read before the search, and
# tabs and line breaks inside the word skipped (not spaces: 'Java script: a language' is words).
_CHARACTER_REFERENCE = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));?")


def not_media_problem(name):
    """The error for the media file `name` ("media/notes.txt") when its extension is not a
    picture's, else None. Only pictures are checked by their bytes; anything else in media/
    (a page, a script, a text) would be published unchecked, on the site's own address."""
    extension = extension_of(name)
    if extension in EXTENSIONS or extension == SVG_EXTENSION:
        return None
    what = f"a .{extension} file" if extension else "a file with no extension"
    return (
        f"'{name}' is {what}, and media/ holds only pictures: PNG, JPEG, GIF, WebP or SVG (.png, "
        ".jpg or .jpeg, .gif, .webp, .svg). Save it as one of those, or move it out of media/"
    )


def content_type(name):
    """The type a media file is served as, by its extension ("media/Chairs.PNG": image/png);
    application/octet-stream for anything else (which the checker refuses)."""
    return CONTENT_TYPES.get(extension_of(name), "application/octet-stream")


def extension_of(name):
    """'png' for "media/Chairs.PNG", '' for a name with no dot."""
    base = name.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def kind_of(data):
    """ "PNG", "JPEG", "WEBP" or "GIF" from the first bytes, or None."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def looks_like_svg(data):
    """SVG, or any XML or markup: text that starts with '<' once a byte-order mark and spaces are
    skipped, or that holds '<svg' near its start."""
    head = data[:4096]
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            head = head[len(bom) :].replace(b"\x00", b"")
            break
    return head.lstrip().startswith(b"<") or b"<svg" in head.lower()


def is_svg(data):
    """Whether `data` is SVG markup: it holds an <svg> element."""
    return _SVG_ELEMENT.search(_markup(data)) is not None


def _markup(data):
    """Markup's bytes as a browser reads them, for the searches: an XML file may be UTF-16 (with
    its byte-order mark), which a browser reads as well as UTF-8, and character references
    ('&#58;') are read as their characters."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.decode("utf-16", "replace").encode("utf-8")
    return _CHARACTER_REFERENCE.sub(_character, data)


def _character(match):
    """The ASCII character a reference stands for (what script is written in), else as is; '<',
    '>' and '&' stay references, as they are words in a text, never markup."""
    code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    return bytes([code]) if code < 128 and code not in b"<>&" else match.group()


def label(kind):
    return "WebP" if kind == "WEBP" else kind


def problems(name, data):
    """What is wrong with the media file `name` ("media/circle.png") holding `data` (bytes), as
    [(is a warning, message)], each message naming the file. Errors: too big, not a picture's
    extension, not the picture its name says (it would show broken), an SVG with script, or
    whose markup is broken, declares entities or refers outside the file (svg.py). A
    warning: a picture named as another kind, which browsers show all the same but the course
    workspace refuses."""
    found = []
    if len(data) > MAX_BYTES:
        found.append(
            (
                False,
                f"'{name}' is {len(data) / 1024 / 1024:.1f} MB; the limit is "
                f"{MAX_BYTES // 1024 // 1024} MB: save a smaller copy (fewer pixels, or JPEG or "
                "WebP for a photo)",
            )
        )
    extension = extension_of(name)
    not_media = not_media_problem(name)
    if not_media:
        found.append((False, not_media))
    elif extension in EXTENSIONS:
        kind = kind_of(data)
        wanted = EXTENSIONS[extension]
        if kind is None:
            what = "an SVG or other markup" if looks_like_svg(data) else "not a picture"
            found.append(
                (
                    False,
                    f"'{name}' is not a {label(wanted)} image, whatever its name says (it is "
                    f"{what}), so it would show as a broken picture: save the picture again as "
                    f"a {label(wanted)}",
                )
            )
        elif kind != wanted:
            stem = name.rsplit(".", 1)[0]
            found.append(
                (
                    True,
                    f"'{name}' is a {label(kind)} image but its name ends in .{extension}: rename "
                    f"it '{stem.rsplit('/', 1)[-1]}.{_SUGGESTED[kind]}' (and the links to it)",
                )
            )
    elif extension == SVG_EXTENSION:
        found += svg_problems(name, data)
    if not not_media:
        found += workspace_name_problems(name)
    return found


def workspace_name_problems(name):
    """A warning when the course workspace would refuse the media file's name ("media/Chairs.PNG",
    "media/photos/chairs.png"): the course publishes and shows as it is, but cannot be carried
    into the workspace as a zip until it is renamed."""
    base = name.removeprefix("media/")
    if NAME.match(base) and len(base) <= MAX_NAME:
        return []
    stem, _, extension = base.rpartition(".")
    extension = extension.lower()
    words = "-".join(re.findall(r"[a-z0-9]+", stem.rsplit("/", 1)[-1].lower())) or "picture"
    suggested = f"media/{words[: MAX_NAME - len(extension) - 1].strip('-')}.{extension}"
    what = (
        "is in a folder inside media/, which the course workspace does not accept"
        if "/" in base
        else "has a name the course workspace does not accept"
    )
    return [
        (
            True,
            f"'{name}' {what}, so the course could not be carried into the workspace as a zip: "
            f"rename it '{suggested}' (and the links to it). Names {NAME_RULE}, directly in "
            "media/",
        )
    ]


def svg_problems(name, data):
    """What is wrong with `data` as an SVG picture, as problems() gives it. An SVG is served as
    one (image/svg+xml), so anything else named .svg shows broken. Script is looked for first,
    in the markup as it is; then svg.problems reads it as XML: a DOCTYPE declaring entities, a
    file that is not well-formed, references outside the file."""
    kind = kind_of(data)
    if kind is not None:
        stem = name.rsplit(".", 1)[0].rsplit("/", 1)[-1]
        return [
            (
                False,
                f"'{name}' is a {label(kind)} image but its name ends in .svg, so it would show "
                f"as a broken picture: rename it '{stem}.{_SUGGESTED[kind]}' (and the links to it)",
            )
        ]
    if not is_svg(data):
        return [
            (
                False,
                f"'{name}' is not an SVG image, whatever its name says (it holds no <svg> "
                "element), so it would show as a broken picture: save the picture again as an SVG",
            )
        ]
    if _SVG_SCRIPT.search(_markup(data)):
        return [(False, svg.script_message(name))]
    return [(False, message) for message in svg.problems(name, data)]
