"""The roster: each status, rows per course, filters, sorting, who sees whom, the cohort
picture and a trainee's record, on data written straight to the tables."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import Course, ModuleVersion, QuizAttempt, User
from lms.models.types import utcnow
from lms.services import roster
from lms.services.authoring.publishing import sync_courses
from lms.services.certification import certification
from lms.services.people import supervision
from tests import roster_data as rd
from tests.roster_data import TODAY

CURRENT, OLD = "c" * 64, "0" * 64


@pytest.fixture
def world(app_ctx, courses_dir):
    sync_courses(courses_dir)
    course = db.session.scalar(select(Course).where(Course.slug == "sample-course"))
    staff = rd.person("Sam Staff", roles=("staff",))
    return SimpleNamespace(
        course=course,
        first=course.modules[0].id,
        second=course.modules[1].id,
        cohort=rd.cohort("Spring", course.id),
        staff=db.session.get(User, staff),
    )


def viewer(user_id):
    return db.session.get(User, user_id)


def trainee(world, name, *passed, started=()):
    """A trainee in the Spring cohort with these modules passed (and others only started)."""
    user_id = rd.person(name)
    rd.enrol(world.cohort, user_id)
    for module_id in passed:
        rd.progress(user_id, module_id, passed=True, score=90)
    for module_id in started:
        rd.progress(user_id, module_id, score=None)
    return user_id


def version_of(module_id):
    return db.session.scalar(select(ModuleVersion.id).where(ModuleVersion.module_id == module_id))


def by_name(rows):
    return {row.name: row for row in rows}


def test_each_status_and_what_a_waiting_trainee_still_needs(world):
    world.course.ethics_hash, world.course.supervised_hours = CURRENT, 10
    both = (world.first, world.second)
    trainee(world, "Nora Notstarted")
    trainee(world, "Ivan Inprogress", started=[world.first])
    signed_only = trainee(world, "Sid Signedonly")
    rd.signature(signed_only, world.course.id, OLD)
    wes = trainee(world, "Wes Waiting", *both)
    rd.practice(wes, 5)
    rd.practice(wes, 10, status="pending")
    rd.practice(wes, 10, status="rejected")
    olga = trainee(world, "Olga Oldsignature", *both)
    rd.signature(olga, world.course.id, OLD)
    rd.practice(olga, 10)
    rita = trainee(world, "Rita Ready", *both)
    rd.signature(rita, world.course.id, OLD)
    rd.signature(rita, world.course.id, CURRENT)
    rd.practice(rita, 6)
    rd.practice(rita, 4)
    for name, days, revoked in [
        ("Cora Certified", 61, None),
        ("Eve Expiring", 60, None),
        ("Eli Expiringsoon", 1, None),
        ("Exa Expired", 0, None),
        ("Rex Revoked", 300, "Misconduct"),
        ("Rae Revokedexpired", -10, "Misconduct"),
    ]:
        user_id = trainee(world, name, *both)
        rd.certificate(user_id, world.course.id, TODAY + timedelta(days=days), revoked=revoked)

    rows = by_name(roster.roster(world.staff, today=TODAY))

    assert {name: row.status for name, row in rows.items()} == {
        "Nora Notstarted": "not_started",
        "Ivan Inprogress": "in_progress",
        "Sid Signedonly": "in_progress",
        "Wes Waiting": "waiting",
        "Olga Oldsignature": "waiting",
        "Rita Ready": "waiting",
        "Cora Certified": "certified",
        "Eve Expiring": "expiring",
        "Eli Expiringsoon": "expiring",
        "Exa Expired": "expired",
        "Rex Revoked": "revoked",
        "Rae Revokedexpired": "revoked",
    }
    assert rows["Wes Waiting"].missing == (
        "code of ethics not signed",
        "5 of 10 supervised hours approved",
    )
    assert rows["Wes Waiting"].status_text == (
        "Waiting on requirements (code of ethics not signed; 5 of 10 supervised hours approved)"
    )
    assert rows["Olga Oldsignature"].missing == ("code of ethics to sign again",)
    assert rows["Rita Ready"].missing == ("certificate not issued yet",)
    for row in rows.values():  # the roster's bulk check agrees with the one that issues
        due = certification.certificate_due(row.trainee_id, row.course_id)
        assert due == (row.missing == ("certificate not issued yet",)), row.name
    assert rows["Eve Expiring"].status_text == "Expiring within 60 days"
    cora = rows["Cora Certified"]
    assert cora.certificate_code == f"T-{cora.trainee_id:04d}-{world.course.id:04d}"


def test_the_status_labels_are_the_words_of_the_issue():
    assert list(roster.STATUSES.values()) == [
        "Not started",
        "In progress",
        "Waiting on requirements",
        "Certified",
        "Expiring within 60 days",
        "Expired",
        "Revoked",
    ]


def test_percent_last_activity_and_quiz_scores(world):
    ada = trainee(world, "Ada Active")
    earlier, later = rd.NOW - timedelta(days=3), rd.NOW - timedelta(days=1)
    rd.progress(ada, world.first, passed=True, score=100, at=earlier)
    rd.progress(ada, world.second, score=50, at=earlier)
    db.session.add_all(
        QuizAttempt(
            user_id=ada,
            module_id=module_id,
            module_version_id=version_of(module_id),
            submitted_at=at,
            score=score,
            passed=score >= 75,
            answers={},
        )  # fmt: skip
        for module_id, at, score in [(world.first, earlier, 100), (world.second, later, 50)]
    )
    db.session.flush()

    (row,) = roster.roster(world.staff, today=TODAY)

    assert (row.percent, row.modules_passed, row.modules_total) == (50, 1, 2)
    assert row.last_activity == later  # the attempt, after the progress rows' last activity
    assert (row.quiz_average, row.quiz_attempts) == (75, 2)
    assert row.quiz_text == "75% average, 2 attempts"


def test_one_row_per_trainee_and_course_and_the_cohort_filter(world):
    second_course, _ = rd.bulk_course("Second Course", modules=3, slug="second")
    both = rd.cohort("Both courses", world.course.id, second_course)
    empty = rd.cohort("No courses yet")
    two = rd.person("Tess Twocourses")
    rd.enrol(both, two)
    rd.enrol(world.cohort, two)
    loner = rd.person("Len Loner")  # no cohort: the courses they have progress in
    rd.progress(loner, world.first)
    nobody = rd.person("Nell Nothing")
    rd.enrol(empty, nobody)

    rows = roster.roster(world.staff, today=TODAY)

    assert [(row.name, row.course, row.cohort_names) for row in rows] == [
        ("Len Loner", "Sample Course", ""),
        ("Nell Nothing", None, "No courses yet"),
        ("Tess Twocourses", "Sample Course", "Both courses, Spring"),
        ("Tess Twocourses", "Second Course", "Both courses"),
    ]
    filtered = roster.roster(world.staff, cohort_id=world.cohort, today=TODAY)
    assert [(row.name, row.course, row.cohort_names) for row in filtered] == [
        ("Tess Twocourses", "Sample Course", "Spring")
    ]
    assert roster.cohort_options(world.staff) == [
        (both, "Both courses"),
        (empty, "No courses yet"),
        (world.cohort, "Spring"),
    ]


def test_the_status_filter(world):
    trainee(world, "Ann Started", started=[world.first])
    trainee(world, "Bob Notyet")
    done = trainee(world, "Cat Certified", world.first, world.second)
    rd.certificate(done, world.course.id, TODAY + timedelta(days=400))

    def names(status):
        return [row.name for row in roster.roster(world.staff, status=status, today=TODAY)]

    assert names("in_progress") == ["Ann Started"]
    assert names("not_started") == ["Bob Notyet"]
    assert names("certified") == ["Cat Certified"]
    assert names("revoked") == []
    assert names(None) == ["Ann Started", "Bob Notyet", "Cat Certified"]


def test_unknown_columns_and_statuses_are_refused(world):
    with pytest.raises(roster.RosterError, match="unknown column 'password'"):
        roster.roster(world.staff, sort="password")
    with pytest.raises(roster.RosterError, match="unknown status 'lost'"):
        roster.roster(world.staff, status="lost")


SORT_VALUES = {
    "name": lambda row: row.name.casefold(),
    "course": lambda row: row.course,
    "status": lambda row: list(roster.STATUSES).index(row.status),
    "percent": lambda row: row.percent,
    "last_activity": lambda row: row.last_activity,
    "quiz_scores": lambda row: row.quiz_average,
    "certificate": lambda row: row.certificate_expires_on,
    "cohorts": lambda row: row.cohort_names or None,
    "supervisor": lambda row: row.supervisor,
    "email": lambda row: row.email,
}


@pytest.fixture
def varied(world):
    """Six trainees who differ in every column, some with nothing in some columns."""
    second_course, _ = rd.bulk_course("Another Course", modules=2, slug="another")
    other = rd.cohort("Autumn", second_course)
    sups = [rd.person(name, roles=("supervisor",)) for name in ("Sue Beta", "Al Alpha")]
    for n, name in enumerate(["dan Delta", "Ben Bravo", "Fay Foxtrot", "Abe Alpha", "Eva Echo"]):
        user_id = rd.person(name, email=f"{'zyxwv'[n]}@example.org")
        rd.enrol(other if n == 2 else world.cohort, user_id)
        if n < 2:
            rd.supervise(sups[n], user_id)
        at = rd.NOW - timedelta(days=n * 7)
        for module_id in [world.first, world.second][: n % 3]:
            rd.progress(user_id, module_id, passed=n % 2 == 0, score=40 + 13 * n, at=at)
        if n == 4:
            rd.certificate(user_id, world.course.id, TODAY + timedelta(days=500))
        if n == 0:
            rd.certificate(user_id, world.course.id, TODAY + timedelta(days=20))
    rd.person("Gil Nocohort")
    return world


def test_sorting_by_every_column_both_ways_with_blanks_last(varied):
    assert set(SORT_VALUES) == set(roster.COLUMNS)
    for column in roster.COLUMNS:
        for descending in (False, True):
            rows = roster.roster(varied.staff, sort=column, descending=descending, today=TODAY)

            values = [SORT_VALUES[column](row) for row in rows]
            present = [value for value in values if value is not None]
            where = (column, descending, values)
            assert len(rows) == 6, where
            assert present == sorted(present, reverse=descending), where
            assert values == present + [None] * (len(values) - len(present)), where
            assert len(set(present)) > 1, f"the data cannot tell {column}'s directions apart"


def test_a_supervisor_sees_only_their_trainees_and_nothing_after_reassignment(world):
    sue = rd.person("Sue Supervisor", roles=("supervisor",))
    sam = rd.person("Sam Supervisor", roles=("supervisor",))
    mine, also_mine, theirs = (trainee(world, name) for name in ("Ann A", "Bea B", "Cy C"))
    rd.supervise(sue, mine, also_mine)
    rd.supervise(sam, theirs)
    db.session.commit()

    assert [row.name for row in roster.roster(viewer(sue))] == ["Ann A", "Bea B"]
    assert {row.supervisor for row in roster.roster(viewer(sue))} == {"Sue Supervisor"}
    with pytest.raises(LookupError):
        roster.trainee_record(viewer(sue), theirs)

    supervision.assign_supervisor(mine, sam)

    assert [row.name for row in roster.roster(viewer(sue))] == ["Bea B"]
    with pytest.raises(LookupError):
        roster.trainee_record(viewer(sue), mine)
    assert [(row.name, row.supervisor) for row in roster.roster(viewer(sam))] == [
        ("Ann A", "Sam Supervisor"),
        ("Cy C", "Sam Supervisor"),
    ]
    assert roster.cohort_options(viewer(sue)) == [(world.cohort, "Spring")]
    supervision.assign_supervisor(also_mine, sam)
    assert roster.roster(viewer(sue)) == []
    assert roster.cohort_options(viewer(sue)) == []


def test_staff_see_every_trainee_but_no_erased_account_and_no_one_else_sees_anyone(world):
    trainee(world, "Tia Trainee")
    gone = trainee(world, "Erased Person")
    viewer(gone).erased_at = utcnow()
    rd.person("Sue Supervisor", roles=("supervisor",))
    plain = trainee(world, "Pat Plain")

    assert [row.name for row in roster.roster(world.staff)] == ["Pat Plain", "Tia Trainee"]
    assert roster.roster(viewer(plain)) == []
    assert roster.cohort_options(viewer(plain)) == []


def test_the_cohort_picture_counts_each_module(world):
    sue = rd.person("Sue Supervisor", roles=("supervisor",))
    passed_both = trainee(world, "Ann", world.first, world.second)
    reading = trainee(world, "Bea", world.first, started=[world.second])
    trainee(world, "Cy", started=[world.first])
    trainee(world, "Di")
    rd.supervise(sue, passed_both, reading)
    outsider = rd.person("Ed Elsewhere")
    rd.progress(outsider, world.first, passed=True)

    picture = roster.cohort_picture(world.staff, world.cohort)

    assert (picture.name, picture.trainees) == ("Spring", 4)
    (course,) = picture.courses
    assert course.title == "Sample Course"
    counts = [(m.position, m.title, m.passed, m.in_progress, m.not_started) for m in course.modules]
    assert counts == [(1, "First Steps", 2, 1, 1), (2, "Listening", 1, 1, 2)]
    mine = roster.cohort_picture(viewer(sue), world.cohort)
    assert mine.trainees == 2
    assert [(m.passed, m.in_progress, m.not_started) for m in mine.courses[0].modules] == [
        (2, 0, 0),
        (1, 1, 0),
    ]
    with pytest.raises(LookupError):
        roster.cohort_picture(world.staff, 9999)
