"""The checker's limits (size, lines, nesting, unclosed tags, control characters) and the
linear-time patterns behind them: a course file can neither hang nor crash publishing."""

import random
import re
import sys

import markdown
import pytest

from lms.content import brackets, limits
from lms.content.quiz import parse_heading
from lms.content.render import render_block
from tests.unit.coursekit import COURSE, FIRST, LESSON_LINE, CourseFolder


@pytest.fixture
def course(tmp_path):
    return CourseFolder(tmp_path)


def test_a_list_nested_400_deep_is_refused_where_it_goes_too_deep(course):
    # Today's code let this through the checker, then sync failed with a RecursionError.
    deep = "\n\n".join("\t" * level + f"- level {level}" for level in range(400))
    course.lesson(deep)
    assert course.problems() == [
        f"{FIRST}:{LESSON_LINE + 20}: this line is nested 11 levels deep (lists or quotes inside "
        "each other, or 4 spaces of indent a level); the limit is 10: indent less"
    ]


def test_quotes_nested_too_deep_are_refused_and_ten_levels_are_fine(course):
    course.lesson("> " * 10 + "ten is fine\n\n" + ">" * 11 + " eleven is not")
    assert course.problems() == [
        f"{FIRST}:{LESSON_LINE + 2}: this line is nested 11 levels deep (lists or quotes inside "
        "each other, or 4 spaces of indent a level); the limit is 10: indent less"
    ]


def test_nesting_inside_fenced_code_is_not_counted(course):
    course.lesson("```\n" + "    " * 30 + "code\n```")
    assert course.problems() == []


def test_a_line_over_the_limit_is_refused_and_one_at_the_limit_is_fine(course):
    at_limit = "[" * limits.MAX_LINE_CHARS
    course.lesson(at_limit + "\n\n" + "a" * (limits.MAX_LINE_CHARS + 1))
    assert course.problems() == [
        f"{FIRST}:{LESSON_LINE + 2}: this line is 20,001 characters long; the limit is 20,000: "
        "break it into paragraphs"
    ]


def test_a_paragraph_over_the_limit_is_reported_at_its_first_line(course):
    line = "word " * 1000
    course.lesson("\n".join([line] * 7))  # 35,007 characters with no blank line
    assert course.problems() == [
        f"{FIRST}:{LESSON_LINE}: the paragraph starting here is longer than 30,000 characters "
        "(lines with no blank line between them, so a list or a table counts as one): add blank "
        "lines to split it"
    ]


def test_a_file_over_the_size_limit_is_refused_without_reading_on(course):
    course.lesson(("A sentence of the lesson.\n\n" * 4000) + "[broken](nowhere.md)")
    size = len(course.read("01-first-steps.md").encode())
    assert course.problems() == [
        f"{FIRST}: this file is {size:,} bytes; the limit is 100,000: split it into two modules"
    ]


def test_a_file_with_too_many_lines_is_refused(course):
    course.lesson("- a\n" * limits.MAX_LINES)
    lines = course.read("01-first-steps.md").count("\n") + 1
    assert course.problems() == [
        f"{FIRST}:5001: this file has {lines:,} lines; the limit is 5,000: split it into two "
        "modules"
    ]


def test_a_control_character_is_refused_with_its_code(course):
    course.lesson("Copied from a PDF\x00 and\x1b here.")
    assert course.problems() == [
        f"{FIRST}:{LESSON_LINE}: this line holds an invisible control character (U+0000): "
        "delete it (copying from another program can add one)"
    ]


def test_many_unclosed_tags_are_refused_but_a_few_and_closed_ones_are_fine(course):
    fine = "If a<b and c<d, then <em>this</em> holds; `x<y` in code is not counted.\n\n"
    course.lesson(fine * 5 + "<a " * 12)
    assert course.problems() == [
        f"{FIRST}:{LESSON_LINE + 10}: more than 10 '<' in this file start an HTML tag that is "
        "not closed with '>' on its line, which makes publishing slow: write '&lt;' (or '< ' "
        "with a space) for a less-than sign, or close the tag"
    ]


@pytest.mark.parametrize(
    ("front", "message"),
    [
        (
            "title: " + "[" * 3000,
            "2: more than 10 '[' or '{{' inside each other: put text that starts with '[' or "
            "'{{' in quotes",
        ),
        (
            "title: T\nnested:\n" + "- " * 3000 + "x",
            "4: the front matter is indented or nested too deeply: at most 10 levels",
        ),
        (
            "title: " + "x" * 10_001,
            "2: the front matter is {length:,} characters long; the limit is 10,000: move long "
            "text into the body",
        ),
    ],
    ids=["flow", "block", "long"],
)
def test_front_matter_that_yaml_would_recurse_on_or_crawl_through_is_refused(
    course, front, message
):
    text = course.read("01-first-steps.md")
    title = re.search(r"^title: .*$", text, re.MULTILINE).group()
    course.replace("01-first-steps.md", title, front)
    length = len(course.read("01-first-steps.md").split("\n---\n")[0]) - len("---\n")
    assert course.problems() == [f"{FIRST}:{message.format(length=length)}"]


def test_an_image_on_another_site_is_a_warning_with_the_reason(course):
    course.lesson(
        '![A chart](https://example.org/chart.png) and <img src="//cdn.example.org/x.png" alt="x">'
    )
    why = (
        "the site's security policy blocks images from other sites, and loading one would tell "
        "that site who reads this page: save the image in media/ and link it as "
        "![text](media/name.png)"
    )
    result = course.load()
    assert [str(p) for p in result.problems] == [
        f"{FIRST}:{LESSON_LINE}: warning: image 'https://example.org/chart.png' is on another "
        f"site: {why}",
        f"{FIRST}:{LESSON_LINE}: warning: image '//cdn.example.org/x.png' on <img> is on "
        f"another site: {why}",
    ]
    assert len(result.courses) == 1  # a warning: it still publishes


def test_links_to_other_sites_are_not_image_warnings(course):
    course.lesson("[A site](https://example.org/page) and ![Local](media/circle.png)")
    assert course.problems() == []


# The renderer: the same HTML as Python-Markdown's own scans, without rescanning


_ALPHABET = list("[]()'\"` a!<>\n\\") + ["[a](b)", '![i](m.png "t")', "[r]", "\n\n[r]: /x\n\n"]


def test_linear_links_and_code_spans_render_exactly_as_python_markdown_does():
    extensions = ["tables", "fenced_code", "sane_lists"]
    stock = markdown.Markdown(extensions=extensions)
    linear = markdown.Markdown(extensions=[*extensions, brackets.LinearLinkExtension()])
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 60)))
        assert linear.reset().convert(text) == stock.reset().convert(text), repr(text)


def _traced_lines(function, *args):
    """How many Python lines run in `function`: a count of work that does not depend on time."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        function(*args)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize(
    "unit",
    ["[", "![", "[a](", "``a`", "[" * 20 + "]" * 20],
    ids=["open", "image", "link", "ticks", "nest"],
)
def test_rendering_work_grows_in_step_with_the_text_not_with_its_square(unit):
    small = _traced_lines(render_block, unit * (600 // len(unit)))
    large = _traced_lines(render_block, unit * (2400 // len(unit)))
    assert large < 6 * small  # four times the text; quadratic work would be sixteen times


def test_a_line_of_brackets_at_the_limit_renders_as_text():
    html = render_block("[" * limits.MAX_LINE_CHARS)
    assert html == "<p>" + "[" * limits.MAX_LINE_CHARS + "</p>"


# The quiz heading, split without a backtracking pattern

_OLD_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")


def test_quiz_headings_are_read_as_the_old_pattern_read_them():
    rng = random.Random(3)
    for _ in range(20_000):
        line = "".join(rng.choice(" #\ta#x") for _ in range(rng.randint(0, 14))).rstrip()
        old = _OLD_HEADING.match(line)
        expected = (len(old.group(1)), (old.group(2) or "").strip()) if old else None
        assert parse_heading(line) == expected, repr(line)


def test_a_heading_with_a_long_run_of_spaces_is_a_question(course):
    stem = "a" + " " * 19_000 + "### x"
    course.quiz(f"### {stem}\n\n- [x] Yes\n- [ ] No\n\n> Because.\n")
    result = course.load()
    assert result.problems == []
    assert result.courses[0].modules[0].questions[0].stem == stem


def test_problems_name_the_course_folder(course):
    course.lesson(">" * 12 + " deep")
    assert all(problem.startswith(COURSE) for problem in course.problems())


# What the database columns hold: a value the checker accepts must fit


def test_a_title_longer_than_its_column_is_refused(course):
    text = course.read("01-first-steps.md")
    title = re.search(r"^title: .*$", text, re.MULTILINE).group()
    course.replace("01-first-steps.md", title, "title: " + "T" * 201)
    assert course.problems() == [
        f"{FIRST}:2: 'title' is 201 characters long; the limit is 200: shorten it"
    ]


def test_max_attempts_beyond_a_database_integer_is_refused(course):
    course.replace("01-first-steps.md", "minutes:", "max_attempts: 99999999999999999999\nminutes:")
    assert course.problems() == [
        f"{FIRST}:3: 'max_attempts' must be a whole number from 1 to 1000, not 99999999999999999999"
    ]


def test_a_module_slug_longer_than_its_column_is_refused(course):
    name = "03-" + "a" * 101 + ".md"
    course.write(name, course.read("02-listening.md"))
    assert course.problems() == [
        f"{COURSE}/{name}: the module's slug is 101 characters long; the limit is 100: "
        "choose a shorter file name"
    ]


def test_modules_that_each_require_all_before_them_are_checked_quickly(tmp_path):
    """Finding requirement cycles once followed every path: 2^n of them in this course."""
    course = CourseFolder(tmp_path)
    module = course.read("02-listening.md")
    slugs = [f"m{n}" for n in range(1, 41)]
    for n, slug in enumerate(slugs, start=1):
        requires = f"requires: [{', '.join(slugs[: n - 1])}]\n" if n > 1 else ""
        course.write(f"{n + 2:02d}-{slug}.md", module.replace("---\n", "---\n" + requires, 1))
    assert course.problems() == []
    course.replace("03-m1.md", "title:", "requires: [m40]\ntitle:")
    problems = course.problems()
    assert problems[0] == (
        f"{COURSE}/03-m1.md:2: modules require each other in a circle (m1 -> m40 -> m1), so "
        "none of them could ever be opened: remove one 'requires'"
    )
    assert all("modules require each other in a circle" in p for p in problems)
