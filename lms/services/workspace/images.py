"""The checks an image for a course's media/ folder passes before the workspace keeps it: what it
is by its bytes (never by its name), a name that matches, a size and a pixel limit.

PNG, JPEG, WebP and GIF are accepted only when Pillow reads the whole picture. An SVG is accepted
under the course checker's rules (content/media.py and content/svg.py): it holds an <svg> element,
no script, no DOCTYPE declaring entities and nothing from outside the file, so that a course
folder that checks clean can be carried into the workspace and back.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from ...content import media
from ...content.media import looks_like_svg

# The course checker's limit (content/media.py), so a course that checks uploads as a zip.
MAX_BYTES = media.MAX_BYTES
# Pillow warns at 89 million pixels and refuses at twice that; a picture on a page needs a
# fraction of this, and a small file that decodes to a huge picture is a memory bomb.
MAX_PIXELS = 25_000_000
MAX_NAME = media.MAX_NAME  # the course checker's rule on names, so a course that checks imports

# kind -> (content type, the extensions its name may have, the one to suggest); each kind is
# served as published media of its extension are (content/media.py's CONTENT_TYPES).
_NAMED = {
    "PNG": (("png",), "png"),
    "JPEG": (("jpg", "jpeg"), "jpg"),
    "WEBP": (("webp",), "webp"),
    "GIF": (("gif",), "gif"),
    "SVG": ((media.SVG_EXTENSION,), media.SVG_EXTENSION),
}
KINDS = {
    kind: (media.CONTENT_TYPES[suggested], extensions, suggested)
    for kind, (extensions, suggested) in _NAMED.items()
}
NAME = media.NAME
_NAME_RULE = media.NAME_RULE


class ImageRefused(ValueError):
    """The image cannot be kept; the message names the file and says what to do."""


@dataclass(frozen=True)
class CheckedImage:
    name: str
    kind: str  # "PNG", "JPEG", "WEBP", "GIF" or "SVG"
    content_type: str
    width: int | None  # None for an SVG, which has no pixels of its own
    height: int | None


def check(name, data):
    """The image `data` (bytes) named `name` (the file name in media/, no folder), or
    ImageRefused with what to fix."""
    check_name(name)
    if not data:
        raise ImageRefused(f"'{name}' is empty: choose the file again")
    if len(data) > MAX_BYTES:
        raise ImageRefused(
            f"'{name}' is {len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_BYTES // 1024 // 1024} MB: save a smaller copy (fewer pixels, or JPEG or WebP "
            "for a photo)"
        )
    kind = kind_of(data)
    if kind is None and name.endswith(f".{media.SVG_EXTENSION}"):
        raise ImageRefused(media.svg_problems(f"media/{name}", data)[0][1])
    if kind is None:
        what = "markup, not a picture" if looks_like_svg(data) else "not a picture"
        raise ImageRefused(
            f"'{name}' is not a PNG, JPEG, WebP, GIF or SVG image (whatever its name says, it is "
            f"{what}): save it in one of those formats"
        )
    if kind == "SVG":
        # The checker's rules and messages, before the name: script is refused however the file
        # is named.
        for is_warning, message in media.svg_problems(f"media/{name}", data):
            if not is_warning:
                raise ImageRefused(message)
    content_type, extensions, suggested = KINDS[kind]
    extension = name.rsplit(".", 1)[1]
    if extension not in extensions:
        stem = name.rsplit(".", 1)[0]
        raise ImageRefused(
            f"'{name}' is {_a(kind)} image but its name ends in .{extension}: "
            f"rename it '{stem}.{suggested}'"
        )
    if kind == "SVG":
        return CheckedImage(name, kind, content_type, None, None)
    width, height = _decoded_size(name, data, kind)
    return CheckedImage(name, kind, content_type, width, height)


def check_name(name):
    """A media file name: lowercase letters, digits and hyphens, one dot, an image extension."""
    not_media = media.not_media_problem(f"media/{name}")
    if not_media:  # the checker's message: media/ holds only pictures
        raise ImageRefused(not_media)
    if len(name) > MAX_NAME:
        raise ImageRefused(
            f"the image name '{name[:40]}...' is {len(name)} characters long; the limit is "
            f"{MAX_NAME}: choose a shorter name"
        )
    if not NAME.match(name):
        raise ImageRefused(f"the image name '{name}' cannot be used: {_NAME_RULE}")


def name_is_usable(name):
    """Whether check_name accepts the name, for code that only sorts paths."""
    try:
        check_name(name)
    except ImageRefused:
        return False
    return True


def kind_of(data):
    """ "PNG", "JPEG", "WEBP" or "GIF" from the first bytes, "SVG" for SVG markup, or None."""
    kind = media.kind_of(data)
    if kind is None and media.is_svg(data):
        return "SVG"
    return kind


def _decoded_size(name, data, kind):
    """(width, height) once Pillow has read every byte of the picture the way a browser will."""
    from PIL import Image, UnidentifiedImageError  # only when an image is checked: Pillow is big

    try:
        with Image.open(io.BytesIO(data), formats=[kind]) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ImageRefused(
                    f"'{name}' is {width:,} x {height:,} pixels; the limit is "
                    f"{MAX_PIXELS // 1_000_000} million pixels: save a smaller copy"
                )
            image.verify()
        with Image.open(io.BytesIO(data), formats=[kind]) as image:  # verify() spends the image
            image.load()
    except ImageRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageRefused(
            f"'{name}' cannot be opened as a {media.label(kind)} image: it may be damaged or cut "
            "short. Save it again and choose the new copy"
        ) from None
    return width, height


def _a(kind):
    """ "a PNG", "an SVG" (said ess-vee-gee)."""
    return f"{'an' if kind == 'SVG' else 'a'} {media.label(kind)}"
