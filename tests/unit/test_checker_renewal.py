"""The checker on course.md's `certificate: renewal:` rule, with exact file:line messages, and
the rule as published (every key present, defaults filled)."""

import pytest

from lms.extensions import db
from lms.models import Course
from lms.services.authoring.publishing import sync_courses
from tests.unit.coursekit import COURSE_MD, CourseFolder

VALID = "  valid_for_months: 12\n"


@pytest.fixture
def course(tmp_path):
    return CourseFolder(tmp_path)


def with_rule(course, rule):
    """Put `rule` (lines under renewal:, indented four spaces) after valid_for_months (line 7):
    renewal: is line 8, the rule's first line is line 9."""
    body = "".join(f"    {line}\n" for line in rule)
    course.replace("course.md", VALID, VALID + "  renewal:\n" + body)


def test_a_full_rule_is_clean_and_published_as_written(course):
    with_rule(course, [
        "ce_hours: 20", "minimum: {ethics: 6}",
        "categories: [ethics, peer-specific, elective]", "window_months: 6",
        "grace_months: 3",
    ])  # fmt: skip
    result = course.load()
    assert result.problems == []
    assert result.courses[0].renewal == {
        "ce_hours": 20, "minimum": {"ethics": 6},
        "categories": ["ethics", "peer-specific", "elective"], "window_months": 6,
        "grace_months": 3,
    }  # fmt: skip


def test_defaults_are_filled(course):
    with_rule(course, ["ce_hours: 20", "minimum:", "  ethics: 6", "  elective: 2"])
    [published] = course.load().courses
    assert published.renewal == {
        "ce_hours": 20, "minimum": {"ethics": 6, "elective": 2},
        "categories": ["ethics", "elective"], "window_months": 6, "grace_months": 0,
    }  # fmt: skip


def test_no_rule_publishes_an_empty_one(course):
    assert course.load().courses[0].renewal == {}


def test_the_rule_changes_the_content_hash(course):
    before = course.load().courses[0].content_hash
    with_rule(course, ["ce_hours: 20"])
    assert course.load().courses[0].content_hash != before


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (["minimum: {ethics: 6}"], "8: missing required key 'certificate.renewal.ce_hours'"),
        (["ce_hours: 0"], "9: 'certificate.renewal.ce_hours' must be a whole number from 1 "
         "to 200, not 0"),
        (["ce_hours: 201"], "9: 'certificate.renewal.ce_hours' must be a whole number from 1 "
         "to 200, not 201"),
        (["ce_hours: 20", "minimum: {ethics: 0}"],
         "10: 'certificate.renewal.minimum.ethics' must be a whole number from 1 to 200, not 0"),
        (["ce_hours: 20", "minimum: {Ethics: 6}"],
         "10: category 'Ethics' in 'minimum' is not a slug: use lowercase letters, digits and "
         "hyphens, for example 'peer-specific'"),
        (["ce_hours: 20", "minimum:", "  ethics: 21"],
         "11: 'certificate.renewal.minimum.ethics' is 21 hours, more than ce_hours (20): "
         "a minimum is part of the total"),
        (["ce_hours: 20", "minimum:", "  ethics: 12", "  peer-specific: 12"],
         "10: the minimums add up to 24 hours, more than ce_hours (20): lower them or raise "
         "ce_hours"),
        (["ce_hours: 20", "categories: [ethics, Peer Work]"],
         "10: category 'Peer Work' is not a slug: use lowercase letters, digits and hyphens, "
         "for example 'peer-specific'"),
        (["ce_hours: 20", "categories: [ethics, ethics]"],
         "10: category 'ethics' is listed twice"),
        (["ce_hours: 20", "categories: [elective]", "minimum:", "  ethics: 6"],
         "12: 'ethics' has a minimum but is not in 'categories': add it there"),
        (["ce_hours: 20", "window_months: 12"],
         "10: 'certificate.renewal.window_months' (12) must be shorter than valid_for_months "
         "(12): renewal opens that long before expiry"),
        (["ce_hours: 20", "window_months: 0"],
         "10: 'certificate.renewal.window_months' must be a whole number from 1 to 24, not 0"),
        (["ce_hours: 20", "grace_months: 25"],
         "10: 'certificate.renewal.grace_months' must be a whole number from 0 to 24, not 25"),
        (["ce_hours: 20", "grace_month: 2"],
         "10: unknown key 'grace_month' under 'certificate.renewal' "
         "(did you mean 'grace_months'?)"),
        (["ce_hours: 20", "categories: ethics"],
         "10: 'certificate.renewal.categories' must be a list of one or more lines of text "
         "('- ...')"),
    ],
    ids=[
        "no-ce-hours", "ce-hours-zero", "ce-hours-too-many", "minimum-zero", "minimum-not-slug",
        "minimum-over-total", "minimums-sum-over-total", "category-not-slug",
        "category-twice", "minimum-not-a-category", "window-too-long", "window-zero",
        "grace-too-long", "unknown-key", "categories-not-a-list",
    ],
)  # fmt: skip
def test_rule_problems_are_located(course, rule, expected):
    with_rule(course, rule)
    assert course.problems() == [f"{COURSE_MD}:{expected}"]


def test_publishing_stores_the_rule(app_ctx, courses_dir):
    course_md = courses_dir / "sample-course" / "course.md"
    text = course_md.read_text(encoding="utf-8")
    course_md.write_text(
        text.replace(VALID, VALID + "  renewal:\n    ce_hours: 12\n"), encoding="utf-8"
    )
    sync_courses(courses_dir)
    stored = db.session.query(Course).filter_by(slug="sample-course").one()
    assert stored.renewal == {
        "ce_hours": 12, "minimum": {}, "categories": ["elective"], "window_months": 6,
        "grace_months": 0,
    }  # fmt: skip
