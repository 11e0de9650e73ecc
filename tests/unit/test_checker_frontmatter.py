"""The checker on front matter: YAML, required and unknown keys, types and ranges."""

import pytest

from tests.unit.coursekit import COURSE_MD, FIRST, SECOND, CourseFolder


@pytest.fixture
def course(tmp_path):
    return CourseFolder(tmp_path)


def test_the_sample_course_is_clean(course):
    result = course.load()
    assert result.problems == []
    assert [c.slug for c in result.courses] == ["sample-course"]
    assert [m.slug for m in result.courses[0].modules] == ["first-steps", "listening"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "title: First Steps",
            "title: Boundaries: the basics",
            f"{FIRST}:2: invalid YAML: mapping values are not allowed here "
            "(put a value that contains ': ' in quotes)",
        ),
        (
            "title: First Steps",
            'title: "First Steps',
            f"{FIRST}:2: invalid YAML: the quote that starts here is never closed",
        ),
        (
            "minutes: 15",
            "minutes: [15",
            f"{FIRST}:3: invalid YAML: the list that starts with '[' here is not closed with ']' "
            "(put text that starts with '[' in quotes)",
        ),
        (
            "domain: recovery-wellness",
            "domain:\trecovery-wellness",
            f"{FIRST}:4: invalid YAML: found character '\\t' that cannot start any token "
            "(YAML does not allow a tab here: put a space instead)",
        ),
        (
            "  - Describe the first steps.",
            "\t- Describe the first steps.",
            f"{FIRST}:6: invalid YAML: found character '\\t' that cannot start any token "
            "(indent with spaces, not tabs)",
        ),
        (
            "minutes: 15",
            "minutes: !!python/object:os.system 15",
            f"{FIRST}:3: invalid YAML: could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/object:os.system'",
        ),
    ],
    ids=[
        "colon-in-value",
        "unclosed-quote",
        "unclosed-bracket",
        "tab-after-colon",
        "tab-indent",
        "unknown-tag",
    ],
)
def test_invalid_yaml(course, old, new, expected):
    course.replace("01-first-steps.md", old, new)
    assert course.problems() == [expected]


@pytest.mark.parametrize(
    "quoted", ["\u201cBoundaries: the basics\u201d", "\u2018Boundaries: the basics\u2019"]
)
def test_a_value_in_curly_quotes_is_told_to_use_straight_quotes(course, quoted):
    # An editor turned the author's quotes into curly ones: "put it in quotes" would be wrong.
    course.replace("01-first-steps.md", "title: First Steps", f"title: {quoted}")
    assert course.problems() == [
        f"{FIRST}:2: invalid YAML: mapping values are not allowed here (the value is in curly "
        "quotes, which YAML reads as ordinary text: use straight quotes, \"...\" or '...')"
    ]


def test_a_key_indented_more_than_the_one_above_is_told_about_indentation(course):
    course.replace("01-first-steps.md", "minutes: 15\n", "minutes: 15\n  pass_mark: 60\n")
    assert course.problems() == [
        f"{FIRST}:4: invalid YAML: mapping values are not allowed here (this line is indented "
        "more than the key above it, so it reads as part of that key's value: give the keys of "
        "one group the same indent)"
    ]


def test_no_front_matter(course):
    course.replace("01-first-steps.md", "---\ntitle: First Steps", "title: First Steps")
    assert course.problems() == [
        f"{FIRST}:1: no front matter: the file must start with a line '---'"
    ]


def test_unclosed_front_matter(course):
    course.replace("01-first-steps.md", "---\n\nRecovery", "\nRecovery")
    assert course.problems() == [
        f"{FIRST}:1: front matter is not closed: add a line '---' after it"
    ]


def test_front_matter_that_is_not_key_value_lines(course):
    course.write("01-first-steps.md", "---\n- a list\n---\n")
    assert course.problems() == [f"{FIRST}:2: front matter must be 'key: value' lines"]


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        (
            "course.md",
            "summary: A small course used by the tests.\n",
            "",
            f"{COURSE_MD}:1: missing required key 'summary'",
        ),
        (
            "01-first-steps.md",
            "domain: recovery-wellness\n",
            "",
            f"{FIRST}:1: missing required key 'domain'",
        ),
        (
            "course.md",
            "  valid_for_months: 12\n",
            "",
            f"{COURSE_MD}:5: missing required key 'certificate.valid_for_months'",
        ),
    ],
    ids=["course", "module", "nested"],
)
def test_missing_required_key(course, name, old, new, expected):
    course.replace(name, old, new)
    assert course.problems() == [expected]


def test_an_empty_front_matter_misses_every_required_key(course):
    course.replace(
        "course.md",
        "title: Sample Course\nsummary: A small course used by the tests.\npass_mark: 75\n"
        "certificate:\n  title: Sample Certificate\n  valid_for_months: 12\n",
        "",
    )
    assert course.problems() == [
        f"{COURSE_MD}:1: missing required key 'title'",
        f"{COURSE_MD}:1: missing required key 'summary'",
        f"{COURSE_MD}:1: missing required key 'certificate'",
    ]


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        (
            "01-first-steps.md",
            "minutes: 15",
            "minutes: 15\npasmark: 80",
            f"{FIRST}:4: unknown key 'pasmark' (did you mean 'pass_mark'?)",
        ),
        (
            "01-first-steps.md",
            "minutes: 15",
            "minutes: 15\ncolour: blue",
            f"{FIRST}:4: unknown key 'colour'",
        ),
        (
            "course.md",
            "  valid_for_months: 12",
            "  valid_for_months: 12\n  colour: blue",
            f"{COURSE_MD}:8: unknown key 'colour' under 'certificate'",
        ),
    ],
    ids=["suggestion", "no-close-match", "nested"],
)
def test_unknown_key(course, name, old, new, expected):
    course.replace(name, old, new)
    assert course.problems() == [expected]


def test_a_misspelt_nested_key_is_unknown_and_the_right_one_missing(course):
    course.replace("course.md", "valid_for_months: 12", "valid_for_month: 12")
    assert course.problems() == [
        f"{COURSE_MD}:5: missing required key 'certificate.valid_for_months'",
        f"{COURSE_MD}:7: unknown key 'valid_for_month' under 'certificate' "
        "(did you mean 'valid_for_months'?)",
    ]


def test_a_key_that_is_not_a_name(course):
    course.replace("01-first-steps.md", "minutes: 15", "minutes: 15\n? [a, b]\n: c")
    assert course.problems() == [
        f"{FIRST}:4: a key must be a plain name such as 'title', not a list"
    ]


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        (
            "01-first-steps.md",
            "minutes: 15",
            "minutes: 15\nminutes: 20",
            f"{FIRST}:4: key 'minutes' appears twice",
        ),
        (
            "course.md",
            "  title: Sample Certificate",
            "  title: Sample Certificate\n  title: Other",
            f"{COURSE_MD}:7: key 'title' appears twice",
        ),
    ],
    ids=["top-level", "nested"],
)
def test_key_appearing_twice(course, name, old, new, expected):
    course.replace(name, old, new)
    assert course.problems() == [expected]


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        (
            "course.md",
            "pass_mark: 75",
            "pass_mark: eighty",
            f"{COURSE_MD}:4: 'pass_mark' must be a whole number from 1 to 100, not 'eighty'",
        ),
        (
            "01-first-steps.md",
            "objectives:\n  - Describe the first steps.\n  - Name one source of hope.",
            "objectives: Describe the first steps.",
            f"{FIRST}:5: 'objectives' must be a list of one or more lines of text ('- ...')",
        ),
        (
            "01-first-steps.md",
            "objectives:\n  - Describe the first steps.\n  - Name one source of hope.",
            "objectives: []",
            f"{FIRST}:5: 'objectives' must be a list of one or more lines of text ('- ...')",
        ),
        (
            "01-first-steps.md",
            "title: First Steps",
            "title:\n  - First\n  - Steps",
            f"{FIRST}:2: 'title' must be text, not a list",
        ),
        (
            "01-first-steps.md",
            "title: First Steps",
            "title:",
            f"{FIRST}:2: 'title' must be text, not empty",
        ),
        (
            "01-first-steps.md",
            "minutes: 15",
            "minutes: true",
            f"{FIRST}:3: 'minutes' must be a whole number from 1 to 240, not 'true'",
        ),
        (
            "01-first-steps.md",
            "minutes: 15",
            "minutes: 7.5",
            f"{FIRST}:3: 'minutes' must be a whole number from 1 to 240, not '7.5'",
        ),
        (
            "01-first-steps.md",
            "minutes: 15",
            "minutes: '15'",
            f"{FIRST}:3: 'minutes' must be a whole number from 1 to 240: write 15 without quotes",
        ),
        (
            "course.md",
            "certificate:\n  title: Sample Certificate\n  valid_for_months: 12",
            "certificate: Sample Certificate",
            f"{COURSE_MD}:5: 'certificate' must be a group of 'key: value' lines, "
            "not 'Sample Certificate'",
        ),
    ],
    ids=[
        "pass-mark-word",
        "objectives-text",
        "objectives-empty",
        "title-list",
        "title-empty",
        "minutes-bool",
        "minutes-fraction",
        "minutes-quoted",
        "certificate-text",
    ],
)
def test_wrong_type(course, name, old, new, expected):
    course.replace(name, old, new)
    assert course.problems() == [expected]


@pytest.mark.parametrize(
    ("title", "objective"),
    [("1984", "42"), ("2024-01-01", "yes"), ("No", "2024-13-45")],
)
def test_text_that_yaml_reads_as_something_else_is_kept_as_written(course, title, objective):
    course.replace("01-first-steps.md", "title: First Steps", f"title: {title}")
    course.replace("01-first-steps.md", "Name one source of hope.", objective)
    result = course.load()
    assert result.problems == []
    module = result.courses[0].modules[0]
    assert (module.title, module.objectives[1]) == (title, objective)


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        (
            "course.md",
            "pass_mark: 75",
            "pass_mark: 0",
            f"{COURSE_MD}:4: 'pass_mark' must be a whole number from 1 to 100, not 0",
        ),
        (
            "02-listening.md",
            "pass_mark: 50",
            "pass_mark: 101",
            f"{SECOND}:7: 'pass_mark' must be a whole number from 1 to 100, not 101",
        ),
        (
            "01-first-steps.md",
            "minutes: 15",
            "minutes: 0",
            f"{FIRST}:3: 'minutes' must be a whole number from 1 to 240, not 0",
        ),
        (
            "course.md",
            "valid_for_months: 12",
            "valid_for_months: 121",
            f"{COURSE_MD}:7: 'certificate.valid_for_months' must be a whole number "
            "from 1 to 120, not 121",
        ),
        (
            "02-listening.md",
            "max_attempts: 3",
            "max_attempts: 0",
            f"{SECOND}:8: 'max_attempts' must be a whole number from 1 to 1000, not 0",
        ),
        (
            "02-listening.md",
            "retry_after_minutes: 10",
            "retry_after_minutes: -1",
            f"{SECOND}:9: 'retry_after_minutes' must be a whole number from 0 to 525600, not -1",
        ),
    ],
    ids=[
        "pass-mark-0",
        "pass-mark-101",
        "minutes-0",
        "valid-for-months-121",
        "max-attempts-0",
        "retry-after-minus-1",
    ],
)
def test_out_of_range(course, name, old, new, expected):
    course.replace(name, old, new)
    assert course.problems() == [expected]


def test_the_edges_of_each_range_are_allowed(course):
    course.replace("course.md", "pass_mark: 75", "pass_mark: 100")
    course.replace("course.md", "valid_for_months: 12", "valid_for_months: 120")
    course.replace("01-first-steps.md", "minutes: 15", "minutes: 240")
    course.replace("01-first-steps.md", "(13 minutes)", "(238 minutes)")
    course.replace("02-listening.md", "pass_mark: 50", "pass_mark: 1")
    course.replace("02-listening.md", "max_attempts: 3", "max_attempts: 1")
    course.replace("02-listening.md", "retry_after_minutes: 10", "retry_after_minutes: 0")
    assert course.problems() == []


DOMAINS = "advocacy, mentoring-education, recovery-wellness, ethical-responsibility"


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        (
            "recovery-welness",
            f"{FIRST}:4: 'domain' must be one of {DOMAINS}, not 'recovery-welness' "
            "(did you mean 'recovery-wellness'?)",
        ),
        ("cooking", f"{FIRST}:4: 'domain' must be one of {DOMAINS}, not 'cooking'"),
    ],
    ids=["suggestion", "no-close-match"],
)
def test_unknown_domain(course, domain, expected):
    course.replace("01-first-steps.md", "domain: recovery-wellness", f"domain: {domain}")
    assert course.problems() == [expected]


def test_problems_in_front_matter_and_quiz_are_all_reported_in_line_order(course):
    course.replace("01-first-steps.md", "minutes: 15", "minutes: 0")
    course.replace("01-first-steps.md", "- [x] Recovery looks", "- [ ] Recovery looks")
    course.replace("01-first-steps.md", "](02-listening.md#", "](03-missing.md#")
    assert course.problems() == [
        f"{FIRST}:3: 'minutes' must be a whole number from 1 to 240, not 0",
        f"{FIRST}:14: link '03-missing.md#open-questions' points to a file that is not there",
        f"{FIRST}:18: question 'Which statement about recovery is true?' has no correct "
        "choice: mark one with '- [x]'",
    ]
