"""Images for a draft course's media/: checked by their bytes, not their names."""

import io

import pytest
from PIL import Image

from lms.content import media
from lms.services.workspace import images
from lms.services.workspace.images import ImageRefused

SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def picture(kind, size=(8, 6)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, format=kind)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "kind", "content_type"),
    [
        ("chairs.png", "PNG", "image/png"),
        ("a-photo-2.jpg", "JPEG", "image/jpeg"),
        ("a-photo.jpeg", "JPEG", "image/jpeg"),
        ("circle.webp", "WEBP", "image/webp"),
        ("wave.gif", "GIF", "image/gif"),
    ],
)
def test_each_accepted_kind_is_known_by_its_bytes(name, kind, content_type):
    checked = images.check(name, picture(kind))
    assert (checked.name, checked.kind, checked.content_type) == (name, kind, content_type)
    assert (checked.width, checked.height) == (8, 6)


PLAIN_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><circle r="4"/></svg>'
SCRIPT_MESSAGE = (
    "'media/{name}' is an SVG that holds script (a <script>, an on... event attribute, a "
    "javascript: link or embedded HTML), which a picture never needs: remove it, or save the "
    "picture as a PNG"
)


@pytest.mark.parametrize(
    "data",
    [
        PLAIN_SVG,
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
        b'<text x="1" y="9">Step one = listen</text></svg>',
        "<svg><desc>Chairs in a circle</desc></svg>".encode("utf-16"),
        # a script written as words, and words about a language, are words
        b"<svg><text>&#60;script&#62; is a tag; Java script: a language; caf&#233;</text></svg>",
    ],
    ids=["plain", "words-like-an-attribute", "utf-16", "references-and-words"],
)
def test_an_svg_the_checker_passes_is_accepted(data):
    # The course checker passes it too: a course folder with this diagram checks clean.
    assert media.problems("media/chairs.svg", data) == []
    checked = images.check("chairs.svg", data)
    assert (checked.kind, checked.content_type) == ("SVG", "image/svg+xml")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("chart.svg", SVG),
        ("chart.svg", b"<svg onload='alert(1)'/>"),
        ("chart.svg", b'<svg><a href="javascript:alert(1)"><text>x</text></a></svg>'),
        ("chart.svg", b"<svg><foreignObject><p>hi</p></foreignObject></svg>"),
        # what an XML parser and a URL parser make of these is a javascript: link
        ("chart.svg", b'<svg><a href="javascript&#58;alert(1)"><text>x</text></a></svg>'),
        (
            "chart.svg",
            b'<svg><a href="&#x6A;ava&#x09;script&#x3A;alert(1)"><text>x</text></a></svg>',
        ),
        ("chart.svg", b'<svg><a href="java\nscript:alert(1)"><text>x</text></a></svg>'),
        ("chart.svg", "<svg><script>alert(1)</script></svg>".encode("utf-16")),
        ("chart.png", SVG),  # script is refused whatever the file is named
        ("chart.png", b"GIF8 but then <svg onload=alert(1)>"),  # not a GIF signature
    ],
)
def test_an_svg_with_script_is_refused_with_the_checkers_message(name, data):
    expected = SCRIPT_MESSAGE.format(name=name)
    if name.endswith(".svg"):
        assert media.problems(f"media/{name}", data) == [(False, expected)]
    with pytest.raises(ImageRefused) as refused:
        images.check(name, data)
    assert str(refused.value) == expected


def test_an_svg_named_png_is_refused_with_the_name_to_use():
    with pytest.raises(ImageRefused) as refused:
        images.check("chart.png", b"<svg></svg>")
    assert (
        str(refused.value)
        == "'chart.png' is an SVG image but its name ends in .png: rename it 'chart.svg'"
    )


def test_what_is_not_an_svg_named_svg_is_refused_as_the_checker_refuses_it():
    with pytest.raises(ImageRefused) as refused:
        images.check("chart.svg", b"<html><body>hi</body></html>")
    assert str(refused.value) == (
        "'media/chart.svg' is not an SVG image, whatever its name says (it holds no <svg> "
        "element), so it would show as a broken picture: save the picture again as an SVG"
    )
    with pytest.raises(ImageRefused) as refused:
        images.check("chart.svg", picture("PNG"))
    assert str(refused.value) == (
        "'chart.svg' is a PNG image but its name ends in .svg: rename it 'chart.png'"
    )


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbf  <html/>",
        b"<html><body>hi</body></html>",
        b"   \n<!DOCTYPE html><p>hi</p>",
    ],
)
def test_other_markup_is_refused_as_not_a_picture(data):
    with pytest.raises(ImageRefused) as refused:
        images.check("chart.png", data)
    assert str(refused.value) == (
        "'chart.png' is not a PNG, JPEG, WebP, GIF or SVG image (whatever its name says, it is "
        "markup, not a picture): save it in one of those formats"
    )


def test_a_png_named_jpg_is_refused_with_the_name_to_use():
    with pytest.raises(ImageRefused) as refused:
        images.check("chairs.jpg", picture("PNG"))
    assert str(refused.value) == (
        "'chairs.jpg' is a PNG image but its name ends in .jpg: rename it 'chairs.png'"
    )


def test_a_webp_named_png_is_refused():
    with pytest.raises(ImageRefused, match="is a WebP image but its name ends in .png"):
        images.check("chairs.png", picture("WEBP"))


def test_other_bytes_are_refused():
    with pytest.raises(ImageRefused) as refused:
        images.check("notes.png", b"%PDF-1.7 a document")
    assert "is not a PNG, JPEG, WebP, GIF or SVG image" in str(refused.value)
    bmp = io.BytesIO()
    Image.new("RGB", (4, 4)).save(bmp, format="BMP")
    with pytest.raises(ImageRefused, match="is not a PNG, JPEG, WebP, GIF or SVG image"):
        images.check("notes.png", bmp.getvalue())


def test_a_damaged_image_is_refused():
    data = picture("PNG", (64, 64))
    with pytest.raises(ImageRefused) as refused:
        images.check("chairs.png", data[: len(data) // 2])
    assert str(refused.value).startswith("'chairs.png' cannot be opened as a PNG image")


def test_an_empty_file_is_refused():
    with pytest.raises(ImageRefused, match="'chairs.png' is empty"):
        images.check("chairs.png", b"")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    data = picture("PNG") + b"\0" * images.MAX_BYTES
    with pytest.raises(ImageRefused) as refused:
        images.check("chairs.png", data)
    assert str(refused.value) == (
        "'chairs.png' is 2.0 MB; the limit is 2 MB: save a smaller copy (fewer pixels, or JPEG "
        "or WebP for a photo)"
    )
    assert images.check("chairs.png", picture("PNG") + b"\0" * 100).kind == "PNG"


def test_a_small_file_with_too_many_pixels_is_refused():
    out = io.BytesIO()
    Image.new("1", (6000, 5000)).save(out, format="PNG")  # a few kB, 30 million pixels
    assert len(out.getvalue()) < images.MAX_BYTES
    with pytest.raises(ImageRefused) as refused:
        images.check("huge.png", out.getvalue())
    assert str(refused.value) == (
        "'huge.png' is 6,000 x 5,000 pixels; the limit is 25 million pixels: save a smaller copy"
    )


@pytest.mark.parametrize(
    "name",
    [
        "Chairs.png",
        "my chairs.png",
        "chairs.backup.png",
        "-chairs.png",
        "chairs-.png",
        ".png",
        "chairs.PNG",
        "stühle.png",
        "media/chairs.png",
    ],
)
def test_a_name_outside_the_rule_is_refused(name):
    with pytest.raises(ImageRefused) as refused:
        images.check(name, picture("PNG"))
    assert str(refused.value) == (
        f"the image name '{name}' cannot be used: use lowercase letters, digits and hyphens, "
        "then one extension (.png, .jpg, .webp, .gif or .svg), for example 'circle-of-chairs.png'"
    )


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("chairs.bmp", "a .bmp file"),
        ("notes.txt", "a .txt file"),
        ("page.html", "a .html file"),
        ("app.js", "a .js file"),
        ("handout.pdf", "a .pdf file"),
        ("chairs", "a file with no extension"),
    ],
)
def test_a_file_that_is_no_picture_is_refused_with_the_checkers_message(name, what):
    expected = (
        f"'media/{name}' is {what}, and media/ holds only pictures: PNG, JPEG, GIF, WebP or SVG "
        "(.png, .jpg or .jpeg, .gif, .webp, .svg). Save it as one of those, or move it out of "
        "media/"
    )
    assert media.problems(f"media/{name}", picture("PNG")) == [(False, expected)]
    with pytest.raises(ImageRefused) as refused:
        images.check(name, picture("PNG"))
    assert str(refused.value) == expected


def test_a_long_name_is_refused():
    name = "a" * images.MAX_NAME + ".png"
    with pytest.raises(ImageRefused, match="characters long; the limit is 100"):
        images.check(name, picture("PNG"))
