"""The checker on live session files (sessions/NN-slug.md): front matter, the facilitator guide,
its skills checklist, and what course.md's certificate may require of sessions."""

import pytest

from tests.unit.coursekit import COURSE_MD, ROLE_PLAY, ROLE_PLAY_FILE, CourseFolder

SESSION = "courses/sample-course/sessions/01-role-play.md"
MODULES = "first-steps, listening"
COURSE_END = "  valid_for_months: 12\n"
# In ROLE_PLAY (coursekit) the body starts on line 10; '## Skills checklist' is line 16 and its
# first skill line 18.
CHECKLIST_LINE = 16
FIRST_SKILL = 18


@pytest.fixture
def course(tmp_path):
    folder = CourseFolder(tmp_path)
    folder.write(ROLE_PLAY_FILE, ROLE_PLAY)
    return folder


def edit(course, old, new):
    course.replace(ROLE_PLAY_FILE, old, new)


def require(course, block):
    course.replace("course.md", COURSE_END, COURSE_END + "  requires:\n" + block)


def test_a_session_file_is_read_into_the_course(course):
    result = course.load()
    assert result.problems == []
    (session,) = result.courses[0].sessions
    assert session.slug == "role-play"
    assert session.number == 1
    assert session.minutes == 90
    assert session.domain_minutes == {"mentoring-education": 90}
    assert session.requires == ("listening",)
    # inline Markdown in a skill is kept as the words only
    assert session.skills == (
        "Reflects feelings back before giving information.",
        "Asks open questions.",
    )
    assert "Skills checklist" not in session.guide
    assert "Asks open questions" not in session.guide
    assert "## Plan" in session.guide
    assert session.media == ("media/circle.png",)


def test_sessions_change_the_course_hash_and_a_course_without_them_keeps_its_hash(course):
    with_session = course.load().courses[0].content_hash
    course.remove(ROLE_PLAY_FILE)
    without = course.load().courses[0].content_hash
    assert with_session != without
    edit_free = CourseFolder(course.root.parent / "again")
    assert edit_free.load().courses[0].content_hash == without


def test_a_changed_guide_changes_only_the_session_hash_and_the_course_hash(course):
    before = course.load().courses[0]
    edit(course, "10 minutes: welcome.", "15 minutes: welcome.")
    after = course.load().courses[0]
    assert after.sessions[0].content_hash != before.sessions[0].content_hash
    assert after.content_hash != before.content_hash
    assert [m.content_hash for m in after.modules] == [m.content_hash for m in before.modules]


def test_a_split_session_counts_its_minutes_in_each_domain(course):
    split = "domains: {advocacy: 30, ethical-responsibility: 60}"
    edit(course, "domain: mentoring-education", split)
    (session,) = course.load().courses[0].sessions
    assert session.domain_minutes == {"advocacy": 30, "ethical-responsibility": 60}
    assert session.domain == "ethical-responsibility"


def test_a_session_without_a_checklist_has_no_skills(course):
    edit(course, "## Skills checklist\n\n- [ ] Reflects **feelings** back before giving "
         "information.\n- [ ] Asks open questions.\n", "")  # fmt: skip
    result = course.load()
    assert result.problems == []
    assert result.courses[0].sessions[0].skills == ()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "- [ ] Asks open questions.",
            "- [x] Asks open questions.",
            f"{SESSION}:{FIRST_SKILL + 1}: write every skill unticked: - [ ] Asks open questions.",
        ),
        (
            "- [ ] Asks open questions.",
            "- Asks open questions.",
            f"{SESSION}:{FIRST_SKILL + 1}: write each skill as an unticked task item, '- [ ] ' "
            "then the skill: - [ ] Asks open questions.",
        ),
        (
            "- [ ] Asks open questions.",
            "Watch the pairs closely.",
            f"{SESSION}:{FIRST_SKILL + 1}: a skills checklist holds only '- [ ] skill' lines, one "
            "observable skill each: move other text above the '## Skills checklist' heading",
        ),
        (
            "- [ ] Asks open questions.",
            "- [ ]",
            f"{SESSION}:{FIRST_SKILL + 1}: this skill has no text: write the skill after '- [ ] '",
        ),
        (
            "- [ ] Asks open questions.",
            "- [ ] Reflects feelings back  before giving information.",
            f"{SESSION}:{FIRST_SKILL + 1}: skill 'Reflects feelings back  before giving "
            f"information.' is listed twice (first on line {FIRST_SKILL}): remove one",
        ),
        (
            "- [ ] Asks open questions.",
            "- [ ] " + "a" * 301,
            f"{SESSION}:{FIRST_SKILL + 1}: this skill is 301 characters long; the limit is 300: "
            "shorten it, or split it into two skills",
        ),
        (
            "- [ ] Reflects **feelings** back before giving information.\n"
            "- [ ] Asks open questions.\n",
            "",
            f"{SESSION}:{CHECKLIST_LINE}: the skills checklist is empty: add the skills to observe "
            "as '- [ ] skill' lines, or remove the heading",
        ),
        (
            "- [ ] Asks open questions.\n",
            "- [ ] Asks open questions.\n\n## Skills checklist\n\n- [ ] Summarises.\n",
            f"{SESSION}:{FIRST_SKILL + 3}: a session has one skills checklist, but this is a "
            f"second '## Skills checklist' heading (the first is on line {CHECKLIST_LINE}): put "
            "all the skills under one",
        ),
        (
            "## Plan",
            "## Quiz",
            f"{SESSION}:10: sessions have no quiz: a live session is practiced in the room, so "
            "remove the '## Quiz' section (put questions for discussion under another heading)",
        ),
    ],
    ids=["ticked", "plain-item", "other-text", "no-text", "duplicate", "too-long", "empty",
         "two-checklists", "quiz"],
)  # fmt: skip
def test_a_checklist_or_guide_that_cannot_be_used_is_refused(course, old, new, expected):
    edit(course, old, new)
    assert course.problems() == [expected]


NEAR_MISSES = [
    "## Skill checklist",
    "## skills check-list",
    "### Skills checklist",
    "# Checklist of skills",
    "## Skils checklist",
]


@pytest.mark.parametrize("heading", NEAR_MISSES)
def test_a_near_miss_checklist_heading_is_a_warning_and_stays_in_the_guide(course, heading):
    edit(course, "## Skills checklist", heading)
    result = course.load()
    assert [str(p) for p in result.problems] == [
        f"{SESSION}:{CHECKLIST_LINE}: warning: this heading looks like a skills checklist, but "
        "only '## Skills checklist' (two #) is read as one, so these lines stay in the guide: "
        "write the heading exactly so"
    ]
    (session,) = result.courses[0].sessions
    assert session.skills == ()
    assert "Asks open questions" in session.guide


def test_a_checklist_heading_inside_a_code_block_is_not_one(course):
    edit(course, "## Plan", "```\n## Skills checklist\n- [x] sample\n```")
    result = course.load()
    assert result.problems == []
    assert len(result.courses[0].sessions[0].skills) == 2


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "requires: [listening]",
            "requires: [listenin]",
            f"{SESSION}:7: requires 'listenin', but this course has no module with that slug "
            "(did you mean 'listening'?): name modules by their file name without the number and "
            f"'.md'; the modules are {MODULES}",
        ),
        ("title: Role-play\n", "", f"{SESSION}:1: missing required key 'title'"),
        ("minutes: 90\n", "", f"{SESSION}:1: missing required key 'minutes'"),
        (
            "objectives:\n  - Practise reflective listening.\n",
            "",
            f"{SESSION}:1: missing required key 'objectives'",
        ),
        (
            "minutes: 90",
            "minutes: 241",
            f"{SESSION}:3: 'minutes' must be a whole number from 1 to 240, not 241",
        ),
        (
            "domain: mentoring-education",
            "domain: cooking",
            f"{SESSION}:4: 'domain' must be one of advocacy, mentoring-education, "
            "recovery-wellness, ethical-responsibility, not 'cooking'",
        ),
        (
            "domain: mentoring-education",
            "domains: {advocacy: 30, recovery-wellness: 30}",
            f"{SESSION}:4: the minutes in 'domains' add up to 60, but 'minutes' is 90: make them "
            "agree ('minutes' is the module's whole training time, 'domains' shares it out)",
        ),
        (
            "requires: [listening]",
            "quiz: true",
            f"{SESSION}:7: unknown key 'quiz'",
        ),
        (
            "requires: [listening]",
            "requires: ~",
            f"{SESSION}:7: 'requires' must be a list of one or more lines of text ('- ...')",
        ),
        (
            "![Chairs](../media/circle.png)",
            "![Chairs](media/circle.png)",
            f"{SESSION}:14: image 'media/circle.png' points to a file that is not there",
        ),
        (
            "![Chairs](../media/circle.png)",
            "![Chairs](../../secret.png)",
            f"{SESSION}:14: image '../../secret.png' leaves the course folder",
        ),
    ],
    ids=["unknown-module", "no-title", "no-minutes", "no-objectives", "too-long", "domain",
         "split-sum", "unknown-key", "requires-not-a-list", "media-path", "leaves-folder"],
)  # fmt: skip
def test_session_front_matter_and_links_are_checked_like_a_modules(course, old, new, expected):
    edit(course, old, new)
    assert course.problems() == [expected]


def test_a_session_with_only_a_checklist_has_no_guide(course):
    plan = (
        "## Plan\n\n- 10 minutes: welcome.\n\n"
        "![Chairs](../media/circle.png) and [the module](../02-listening.md).\n\n"
    )
    edit(course, plan, "")
    assert course.problems() == [
        f"{SESSION}:8: this session has no facilitator guide: write the plan, timings and "
        "prompts below the front matter"
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "sessions/RolePlay.md",
            "courses/sample-course/sessions/RolePlay.md: a session file is named NN-slug.md: a "
            "number, a hyphen, then lowercase words joined by hyphens (for example "
            "01-role-play-listening.md)",
        ),
        (
            "sessions/01-other.md",
            "courses/sample-course/sessions/01-role-play.md: session number 1 is also used by "
            "01-other.md",
        ),
        (
            "sessions/02-role-play.md",
            "courses/sample-course/sessions/02-role-play.md: session slug 'role-play' is also "
            "used by 01-role-play.md",
        ),
    ],
    ids=["name", "number", "slug"],
)
def test_session_file_names_are_checked_like_module_file_names(course, name, expected):
    course.write(name, ROLE_PLAY)
    assert expected in course.problems()


def test_a_session_may_share_its_slug_with_a_module(course):
    course.write("sessions/02-listening.md", ROLE_PLAY)
    result = course.load()
    assert result.problems == []
    assert [s.slug for s in result.courses[0].sessions] == ["role-play", "listening"]


def test_the_certificate_can_require_sessions_and_checklists(course):
    course.write("sessions/02-boundaries.md", ROLE_PLAY.split("## Skills checklist")[0])
    require(course, "    sessions: [boundaries]\n    skills_checklists: [role-play]\n")
    result = course.load()
    assert result.problems == []
    loaded = result.courses[0]
    # a checklist that must be complete needs the session attended, so it is required too
    assert loaded.required_sessions == ("boundaries", "role-play")
    assert loaded.required_checklists == ("role-play",)


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        (
            "    sessions: [role-pley]\n",
            f"{COURSE_MD}:9: 'sessions' names 'role-pley', but this course has no live session "
            "with that slug (did you mean 'role-play'?): the sessions are role-play",
        ),
        (
            "    skills_checklists: [boundaries]\n",
            f"{COURSE_MD}:9: 'skills_checklists' names 'boundaries', but this course has no live "
            "session with that slug: the sessions are role-play",
        ),
        (
            "    sessions: role-play\n",
            f"{COURSE_MD}:9: 'certificate.requires.sessions' must be a list of one or more lines "
            "of text ('- ...')",
        ),
    ],
    ids=["unknown-session", "unknown-checklist", "not-a-list"],
)
def test_certificate_sessions_that_are_not_the_courses_are_refused(course, block, expected):
    require(course, block)
    assert course.problems() == [expected]


def test_a_required_checklist_of_a_session_without_one_is_refused(course):
    course.write("sessions/02-boundaries.md", ROLE_PLAY.split("## Skills checklist")[0])
    require(course, "    skills_checklists: [boundaries]\n")
    assert course.problems() == [
        f"{COURSE_MD}:9: 'skills_checklists' names 'boundaries', but that session has no "
        "'## Skills checklist': add one to its file, or take 'boundaries' out of this list"
    ]


def test_required_sessions_in_a_course_without_sessions_say_where_they_go(course):
    course.remove(ROLE_PLAY_FILE)
    require(course, "    sessions: [role-play]\n")
    assert course.problems() == [
        f"{COURSE_MD}:9: 'sessions' names 'role-play', but this course has no live sessions: "
        "add session files in the sessions/ folder (see courses/README.md)"
    ]


def test_training_hours_count_live_sessions_too(course):
    # modules: recovery-wellness 15 minutes, mentoring-education 20; the session: 90 minutes of
    # mentoring-education
    require(course, "    training_hours: {mentoring-education: 1}\n")
    assert course.problems() == []
    course.remove(ROLE_PLAY_FILE)
    assert len(course.problems()) == 1


def test_training_hours_the_course_cannot_supply_are_refused_with_module_and_session_sums(course):
    require(
        course,
        "    training_hours:\n      total: 3\n      mentoring-education: 2\n      advocacy: 1\n",
    )
    sums = (
        "hours by domain: advocacy 0, mentoring-education 1.8, recovery-wellness 0.2, "
        "ethical-responsibility 0; total 2.0"
    ).replace("2.0", "2")
    assert course.problems() == [
        f"{COURSE_MD}:10: the certificate requires 3 training hours in total, but this course's "
        f"modules and live sessions add up to 2 (modules 0.5, sessions 1.5; {sums}): add modules "
        "or sessions, or lower the requirement",
        f"{COURSE_MD}:11: the certificate requires 2 training hours of mentoring-education, but "
        "this course's modules and live sessions add up to 1.8 (modules 0.3, sessions 1.5; "
        f"{sums}): add modules or sessions, or lower the requirement",
        f"{COURSE_MD}:12: the certificate requires 1 training hour of advocacy, but this "
        "course's modules and live sessions add up to 0 (modules 0, sessions 0; "
        f"{sums}): add modules or sessions, or lower the requirement",
    ]
