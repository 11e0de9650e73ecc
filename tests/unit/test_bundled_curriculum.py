"""The bundled curriculum as a certification board's reviewer would read it: training hours by
domain, the parts every module has, reading level, and quiz items that test judgment."""

import re

import pytest

from lms.content import items
from lms.content.loader import load_courses
from tests.conftest import BUNDLED_COURSES
from tests.readability import MAX_GRADE, grade

IC_RC = {
    "advocacy": 10,
    "mentoring-education": 10,
    "recovery-wellness": 10,
    "ethical-responsibility": 16,
}


@pytest.fixture(scope="module")
def courses():
    result = load_courses(BUNDLED_COURSES, "courses")
    assert [str(p) for p in result.problems] == []
    return {course.slug: course for course in result.courses}


def module_files(course):
    return [course.path / module.file_name for module in course.modules]


def test_foundations_requires_and_supplies_46_hours_by_ic_rc_domain(courses):
    foundations = courses["peer-support-foundations"]
    required = foundations.training_hours
    assert required.get("total", 0) >= 46
    for domain, hours in IC_RC.items():
        assert required.get(domain, 0) >= hours
    minutes = {}
    for unit in (*foundations.modules, *foundations.sessions):
        for domain, count in (unit.domain_minutes or {unit.domain: unit.minutes}).items():
            minutes[domain] = minutes.get(domain, 0) + count
    for domain, hours in IC_RC.items():
        assert minutes[domain] >= hours * 60, domain
    assert sum(minutes.values()) >= 46 * 60
    # the sessions that carry practice hours are required, so the hours can be earned
    assert set(foundations.required_sessions) == {s.slug for s in foundations.sessions}


def test_every_module_has_the_parts_a_reviewer_expects(courses):
    for course in courses.values():
        for module in course.modules:
            where = f"{course.slug}/{module.file_name}"
            assert module.objectives, where
            assert re.search(r"(?m)^#{2,3} Scenario", module.lesson), f"{where}: no scenario"
            assert re.search(r"(?m)^#{2,4} .*\(\d+ minutes?\)\s*$", module.lesson), (
                f"{where}: no timed activity or reflection"
            )
            assert "\n## Sources\n" in module.lesson, f"{where}: no sources"
            assert "current edition" not in module.lesson, f"{where}: a source without a year"
            assert module.draw and module.draw < len(module.questions), f"{where}: no quiz pool"


def test_every_bundled_file_reads_at_grade_9_or_below():
    grades = {
        str(path.relative_to(BUNDLED_COURSES)): grade(path.read_text(encoding="utf-8"))
        for path in sorted(BUNDLED_COURSES.rglob("*.md"))
        if path.name != "README.md"
    }
    assert {name: g for name, g in grades.items() if g > MAX_GRADE} == {}


def item_statistics(courses):
    questions = [q for c in courses.values() for m in c.modules for q in m.questions]
    single = [q for q in questions if q.kind == "single"]
    longest = 0
    for question in single:
        lengths = sorted((len(items.plain(c.text)), c.correct) for c in question.choices)
        # the right answer is the one longest choice (not tied with a wrong one)
        if lengths[-1][1] and (len(lengths) < 2 or lengths[-2][0] < lengths[-1][0]):
            longest += 1
    return {
        "questions": len(questions),
        "single": len(single),
        "longest_correct": longest / len(single),
        "scenario": sum(bool(q.scenario) for q in questions) / len(questions),
        "above": sum(
            any(re.search(r"\b(all|none) of the above\b", c.text, re.I) for c in q.choices)
            for q in questions
        ),
        "select_all_counts": {
            sum(c.correct for c in q.choices) for q in questions if q.kind == "multiple"
        },
        "silenced": sum(len(q.allowed) for q in questions),
    }


def test_the_quiz_items_test_judgement_not_test_wiseness(courses):
    stats = item_statistics(courses)
    assert stats["longest_correct"] < 0.35, stats
    assert stats["above"] == 0
    assert stats["silenced"] == 0
    assert len(stats["select_all_counts"]) >= 2, stats


def test_most_foundations_items_are_scenarios(courses):
    stats = item_statistics({"f": courses["peer-support-foundations"]})
    assert stats["scenario"] >= 0.6, stats


def test_the_certificate_course_sets_attempt_rules(courses):
    foundations = courses["peer-support-foundations"]
    for module in foundations.modules:
        assert module.review == "after_pass", module.file_name
        assert module.retry_after_minutes and module.wait_after_failures, module.file_name


def test_no_phone_numbers_or_web_addresses_in_course_text():
    """Crisis lines and resources come from the program's configuration, never the course text."""
    phone = re.compile(r"\b(988|911)\b|\(?\b\d{3}\)?[-. ]\d{3}[-. ]\d{4}\b|\b1-800\b")
    web = re.compile(r"https?://|\bwww\.", re.IGNORECASE)
    found = {
        str(path.relative_to(BUNDLED_COURSES)): match.group(0)
        for path in sorted(BUNDLED_COURSES.rglob("*.md"))
        if path.name != "README.md"
        for match in [phone.search(path.read_text()) or web.search(path.read_text())]
        if match
    }
    assert found == {}
