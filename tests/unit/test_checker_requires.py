"""The `requires:` and `review:` keys: prerequisites between modules, and when explanations show."""

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
