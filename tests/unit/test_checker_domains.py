"""The checker on training domains: a module's split of its minutes, a course's own domain list,
and training hours a certificate requires that the modules cannot add up to."""

import pytest

from tests.unit.coursekit import COURSE_MD, FIRST, CourseFolder

DOMAINS = "advocacy, mentoring-education, recovery-wellness, ethical-responsibility"
ONE_DOMAIN = "domain: recovery-wellness"
COURSE_END = "  valid_for_months: 12\n"


@pytest.fixture
def course(tmp_path):
    return CourseFolder(tmp_path)


def split(course, block, minutes=15):
    course.replace("01-first-steps.md", ONE_DOMAIN, block)
    if minutes != 15:
        course.replace("01-first-steps.md", "minutes: 15", f"minutes: {minutes}")
        # its practice takes the time, so the minutes are honest (2 more are the quiz's)
        course.replace("01-first-steps.md", "(13 minutes)", f"({minutes - 2} minutes)")


def require(course, block):
    course.replace("course.md", COURSE_END, COURSE_END + block)


def test_a_split_module_counts_its_minutes_in_each_domain(course):
    split(course, "domains: {ethical-responsibility: 30, advocacy: 15}", minutes=45)
    result = course.load()
    assert result.problems == []
    first = result.courses[0].modules[0]
    # in the course's domain order; the list shows the domain with the most minutes
    assert first.domain_minutes == {"advocacy": 15, "ethical-responsibility": 30}
    assert first.domain == "ethical-responsibility"
    assert result.courses[0].modules[1].domain_minutes == {"mentoring-education": 20}


def test_splitting_a_module_changes_its_hash_but_not_the_others(course):
    before = [m.content_hash for m in course.load().courses[0].modules]
    split(course, "domains: {recovery-wellness: 10, advocacy: 5}")
    after = [m.content_hash for m in course.load().courses[0].modules]
    assert after[0] != before[0]
    assert after[1] == before[1]


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        (
            "domain: advocacy\ndomains: {advocacy: 15}",
            f"{FIRST}:5: use either 'domain' (all the module's minutes in one domain) or "
            "'domains' (its minutes split across domains), not both",
        ),
        (
            "domains: {advocacy: 10, cooking: 5}",
            f"{FIRST}:4: unknown domain 'cooking' in 'domains': the domains are {DOMAINS}",
        ),
        (
            "domains: {advocacy: 10, recovery-wellness: 10}",
            f"{FIRST}:4: the minutes in 'domains' add up to 20, but 'minutes' is 15: make them "
            "agree ('minutes' is the module's whole training time, 'domains' shares it out)",
        ),
        (
            "domains: {advocacy: 15, recovery-wellness: 0}",
            f"{FIRST}:4: 'domains.recovery-wellness' must be a whole number from 1 to 240, not 0",
        ),
        (
            "domains: {cooking: 15}",
            f"{FIRST}:4: unknown domain 'cooking' in 'domains': the domains are {DOMAINS}",
        ),
        ("domains: {}", f"{FIRST}:4: 'domains' is empty: give each domain's minutes, e.g. "
         "advocacy: 15"),
        (
            "domains: advocacy",
            f"{FIRST}:4: 'domains' must be a group of 'key: value' lines, not 'advocacy'",
        ),
        ("", f"{FIRST}:1: missing required key 'domain'"),
    ],
    ids=["both", "unknown", "sum", "zero", "all-unknown", "empty", "not-a-group", "neither"],
)  # fmt: skip
def test_a_split_that_cannot_be_counted_is_refused(course, block, expected):
    split(course, block)
    assert course.problems() == [expected]


def test_a_course_names_its_own_domains(course):
    course.replace("course.md", "pass_mark: 75\n", "pass_mark: 75\ndomains: [engagement, craft]\n")
    course.replace("02-listening.md", "domain: mentoring-education", "domain: craft")
    split(course, "domains: {engagement: 5, recovery-wellness: 10}")
    assert course.problems() == [
        f"{FIRST}:4: unknown domain 'recovery-wellness' in 'domains': the domains are "
        "engagement, craft"
    ]
    course.replace("01-first-steps.md", "recovery-wellness: 10", "craft: 10")
    result = course.load()
    assert result.problems == []
    assert result.courses[0].domains == ("engagement", "craft")


@pytest.mark.parametrize(
    ("listed", "expected"),
    [
        (
            "[Advocacy]",
            f"{COURSE_MD}:5: domain 'Advocacy' is not a slug: use lowercase letters, digits and "
            "hyphens, for example 'ethical-responsibility'",
        ),
        ("[advocacy, advocacy]", f"{COURSE_MD}:5: domain 'advocacy' is listed twice"),
        (
            "advocacy",
            f"{COURSE_MD}:5: 'domains' must be a list of one or more lines of text ('- ...')",
        ),
    ],
    ids=["not-a-slug", "twice", "not-a-list"],
)
def test_a_domain_list_that_cannot_be_used_is_refused(course, listed, expected):
    course.replace("course.md", "pass_mark: 75\n", f"pass_mark: 75\ndomains: {listed}\n")
    course.replace("02-listening.md", "domain: mentoring-education", "domain: advocacy")
    course.replace("01-first-steps.md", ONE_DOMAIN, "domain: advocacy")
    assert course.problems() == [expected]


def test_training_hours_the_modules_can_supply_are_accepted(course):
    split(course, "domains: {recovery-wellness: 60, advocacy: 60}", minutes=120)
    require(course, "  requires:\n    training_hours: {total: 2, advocacy: 1}\n")
    result = course.load()
    assert result.problems == []
    assert result.courses[0].training_hours == {"total": 2, "advocacy": 1}


def test_training_hours_the_modules_cannot_supply_are_refused_with_the_sums(course):
    split(course, "domains: {recovery-wellness: 30, advocacy: 15}", minutes=45)
    require(
        course,
        "  requires:\n"
        "    training_hours:\n"
        "      total: 2\n"
        "      advocacy: 10\n"
        "      mentoring-education: 1\n",
    )
    sums = (
        "(hours by domain: advocacy 0.2, mentoring-education 0.3, recovery-wellness 0.5, "
        "ethical-responsibility 0; total 1.0"
    )
    assert course.problems() == [
        f"{COURSE_MD}:10: the certificate requires 2 training hours in total, but this course's "
        f"modules add up to 1 {sums.replace('1.0', '1')}): add modules or lower the requirement",
        f"{COURSE_MD}:11: the certificate requires 10 training hours of advocacy, but this "
        f"course's modules add up to 0.2 {sums.replace('1.0', '1')}): add modules or lower the "
        "requirement",
        f"{COURSE_MD}:12: the certificate requires 1 training hour of mentoring-education, but "
        f"this course's modules add up to 0.3 {sums.replace('1.0', '1')}): add modules or lower "
        "the requirement",
    ]


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        (
            "{advocasy: 10}",
            f"{COURSE_MD}:9: unknown domain 'advocasy' in 'training_hours': use 'total' or one of "
            f"the domains, {DOMAINS}",
        ),
        (
            "{total: 0}",
            f"{COURSE_MD}:9: 'certificate.requires.training_hours.total' must be a whole number "
            "from 1 to 2000, not 0",
        ),
    ],
    ids=["unknown-domain", "zero"],
)
def test_a_training_hours_requirement_that_cannot_be_read_is_refused(course, block, expected):
    require(course, f"  requires:\n    training_hours: {block}\n")
    assert course.problems() == [expected]


@pytest.mark.parametrize(
    ("listed", "expected"),
    [
        ("engagement, craft", "'domains' must be a list of one or more lines of text ('- ...')"),
        ("[engagement, craft, Craft]", "domain 'Craft' is not a slug: use lowercase letters"),
        ("[engagement, craft, craft]", "domain 'craft' is listed twice"),
    ],
    ids=["not-a-list", "not-a-slug", "twice"],
)
def test_a_domain_list_with_a_mistake_does_not_fail_every_module_that_uses_it(
    course, listed, expected
):
    course.replace("course.md", "pass_mark: 75\n", f"pass_mark: 75\ndomains: {listed}\n")
    course.replace("02-listening.md", "domain: mentoring-education", "domain: craft")
    split(course, "domains: {engagement: 5, craft: 10}")
    problems = course.problems()
    assert len(problems) == 1 and problems[0].startswith(f"{COURSE_MD}:5: {expected}")


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (
            ("  title: Sample Certificate\n", "  title: Sample Certificate\n   oops: 1\n"),
            f"{COURSE_MD}:8: invalid YAML: mapping values are not allowed here",
        ),
        (("title: Sample Course", "title: Caf\xe9"), f"{COURSE_MD}:2: this file is not UTF-8"),
        (None, f"{COURSE_MD}: missing: every course folder needs a course.md"),
    ],
    ids=["invalid-yaml", "not-utf8", "missing"],
)
def test_a_course_md_that_cannot_be_read_does_not_fail_every_module_domain(
    course, breakage, expected
):
    # The course names its own domains, which the modules use; when course.md cannot be read,
    # that is the one problem, not an "unknown domain" in every module judged by the default.
    course.replace("course.md", "pass_mark: 75\n", "pass_mark: 75\ndomains: [engagement, craft]\n")
    course.replace("02-listening.md", "domain: mentoring-education", "domain: craft")
    split(course, "domains: {engagement: 5, craft: 10}")
    if breakage is None:
        course.remove("course.md")
    else:
        old, new = breakage
        course.replace("course.md", old, new)
        if "\xe9" in new:
            course.write("course.md", course.read("course.md").encode("cp1252"))
    problems = course.problems()
    assert len(problems) == 1
    assert problems[0].startswith(expected)


@pytest.mark.parametrize(
    ("listed", "expected"),
    [
        ("engagement, craft", "'domains' must be a list of one or more lines of text ('- ...')"),
        ("[engagement, Craft]", "domain 'Craft' is not a slug: use lowercase letters"),
        ("[engagement, craft, craft]", "domain 'craft' is listed twice"),
    ],
    ids=["not-a-list", "not-a-slug", "twice"],
)
def test_a_domain_list_with_a_mistake_does_not_fail_every_training_hours_key(
    course, listed, expected
):
    # The training hours are required by the course's own domains; when the list cannot be used,
    # its mistake is the one problem, not also an "unknown domain" for each key judged by none.
    course.replace("course.md", "pass_mark: 75\n", f"pass_mark: 75\ndomains: {listed}\n")
    course.replace("02-listening.md", "domain: mentoring-education", "domain: craft")
    split(course, "domains: {engagement: 5, craft: 10}")
    require(course, "  requires:\n    training_hours: {total: 1, engagement: 1, craft: 1}\n")
    problems = course.problems()
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{COURSE_MD}:5: {expected}")


def test_a_good_domain_list_still_refuses_a_training_hours_key_it_does_not_name(course):
    course.replace("course.md", "pass_mark: 75\n", "pass_mark: 75\ndomains: [engagement, craft]\n")
    course.replace("02-listening.md", "domain: mentoring-education", "domain: craft")
    split(course, "domains: {engagement: 5, craft: 10}")
    require(course, "  requires:\n    training_hours: {craftt: 1}\n")
    assert course.problems() == [
        f"{COURSE_MD}:10: unknown domain 'craftt' in 'training_hours': use 'total' or one of the "
        "domains, engagement, craft"
    ]
