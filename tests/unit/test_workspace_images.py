"""Images for a draft course's media/: checked by their bytes, not their names."""

import io

import pytest
from PIL import Image

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


def test_an_svg_renamed_png_is_refused_as_svg():
    with pytest.raises(ImageRefused) as refused:
        images.check("chart.png", SVG)
    assert str(refused.value) == (
        "'chart.png': SVG images can carry scripts, so they are not accepted: save it as PNG"
    )


@pytest.mark.parametrize(
    "data",
    [
        b"<svg onload='alert(1)'/>",
        b"\xef\xbb\xbf  <svg/>",
        b"<html><body>hi</body></html>",
        b"   \n<!DOCTYPE svg><svg/>",
        "<svg/>".encode("utf-16"),
        b"GIF8 but then <svg onload=alert(1)>",  # not a GIF signature, holds <svg
    ],
)
def test_markup_of_any_kind_is_refused_with_the_svg_message(data):
    with pytest.raises(ImageRefused, match="SVG images can carry scripts"):
        images.check("chart.png", data)


def test_a_name_ending_svg_is_refused_whatever_it_holds():
    with pytest.raises(ImageRefused, match="SVG images can carry scripts"):
        images.check("chart.svg", picture("PNG"))


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
    assert "is not a PNG, JPEG, WebP or GIF image" in str(refused.value)
    bmp = io.BytesIO()
    Image.new("RGB", (4, 4)).save(bmp, format="BMP")
    with pytest.raises(ImageRefused, match="is not a PNG, JPEG, WebP or GIF image"):
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
        "chairs",
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
        "then one extension (.png, .jpg, .webp or .gif), for example 'circle-of-chairs.png'"
    )


def test_an_extension_that_is_no_accepted_image_is_refused():
    with pytest.raises(ImageRefused) as refused:
        images.check("chairs.bmp", picture("BMP"))
    assert str(refused.value) == (
        "'chairs.bmp': .bmp files are not accepted; an image is a PNG, JPEG, WebP or GIF "
        "(.png, .jpg, .webp or .gif)"
    )


def test_a_long_name_is_refused():
    name = "a" * images.MAX_NAME + ".png"
    with pytest.raises(ImageRefused, match="characters long; the limit is 100"):
        images.check(name, picture("PNG"))
