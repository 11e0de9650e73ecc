"""`lms courses check`: prints every problem, one a line, and exits 1 if there is any."""

import pytest

from lms.content.loader import load_courses
from tests.conftest import BUNDLED_COURSES
from tests.unit.coursekit import CourseFolder


@pytest.fixture
def course(tmp_path):
    return CourseFolder(tmp_path / "checked")  # tmp_path/courses is the app's (courses_dir)


# the sample course's modules: 15 minutes of recovery-wellness, 20 of mentoring-education
HOURS = (
    "sample-course: training hours: advocacy 0, mentoring-education 0.3, recovery-wellness 0.2, "
    "ethical-responsibility 0; total 0.5 (modules 0.5)\n"
)


def test_check_a_clean_folder(runner, course):
    result = runner.invoke(args=["courses", "check", str(course.root)])
    assert result.exit_code == 0, result.output
    assert result.stdout == HOURS
    assert result.stderr == f"{course.root}: 1 courses, 2 modules, no problems\n"


def test_check_a_broken_folder(runner, course):
    course.replace("02-listening.md", "max_attempts: 3", "max_attempts: 0")
    course.replace("course.md", "pass_mark: 75", "pass_mark: 0")
    course.lesson("<iframe src=x></iframe>")

    result = runner.invoke(args=["courses", "check", str(course.root)])

    shown = f"{course.root}/sample-course"
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{shown}/course.md:4: 'pass_mark' must be a whole number from 1 to 100, not 0",
        f"{shown}/01-first-steps.md:10: warning: raw HTML <iframe> will be removed when "
        "published: write Markdown instead",
        f"{shown}/02-listening.md:8: 'max_attempts' must be a whole number from 1 to 1000, not 0",
    ]
    assert result.stderr == f"2 errors, 1 warning in {course.root}\n"


def test_check_fails_on_warnings_alone(runner, course):
    course.lesson("[x](javascript:alert(1))")
    result = runner.invoke(args=["courses", "check", str(course.root)])
    assert result.exit_code == 1
    assert result.stdout == (
        f"{course.path}/01-first-steps.md:10: warning: link 'javascript:alert(1)' will be "
        "removed when published\n" + HOURS
    )


def test_check_without_a_path_uses_the_configured_folder(runner, courses_dir):
    result = runner.invoke(args=["courses", "check"])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"{courses_dir}: 1 courses, 2 modules, no problems\n"


def test_check_a_missing_folder(runner, tmp_path):
    result = runner.invoke(args=["courses", "check", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert result.stdout == f"{tmp_path / 'nowhere'}: there is no folder here: check the path\n"


def test_the_bundled_courses_have_no_problems_at_all():
    result = load_courses(BUNDLED_COURSES, "courses")
    assert [str(p) for p in result.problems] == []
    assert [c.slug for c in result.courses] == [
        "peer-support-continuing-education",
        "peer-support-foundations",
        "running-a-peer-support-program",
    ]
    assert all(len(c.modules) > 0 for c in result.courses)


def test_the_bundled_courses_check_clean_from_the_command_line(runner):
    result = runner.invoke(args=["courses", "check", str(BUNDLED_COURSES)])
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(": 3 courses, 39 modules, 9 live sessions, no problems\n")
    # no problem printed: only each course's training hours, Foundations' meeting 10/10/10/16
    assert result.stdout.splitlines()[1] == (
        "peer-support-foundations: training hours: advocacy 10.4 (requires 10), "
        "mentoring-education 11.6 (requires 10), recovery-wellness 12.7 (requires 10), "
        "ethical-responsibility 16.5 (requires 16); total 51.3 (requires 46) (modules 29.8, "
        "live sessions 21.5)"
    )
    assert len(result.stdout.splitlines()) == 3


def test_the_bundled_live_sessions_are_read_and_required():
    courses = {c.slug: c for c in load_courses(BUNDLED_COURSES, "courses").courses}
    foundations = courses["peer-support-foundations"]
    sessions = {s.slug: s for s in foundations.sessions}
    assert list(sessions)[:2] == ["role-play-listening", "boundaries-practice"]
    assert len(sessions) == 9
    assert sessions["role-play-listening"].domain_minutes == {"mentoring-education": 90}
    assert sessions["boundaries-practice"].domain_minutes == {"ethical-responsibility": 90}
    assert all(5 <= len(s.skills) <= 8 for s in sessions.values())
    assert set(foundations.required_sessions) == set(sessions)
    assert foundations.required_checklists == ("role-play-listening", "crisis-response-practice")
