"""An author's raw HTML <a href="#anchor"> goes where a Markdown [text](#anchor) goes: to the id
the renderer gives that heading ('section-anchor'), on every page course content is shown, and
the checker warns of one that names no heading. It used to be published as written, '#anchor',
which no element has (headings' ids start 'section-', and the sanitiser removes an author's own
ids), so the link led nowhere and nothing said so."""

import pytest
from sqlalchemy import select

from lms.content.render import RENDER_VERSION, render_block, render_inline
from lms.extensions import db
from lms.models import Course, LiveSessionVersion, ModuleVersion
from lms.services.authoring.publishing import sync_courses
from tests.unit.coursekit import (
    COURSE,
    COURSE_MD,
    FIRST,
    LESSON_LINE,
    QUIZ_LINE,
    ROLE_PLAY,
    ROLE_PLAY_FILE,
    CourseFolder,
)

RULE = (
    "(a heading's anchor is its words in lowercase, punctuation left out and each space a "
    "hyphen: '## Safety plan' is #safety-plan)"
)
LINK = ' rel="noopener noreferrer"'


@pytest.fixture
def course(tmp_path):
    return CourseFolder(tmp_path)


def test_a_raw_html_anchor_link_points_at_the_headings_id_as_markdown_does():
    html = render_block(
        'See <a href="#safety-plan">the plan</a>, <a title="t" href=\'#safety-plan\'>again</a>, '
        "<a href=#safety-plan>bare</a> and [in Markdown](#safety-plan).\n\n## Safety plan"
    )
    assert html.count(f'href="#section-safety-plan"{LINK}') == 4
    assert f'<a href="#section-safety-plan"{LINK}>in Markdown</a>' in html
    assert '<h2 id="section-safety-plan">Safety plan</h2>' in html


def test_a_raw_html_block_and_a_quiz_piece_are_rewritten_too():
    block = render_block('<div><a href="#steps">Steps</a></div>', anchors=False)
    assert block == f'<a href="#section-steps"{LINK}>Steps</a>'
    assert render_inline('Go <a href="#before">back</a>') == (
        f'Go <a href="#section-before"{LINK}>back</a>'
    )


@pytest.mark.parametrize(
    ("raw", "published"),
    [
        ('<a href="#">top</a>', f'<a href="#"{LINK}>top</a>'),  # the top of the page
        (
            '<a href="https://example.org/#x">out</a>',
            f'<a href="https://example.org/#x"{LINK}>out</a>',
        ),
        # words that look like an href, inside another attribute, are words
        (
            '<a title=\'x > href="#y"\' href="#z">z</a>',
            f'<a title="x &gt; href=&quot;#y&quot;" href="#section-z"{LINK}>z</a>',
        ),
        ('<abbr title="#x">X</abbr>', '<abbr title="#x">X</abbr>'),
    ],
    ids=["top", "other-site", "href-in-a-title", "not-a-link"],
)
def test_only_a_links_own_anchor_is_rewritten(raw, published):
    assert render_inline(raw) == published


def test_an_authors_own_id_is_still_removed():
    # So an anchor link can only lead to a heading; the checker warns of any other.
    html = render_block('<p id="here">Here</p>\n\n<a href="#here">go</a>')
    assert 'id="here"' not in html
    assert f'<a href="#section-here"{LINK}>go</a>' in html


def test_the_render_version_changed_so_the_next_sync_republishes():
    assert RENDER_VERSION == 6


def test_the_checker_warns_of_a_raw_html_anchor_that_names_no_heading(course):
    course.lesson(
        '<a href="#practise">Practise</a>, <a href="#practice-read-listening-13-minutes">ok</a> '
        "and <a href='#'>top</a>"
    )
    assert course.problems() == [
        f"{FIRST}:{LESSON_LINE}: warning: link '#practise' goes to no heading in this file, so it "
        "leads nowhere when published: its headings' anchors are "
        f"#practice-read-listening-13-minutes {RULE}"
    ]


def test_the_checker_warns_of_one_pointing_at_an_authors_id(course):
    course.lesson('<abbr id="here" title="x">Here</abbr> and <a href="#here">back</a>')
    assert course.problems() == [
        f"{FIRST}:{LESSON_LINE}: warning: attribute 'id' on <abbr> will be removed when published",
        f"{FIRST}:{LESSON_LINE}: warning: link '#here' goes to no heading in this file, so it "
        "leads nowhere when published: its headings' anchors are "
        f"#practice-read-listening-13-minutes {RULE}",
    ]


def test_the_checker_covers_every_file_and_the_quiz(course):
    course.replace("course.md", "Start with", 'Read <a href="#aims">the aims</a>. Start with')
    course.replace(
        "course.md", "  valid_for_months: 12\n", "  valid_for_months: 12\n  requires:\n"
        "    code_of_ethics: true\n"
    )  # fmt: skip
    course.write("code-of-ethics.md", '## Respect\n\nSee <a href="#respekt">respect</a>.\n')
    course.write(
        ROLE_PLAY_FILE, ROLE_PLAY.replace("- 10 minutes: welcome.", '<a href="#plam">Plan</a>')
    )
    course.quiz('### Which is <a href="#nowhere">true</a>?\n\n- [x] This\n- [ ] That\n\n> Because.')
    problems = [p for p in course.problems() if "goes to no heading" in p]
    assert [p.split(" goes to")[0] for p in problems] == [
        f"{COURSE_MD}:12: warning: link '#aims'",
        f"{COURSE}/code-of-ethics.md:3: warning: link '#respekt'",
        f"{FIRST}:{QUIZ_LINE}: warning: link '#nowhere'",
        f"{COURSE}/{ROLE_PLAY_FILE}:12: warning: link '#plam'",
    ]


def test_every_published_page_points_raw_anchor_links_at_headings(app_ctx, tmp_path):
    course = CourseFolder(tmp_path / "raw-anchors")
    course.replace(
        "course.md", "Start with", '<a href="#begin">Begin</a>.\n\n## Begin\n\nStart with'
    )
    course.replace(
        "course.md", "  valid_for_months: 12\n", "  valid_for_months: 12\n  requires:\n"
        "    code_of_ethics: true\n"
    )  # fmt: skip
    course.write("code-of-ethics.md", '## Respect\n\nSee <a href="#respect">respect</a>.\n')
    course.write(
        ROLE_PLAY_FILE, ROLE_PLAY.replace("- 10 minutes: welcome.", '<a href="#plan">Plan</a>')
    )
    course.lesson('<a href="#practice-read-listening-13-minutes">The practice</a>')
    course.quiz(
        '### Which is <a href="#practice-read-listening-13-minutes">true</a>?\n\n'
        "- [x] This\n- [ ] That\n\n> Because."
    )
    assert course.problems() == []
    sync_courses(course.root)

    published = db.session.scalar(select(Course))
    assert f'<a href="#section-begin"{LINK}>Begin</a>' in published.overview_html
    assert f'<a href="#section-respect"{LINK}>respect</a>' in published.ethics_html
    guide = db.session.scalar(select(LiveSessionVersion)).guide_html
    assert f'<a href="#section-plan"{LINK}>Plan</a>' in guide
    first = db.session.scalar(select(ModuleVersion).where(ModuleVersion.title == "First Steps"))
    practice = f'<a href="#section-practice-read-listening-13-minutes"{LINK}>'
    assert practice + "The practice</a>" in first.lesson_html
    assert practice + "true</a>" in first.questions[0].stem_html
