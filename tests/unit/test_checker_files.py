"""The checker on folders, file names, links, raw HTML and encodings; and the content hash."""

import pytest

from lms.content.loader import load_courses
from lms.content.render import render_block
from tests.unit.coursekit import (
    COURSE,
    COURSE_MD,
    FIRST,
    LESSON_LINE,
    ROLE_PLAY,
    SAMPLE,
    SECOND,
    CourseFolder,
)


@pytest.fixture
def course(tmp_path):
    return CourseFolder(tmp_path)


# Folders and file names


@pytest.mark.parametrize("name", ["intro.md", "1_intro.md", "03-Intro.md", "03-intro_text.md"])
def test_a_badly_named_module_file(course, name):
    course.write(name, course.read("01-first-steps.md"))
    assert course.problems() == [
        f"{COURSE}/{name}: a module file is named NN-slug.md: a number, a hyphen, then "
        "lowercase words joined by hyphens (for example 03-boundaries.md)"
    ]


@pytest.mark.parametrize("name", ["README.md", "readme.md", ".01-draft.md", "notes.txt"])
def test_other_files_in_a_course_folder_are_ignored(course, name):
    course.write(name, "Notes for the authors, not a module.\n")
    assert course.problems() == []


@pytest.mark.parametrize(
    "name", ["03-family-meetings.MD", "03-family-meetings.markdown", "03-family-meetings.md.txt"]
)
def test_a_file_named_like_a_module_that_is_not_read_is_a_warning(course, name):
    course.write(name, course.read("01-first-steps.md"))
    assert course.problems() == [
        f"{COURSE}/{name}: warning: this file is not read: a module file's name ends in '.md' "
        "(lowercase); rename it if it is a module, or move it out of the course's folder"
    ]


def test_a_file_in_sessions_named_like_one_that_is_not_read_is_a_warning(course):
    course.write("sessions/01-role-play.MD", ROLE_PLAY)
    assert course.problems() == [
        f"{COURSE}/sessions/01-role-play.MD: warning: this file is not read: a session file's "
        "name ends in '.md' (lowercase); rename it if it is a session, or move it out of the "
        "sessions folder"
    ]


def test_two_modules_with_the_same_number(course):
    course.write("03-a.md", course.read("01-first-steps.md"))
    course.write("03-b.md", course.read("01-first-steps.md"))
    assert course.problems() == [f"{COURSE}/03-b.md: module number 3 is also used by 03-a.md"]


def test_two_modules_with_the_same_slug(course):
    course.write("03-a.md", course.read("01-first-steps.md"))
    course.write("04-a.md", course.read("01-first-steps.md"))
    assert course.problems() == [f"{COURSE}/04-a.md: module slug 'a' is also used by 03-a.md"]


def test_new_modules_clashing_with_existing_ones(course):
    course.write("01-a.md", course.read("01-first-steps.md"))
    course.write("01-b.md", course.read("01-first-steps.md"))
    course.write("02-a.md", course.read("01-first-steps.md"))
    # Links to the clashing files (course.md -> 01-first-steps.md) are not reported as well.
    assert course.problems() == [
        f"{COURSE}/01-b.md: module number 1 is also used by 01-a.md",
        f"{COURSE}/01-first-steps.md: module number 1 is also used by 01-a.md",
        f"{COURSE}/02-a.md: module slug 'a' is also used by 01-a.md",
        f"{COURSE}/02-listening.md: module number 2 is also used by 02-a.md",
    ]


def test_a_module_that_requires_a_clashing_module_is_not_reported_as_well(course):
    # 01-a.md sorts first, so 01-first-steps.md is the one reported as the clash; it is still
    # there, so the module that requires it must not be told it has no such module.
    course.write("01-a.md", course.read("01-first-steps.md"))
    course.replace(
        "02-listening.md",
        "domain: mentoring-education",
        "domain: mentoring-education\nrequires: [first-steps]",
    )
    assert course.problems() == [
        f"{COURSE}/01-first-steps.md: module number 1 is also used by 01-a.md"
    ]


def test_a_course_folder_name_that_is_not_a_slug(tmp_path):
    course = CourseFolder(tmp_path, "Bad_Course")
    assert course.problems() == [
        "courses/Bad_Course: course folder name 'Bad_Course' is not a slug: use lowercase "
        "letters, digits and hyphens, for example 'peer-support-foundations'"
    ]


def test_a_course_folder_without_course_md(course):
    course.remove("course.md")
    assert course.problems() == [f"{COURSE_MD}: missing: every course folder needs a course.md"]


def test_a_course_folder_without_course_md_checked_on_its_own(course):
    course.remove("course.md")
    problems = load_courses(course.path, "sample-course").problems
    assert [str(p) for p in problems] == [
        "sample-course/course.md: missing: every course folder needs a course.md"
    ]


def test_a_course_with_no_modules(course):
    course.remove("01-first-steps.md")
    course.remove("02-listening.md")
    course.replace("course.md", " Start with [the first one](01-first-steps.md).", "")
    assert course.problems() == [
        f"{COURSE}: this course has no modules: add files named like 01-introduction.md"
    ]


def test_a_courses_folder_with_no_course_folders(tmp_path):
    (tmp_path / "README.md").write_text("Courses go here.\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / "_drafts").mkdir()
    problems = load_courses(tmp_path, "courses").problems
    assert [str(p) for p in problems] == [
        "courses: no course folders here: a course is a folder with a course.md"
    ]


@pytest.mark.parametrize("what", ["missing", "file"])
def test_a_path_that_is_not_a_folder(tmp_path, what):
    path = tmp_path / "courses"
    if what == "file":
        path.write_text("not a folder\n")
    result = load_courses(path, "courses")
    assert [str(p) for p in result.problems] == ["courses: there is no folder here: check the path"]
    assert result.courses == []


def test_a_single_course_folder_can_be_checked(tmp_path):
    result = load_courses(SAMPLE, "sample-course")
    assert result.problems == []
    assert [c.slug for c in result.courses] == ["sample-course"]
    broken = CourseFolder(tmp_path)
    broken.replace("01-first-steps.md", "minutes: 15", "minutes: 0")
    problems = load_courses(broken.path, "here").problems
    assert [str(p) for p in problems] == [
        "here/01-first-steps.md:3: 'minutes' must be a whole number from 1 to 240, not 0"
    ]


def test_the_shown_path_defaults_to_the_path_given(course):
    problem = load_courses(course.root / "nowhere").problems[0]
    assert problem.path == str(course.root / "nowhere")


def test_every_problem_is_reported_at_once_in_a_stable_order(course):
    course.replace("02-listening.md", "max_attempts: 3", "max_attempts: 0")
    course.replace("course.md", "pass_mark: 75", "pass_mark: 0")
    course.replace("01-first-steps.md", "title: First Steps\n", "")
    expected = [
        f"{COURSE_MD}:4: 'pass_mark' must be a whole number from 1 to 100, not 0",
        f"{FIRST}:1: missing required key 'title'",
        f"{SECOND}:8: 'max_attempts' must be a whole number from 1 to 1000, not 0",
    ]
    assert course.problems() == expected
    assert course.problems() == expected
    assert course.load().courses == []


def test_a_broken_course_does_not_stop_the_others(tmp_path):
    good = CourseFolder(tmp_path, "a-good-course")
    CourseFolder(tmp_path, "b-broken-course").remove("course.md")
    result = good.load()
    assert [str(p) for p in result.problems] == [
        "courses/b-broken-course/course.md: missing: every course folder needs a course.md"
    ]
    assert [c.slug for c in result.courses] == ["a-good-course"]


# Links and images


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("[x](03-missing.md)", "link '03-missing.md' points to a file that is not there"),
        ("![x](media/missing.png)", "image 'media/missing.png' points to a file that is not there"),
        ("[x](../x.md)", "link '../x.md' leaves the course folder"),
        ("![x](media/../../x.png)", "image 'media/../../x.png' leaves the course folder"),
        ("[x](<missing file.md>)", "link 'missing file.md' points to a file that is not there"),
        (
            "[x][notes]\n\n[notes]: missing.md",
            "link 'missing.md' points to a file that is not there",
        ),
    ],
    ids=["missing-file", "missing-image", "leaves-folder", "image-leaves", "angle", "reference"],
)
def test_a_broken_link(course, markdown, expected):
    course.lesson(markdown)
    line = 12 if "[notes]:" in markdown else 10
    assert course.problems() == [f"{FIRST}:{line}: {expected}"]


def test_a_link_to_a_file_that_is_neither_a_module_nor_media(course):
    course.write("notes.txt", "Notes.\n")
    course.lesson("See [the notes](notes.txt).")
    assert course.problems() == [
        f"{FIRST}:10: link 'notes.txt': only module files and files in media/ can be linked"
    ]


@pytest.mark.parametrize(
    "markdown",
    [
        "Back to [the course](course.md) or on to [Listening](02-listening.md#open-questions).",
        "See [a site](https://example.org/a_(b)?c=d#e), <https://example.org> or "
        "[email us](mailto:team@example.org).",
        "Jump [down](#practice-read-listening-13-minutes). "
        "![The circle again](media/circle.png 'A circle').",
        "Code like `[x](missing.md)` or `<iframe>` is not checked.",
        "Allowed HTML: <em>this</em>, <abbr title='Peer Support'>PS</abbr> and a<br>break.",
        "```html\n<script>alert(1)</script>\n[x](missing.md)\n```",
        "    <iframe src=x></iframe> is indented code.",
    ],
    ids=["modules", "external", "fragment-and-media", "code-span", "allowed-html", "fence", "code"],
)
def test_links_and_html_that_are_fine(course, markdown):
    course.lesson(markdown)
    assert course.problems() == []


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("[x](javascript:alert(1))", ["link 'javascript:alert(1)' will be removed when published"]),
        (
            "![x](data:image/png;base64,AAAA)",
            ["image 'data:image/png;base64,AAAA' will be removed when published"],
        ),
        (
            "<iframe src=x></iframe>",
            ["raw HTML <iframe> will be removed when published: write Markdown instead"],
        ),
        (
            "<script>alert(1)</script>",
            [
                "raw HTML <script> will be removed with its content when published: "
                "write Markdown instead"
            ],
        ),
        (
            '<a href="x" onclick="y">z</a>',
            [
                "href 'x' on <a> will not work when published: link course files in Markdown, "
                "[text](...)",
                "attribute 'onclick' on <a> will be removed when published",
            ],
        ),
        (
            '<a href="https://example.org" onclick="y">z</a>',
            ["attribute 'onclick' on <a> will be removed when published"],
        ),
        (
            '<a href="javascript:go()">z</a>',
            ["link 'javascript:go()' on <a> will be removed when published"],
        ),
        (
            '<img src="media/circle.png" alt="A circle">',
            [
                "src 'media/circle.png' on <img> will not work when published: link course "
                "files in Markdown, ![text](...)"
            ],
        ),
        ("<h1>Welcome</h1>", ["raw HTML <h1> is published as <h2>: write '## ' instead"]),
        (
            "[next](/courses/sample-course/02-listening.md)",
            [
                "link '/courses/sample-course/02-listening.md' is a file path, which the site "
                "does not serve: link a module of this course by its file name "
                "('04-boundaries.md'), or a page of the site by its address "
                "('/courses/<course>/<module>')"
            ],
        ),
    ],
    ids=[
        "javascript", "data-image", "iframe", "script", "onclick", "onclick-only", "a-js", "img",
        "h1", "site-path-to-a-file",
    ],
)  # fmt: skip
def test_links_and_html_the_sanitiser_would_change_are_warnings(course, markdown, expected):
    course.lesson(markdown)
    result = course.load()
    assert [str(p) for p in result.problems] == [f"{FIRST}:10: warning: {m}" for m in expected]
    assert len(result.courses) == 1  # warnings do not stop publishing


def test_links_are_checked_in_the_quiz_and_the_course_overview(course):
    course.replace(
        "01-first-steps.md", "- [ ] Recovery is a straight", "- [ ] [See](x.md) a straight"
    )
    course.replace("course.md", "(01-first-steps.md)", "(01-first-step.md)")
    assert course.problems() == [
        f"{COURSE_MD}:10: link '01-first-step.md' points to a file that is not there",
        f"{FIRST}:22: link 'x.md' points to a file that is not there",
    ]


def test_a_module_lists_the_media_it_shows(course):
    first, second = course.load().courses[0].modules
    assert (first.media, second.media) == (("media/circle.png",), ())


# Encodings and line endings


def test_a_file_that_is_not_utf8(course):
    lines = course.read("01-first-steps.md").encode("utf-8").split(b"\n")
    lines[4] += b" \xff"  # line 5, 'objectives:'
    course.write("01-first-steps.md", b"\n".join(lines))
    assert course.problems() == [f"{FIRST}:5: this file is not UTF-8 (byte 0xff): save it as UTF-8"]


def test_a_latin1_file_is_reported_at_its_first_accented_letter(course):
    text = course.read("course.md").replace("Sample Course", "Café Course")
    course.write("course.md", text.encode("latin-1"))
    assert course.problems() == [
        f"{COURSE_MD}:2: this file is not UTF-8 (byte 0xe9): save it as UTF-8"
    ]


def test_a_utf8_byte_order_mark_is_accepted(course):
    course.write("01-first-steps.md", b"\xef\xbb\xbf" + course.read("01-first-steps.md").encode())
    result = course.load()
    assert result.problems == []
    assert result.courses[0].modules[0].title == "First Steps"


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_line_endings_are_accepted(course, newline):
    course.replace("01-first-steps.md", "minutes: 15", "minutes: 0")
    course.replace("01-first-steps.md", "](02-listening.md#", "](03-missing.md#")
    text = course.read("01-first-steps.md").replace("\n", newline)
    course.write("01-first-steps.md", text.encode("utf-8"))
    assert course.problems() == [
        f"{FIRST}:3: 'minutes' must be a whole number from 1 to 240, not 0",
        f"{FIRST}:14: link '03-missing.md#open-questions' points to a file that is not there",
    ]


def test_crlf_files_read_the_same_as_lf_files(course):
    before = course.load().courses[0]
    for name in ("course.md", "01-first-steps.md", "02-listening.md"):
        text = course.read(name).replace("\n", "\r\n")
        course.write(name, text.encode("utf-8"))
    result = course.load()
    assert result.problems == []
    after = result.courses[0]
    assert after.modules[0].questions == before.modules[0].questions
    assert [m.content_hash for m in after.modules] == [m.content_hash for m in before.modules]
    assert after.content_hash == before.content_hash


# The content hash


def hashes(course):
    result = course.load()
    assert result.problems == []
    return {m.slug: m.content_hash for m in result.courses[0].modules}


def test_the_same_content_gives_the_same_hash(course, tmp_path):
    first = hashes(course)
    assert hashes(course) == first
    assert hashes(CourseFolder(tmp_path / "elsewhere")) == first
    assert all(len(h) == 64 for h in first.values())


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("01-first-steps.md", "Recovery is personal.", "Recovery is individual."),
        ("01-first-steps.md", "Each person's path", "Every person's path"),
        ("01-first-steps.md", "- [ ] Recovery is a straight", "- [x] Recovery is a straight"),
        ("01-first-steps.md", "minutes: 15", "minutes: 16"),
        ("media/circle.png", None, b"\x89PNG\r\n\x1a\n a different picture"),
    ],
    ids=["lesson", "explanation", "correct-choice", "minutes", "media"],
)
def test_a_change_to_what_a_trainee_sees_changes_the_hash(course, name, old, new):
    before = hashes(course)
    if old is None:
        course.write(name, new)
    else:
        course.replace(name, old, new)
    after = hashes(course)
    assert after["first-steps"] != before["first-steps"]
    assert after["listening"] == before["listening"]


def test_the_course_pass_mark_changes_the_hash_of_modules_without_their_own(course):
    before = hashes(course)
    course.replace("course.md", "pass_mark: 75", "pass_mark: 70")
    after = hashes(course)
    assert after["first-steps"] != before["first-steps"]  # uses the course's pass mark
    assert after["listening"] == before["listening"]  # has pass_mark: 50 of its own
    assert course.load().courses[0].modules[0].pass_mark == 70


def test_renumbering_a_module_keeps_its_hash(course):
    before = hashes(course)
    (course.path / "01-first-steps.md").rename(course.path / "05-first-steps.md")
    course.replace("course.md", "(01-first-steps.md)", "(05-first-steps.md)")
    assert hashes(course) == before


def test_a_list_item_nested_by_two_spaces_is_warned_and_four_spaces_is_not(course):
    # GitHub and VS Code nest a list item indented two spaces; the published page does not (it
    # needs four), so the item would run into its parent's text.
    course.lesson("- Feelings\n  - worry\n  - hope\n- Steps\n    1. listen\n\n```\n- a\n  - b\n```")
    nested = (
        "this list item is indented 2 spaces under the item above, which does not nest it when "
        "published (it shows as part of the list above, or as text): indent a nested item by 4 "
        "spaces more than its parent"
    )
    assert course.problems() == [
        f"{FIRST}:{LESSON_LINE + 1}: warning: {nested}",
        f"{FIRST}:{LESSON_LINE + 2}: warning: {nested}",
    ]
    course.replace("01-first-steps.md", "  - worry\n  - hope", "    - worry\n    - hope")
    assert course.problems() == []
    html = render_block(course.load().courses[0].modules[0].lesson)
    assert "<li>Feelings<ul>" in html.replace("\n", "")


def test_a_list_item_between_two_levels_of_a_list_is_warned(course):
    # After items at 0 and 4 spaces, one at 2 is nested under the first in GitHub (beside the
    # 4-space item) but is published as an item of the outer list: it is judged against every
    # open level, not only the item above it.
    course.lesson(
        "- Feelings\n    - worry\n  - hope\n- Steps\n    - listen\n        - ask\n      - wait"
    )
    assert course.problems() == [
        f"{FIRST}:{LESSON_LINE + 2}: warning: this list item is indented 2 spaces, between the "
        "levels of the list above it (0 and 4 spaces), so it does not sit where it looks when "
        "published: indent it 4 spaces to stay in the nested list, or 0 to go back to the outer "
        "one",
        f"{FIRST}:{LESSON_LINE + 6}: warning: this list item is indented 6 spaces, between the "
        "levels of the list above it (4 and 8 spaces), so it does not sit where it looks when "
        "published: indent it 8 spaces to stay in the nested list, or 4 to go back to the outer "
        "one",
    ]
    course.replace("01-first-steps.md", "\n  - hope", "\n    - hope")
    course.replace("01-first-steps.md", "\n      - wait", "\n        - wait")
    assert course.problems() == []
    html = render_block(course.load().courses[0].modules[0].lesson).replace("\n", "")
    assert "<li>worry</li><li>hope</li></ul></li><li>Steps" in html
