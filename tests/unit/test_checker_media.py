"""The checker on the files in media/: each is what its name says, holds no script, and is within
the size limit; a problem is reported at each line that links the file, or at the file itself
when nothing links it (it is published all the same)."""

import pytest

from lms.content import media
from tests.unit.coursekit import COURSE, FIRST, LESSON_LINE, SAMPLE, CourseFolder

PNG = (SAMPLE / "media" / "circle.png").read_bytes()
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'


@pytest.fixture
def course(tmp_path):
    return CourseFolder(tmp_path)


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        (
            "media/chairs.png",
            b"%PDF-1.7 a document",
            "'media/chairs.png' is not a PNG image, whatever its name says (it is not a picture), "
            "so it would show as a broken picture: save the picture again as a PNG",
        ),
        (
            "media/chairs.jpg",
            SVG,
            "'media/chairs.jpg' is not a JPEG image, whatever its name says (it is an SVG or other "
            "markup), so it would show as a broken picture: save the picture again as a JPEG",
        ),
        (
            "media/chairs.svg",
            SVG.replace(b"<circle", b'<circle onload="alert(1)"'),
            "'media/chairs.svg' is an SVG that holds script (a <script>, an on... event "
            "attribute, a javascript: link or embedded HTML), which a picture never needs: remove "
            "it, or save the picture as a PNG",
        ),
        (
            "media/chairs.gif",
            b"GIF89a" + b"\0" * media.MAX_BYTES,
            "'media/chairs.gif' is 2.0 MB; the limit is 2 MB: save a smaller copy (fewer pixels, "
            "or JPEG or WebP for a photo)",
        ),
        (
            "media/chairs.svg",
            b"<html><body>a page</body></html>",
            "'media/chairs.svg' is not an SVG image, whatever its name says (it holds no <svg> "
            "element), so it would show as a broken picture: save the picture again as an SVG",
        ),
        (
            "media/chairs.svg",
            PNG,
            "'media/chairs.svg' is a PNG image but its name ends in .svg, so it would show as a "
            "broken picture: rename it 'chairs.png' (and the links to it)",
        ),
        (
            "media/chairs.svg",
            "<svg><script>alert(1)</script></svg>".encode("utf-16"),
            "'media/chairs.svg' is an SVG that holds script (a <script>, an on... event "
            "attribute, a javascript: link or embedded HTML), which a picture never needs: remove "
            "it, or save the picture as a PNG",
        ),
    ],
    ids=[
        "not-a-picture",
        "svg-named-jpg",
        "svg-with-script",
        "too-big",
        "svg-not-svg",
        "png-named-svg",
        "utf-16-svg-with-script",
    ],  # fmt: skip
)
def test_a_media_file_that_would_not_show_or_runs_script_is_refused_where_it_is_linked(
    course, name, data, expected
):
    course.write(name, data)
    course.lesson(f"Look: ![Chairs]({name})")
    assert course.problems() == [f"{FIRST}:{LESSON_LINE}: {expected}"]
    assert course.load().courses == []


def test_a_picture_named_as_another_kind_is_a_warning(course):
    # Browsers show it all the same; the course workspace would refuse it.
    course.write("media/chairs.jpg", PNG)
    course.lesson("Look: ![Chairs](media/chairs.jpg)")
    assert course.problems() == [
        f"{FIRST}:{LESSON_LINE}: warning: 'media/chairs.jpg' is a PNG image but its name ends in "
        ".jpg: rename it 'chairs.png' (and the links to it)"
    ]


def test_a_bad_media_file_that_nothing_links_is_reported_at_the_file(course):
    course.write("media/notes.png", b"just text")
    assert course.problems() == [
        f"{COURSE}/media/notes.png: 'media/notes.png' is not a PNG image, whatever its name says "
        "(it is not a picture), so it would show as a broken picture: save the picture again as "
        "a PNG"
    ]


def test_good_pictures_and_a_plain_svg_pass(course):
    # Words in a text element that read like an attribute are words, not an event handler.
    words = b'<text x="1" y="9">Step one = listen; session = 2</text></svg>'
    course.write("media/chairs.svg", SVG.replace(b"</svg>", words))
    course.write("media/chairs.jpg", b"\xff\xd8\xff\xe0 a jpeg")
    course.write("media/chairs.gif", b"GIF89a a gif")
    course.write("media/.DS_Store", b"what a file manager leaves")  # hidden: not published
    course.lesson("![A](media/chairs.svg) ![B](media/chairs.jpg) ![C](media/chairs.gif)")
    assert course.problems() == []


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("media/page.html", "a .html file"),
        ("media/app.js", "a .js file"),
        ("media/notes.txt", "a .txt file"),
        ("media/handout.pdf", "a .pdf file"),
        ("media/README", "a file with no extension"),
        ("media/old/page.HTM", "a .htm file"),
    ],
)
def test_a_file_in_media_that_is_no_picture_is_an_error(course, name, what):
    # Every file in media/ is published, on the site's own address: only pictures are checked.
    course.write(name, b"<script>alert(1)</script>")
    expected = (
        f"'{name}' is {what}, and media/ holds only pictures: PNG, JPEG, GIF, WebP or SVG (.png, "
        ".jpg or .jpeg, .gif, .webp, .svg). Save it as one of those, or move it out of media/"
    )
    assert course.problems() == [f"{COURSE}/{name}: {expected}"]
    assert course.load().courses == []
    course.lesson(f"The [handout]({name}).")
    assert course.problems() == [f"{FIRST}:{LESSON_LINE}: {expected}"]


@pytest.mark.parametrize(
    ("name", "what", "suggested"),
    [
        ("media/Chairs.PNG", "has a name the course workspace does not accept", "chairs.png"),
        (
            "media/photos/chairs.png",
            "is in a folder inside media/, which the course workspace does not accept",
            "chairs.png",
        ),
        (
            "media/My Photo (1).png",
            "has a name the course workspace does not accept",
            "my-photo-1.png",
        ),
    ],
)
def test_a_picture_the_workspace_could_not_take_is_a_warning(course, name, what, suggested):
    # It publishes and shows as it is; a zip of the folder would be refused by the workspace's
    # import (tests/unit/test_workspace_archive.py) until it is renamed as the warning says.
    course.write(name, PNG)
    course.lesson(f"Look: ![Chairs]({name.replace(' ', '%20')})")
    assert course.problems() == [
        f"{FIRST}:{LESSON_LINE}: warning: '{name}' {what}, so the course could not be carried "
        f"into the workspace as a zip: rename it 'media/{suggested}' (and the links to it). "
        "Names use lowercase letters, digits and hyphens, then one extension (.png, .jpg, .webp, "
        ".gif or .svg), for example 'circle-of-chairs.png', directly in media/"
    ]
    assert course.load().courses != []  # a warning: it publishes
