"""The `requires:` and `review:` keys: prerequisites between modules, and when explanations show."""

import pytest

from tests.unit.coursekit import CourseFolder

FIRST = "01-first-steps.md"
SECOND = "02-listening.md"
WHERE = "courses/sample-course/"


def test_requires_and_review_are_read(tmp_path):
    course = CourseFolder(tmp_path)
    course.replace(SECOND, "pass_mark: 50\n", "pass_mark: 50\nrequires: [first-steps]\n")
    course.replace("course.md", "pass_mark: 75\n", "pass_mark: 75\nreview: after_pass\n")

    modules = {m.slug: m for m in course.load().courses[0].modules}

    assert modules["listening"].requires == ("first-steps",)
    assert modules["first-steps"].requires == ()
    assert modules["first-steps"].review == "after_pass"  # from the course


def test_a_module_may_override_the_course_review(tmp_path):
    course = CourseFolder(tmp_path)
    course.replace("course.md", "pass_mark: 75\n", "pass_mark: 75\nreview: after_pass\n")
    course.replace(SECOND, "pass_mark: 50\n", "pass_mark: 50\nreview: always\n")

    modules = {m.slug: m for m in course.load().courses[0].modules}

    assert modules["listening"].review == "always"


def test_requiring_an_unknown_module_suggests_the_nearest(tmp_path):
    course = CourseFolder(tmp_path)
    course.replace(SECOND, "pass_mark: 50\n", "pass_mark: 50\nrequires:\n  - first-step\n")

    assert course.problems() == [
        f"{WHERE}{SECOND}:8: requires 'first-step', but this course has no module with "
        "that slug (did you mean 'first-steps'?): use the file name without its number and '.md'"
    ]


def test_a_module_cannot_require_itself(tmp_path):
    course = CourseFolder(tmp_path)
    course.replace(SECOND, "pass_mark: 50\n", "pass_mark: 50\nrequires: [listening]\n")

    assert course.problems() == [f"{WHERE}{SECOND}:8: a module cannot require itself ('listening')"]


def test_modules_that_require_each_other_are_reported_once(tmp_path):
    course = CourseFolder(tmp_path)
    course.replace(SECOND, "pass_mark: 50\n", "pass_mark: 50\nrequires: [first-steps]\n")
    course.replace(FIRST, "minutes: 15\n", "minutes: 15\nrequires: [listening]\n")

    assert course.problems() == [
        f"{WHERE}{FIRST}:4: modules require each other in a circle (first-steps -> "
        "listening -> first-steps), so none of them could ever be opened: remove one 'requires'"
    ]


def test_an_unknown_review_mode_is_an_error(tmp_path):
    course = CourseFolder(tmp_path)
    course.replace(SECOND, "pass_mark: 50\n", "pass_mark: 50\nreview: afterpass\n")

    assert course.problems() == [
        f"{WHERE}{SECOND}:8: 'review' must be one of always, after_pass, not "
        "'afterpass' (did you mean 'after_pass'?)"
    ]


CERTIFICATE = "  valid_for_months: 12\n"


def test_certificate_requirements_are_read_with_the_code_of_ethics(tmp_path):
    course = CourseFolder(tmp_path)
    course.replace(
        "course.md",
        CERTIFICATE,
        CERTIFICATE + "  requires:\n    code_of_ethics: true\n    supervised_hours: 25\n",
    )
    course.write("code-of-ethics.md", "# Our code\n\nI will respect every person I support.\n")

    loaded = course.load()

    assert loaded.problems == []
    (sample,) = loaded.courses
    assert sample.ethics == "# Our code\n\nI will respect every person I support."
    assert sample.supervised_hours == 25


def test_requiring_a_code_of_ethics_without_the_file_is_an_error(tmp_path):
    course = CourseFolder(tmp_path)
    course.replace(
        "course.md", CERTIFICATE, CERTIFICATE + "  requires:\n    code_of_ethics: true\n"
    )

    assert course.problems() == [
        f"{WHERE}course.md:9: the certificate requires a signed code of ethics, but "
        "code-of-ethics.md is not in this course folder: add it (plain Markdown, the text "
        "trainees sign)"
    ]


def test_requirement_values_are_checked(tmp_path):
    course = CourseFolder(tmp_path)
    course.replace(
        "course.md",
        CERTIFICATE,
        CERTIFICATE + "  requires:\n    code_of_ethics: yes please\n    supervised_hour: 5\n",
    )

    assert course.problems() == [
        f"{WHERE}course.md:9: 'certificate.requires.code_of_ethics' must be true or false, "
        "not 'yes please'",
        f"{WHERE}course.md:10: unknown key 'supervised_hour' under 'certificate.requires' "
        "(did you mean 'supervised_hours'?)",
    ]


def test_a_code_of_ethics_file_is_not_mistaken_for_a_module(tmp_path):
    course = CourseFolder(tmp_path)
    course.write("code-of-ethics.md", "Respect.\n")

    assert course.problems() == []


def test_a_module_cannot_take_the_code_of_ethics_address(tmp_path):
    course = CourseFolder(tmp_path)
    course.write("03-ethics.md", course.read(SECOND))

    assert course.problems() == [
        f"{WHERE}03-ethics.md: 'ethics' cannot be a module slug: the course's page at that "
        "address is its code of ethics; choose another name"
    ]


@pytest.mark.parametrize("value", ["~", "''", "5", "first-steps", "{first-steps: 1}", "2026-01-01"])
def test_requires_that_is_not_a_list_is_reported_at_its_line(tmp_path, value):
    # Any value but a list once stopped the checker with a TypeError instead of a message.
    course = CourseFolder(tmp_path)
    course.replace(SECOND, "pass_mark: 50\n", f"pass_mark: 50\nrequires: {value}\n")
    line = course.read(SECOND).split("\n").index(f"requires: {value}") + 1

    assert course.problems() == [
        f"{WHERE}{SECOND}:{line}: 'requires' must be a list of one or more lines of text ('- ...')"
    ]
