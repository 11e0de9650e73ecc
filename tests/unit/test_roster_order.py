"""The roster sorted by a computed column, or filtered by status, in SQL (roster/ordering.py) gives
exactly the rows, in exactly the order, of the whole roster computed and sorted in Python
(roster.roster, rows.sort_rows): walked page by page both ways, on data with ties, blanks,
several courses and cohorts, certificates in every state, and trainees waiting or not started."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from lms.extensions import db
from lms.models import Module, QuizAttempt, User
from lms.services import keyset, roster
from tests import roster_data as rd
from tests.roster_data import NOW, TODAY

COMPUTED = ("course", "status", "percent", "last_activity", "quiz_scores", "certificate", "cohorts")


def attempt(user_id, module, at, score=70):
    module_id, version_id = module
    db.session.add(
        QuizAttempt(
            user_id=user_id,
            module_id=module_id,
            module_version_id=version_id,
            started_at=at,
            submitted_at=at,
            choice_order={},
            answers={},
            score=score,
            passed=score >= 80,
        )  # fmt: skip
    )
    db.session.flush()


@pytest.fixture
def world(app_ctx):
    """Eighteen trainees over three courses (eight modules and one retired; two; twenty-five) and
    five cohorts, who tie and differ in every computed column, and whose percent and quiz average
    round a half (up and down: Python rounds half to even)."""
    alpha, a = rd.bulk_course("Alpha Course", modules=9, slug="alpha")
    beta, b = rd.bulk_course("beta course", modules=2, slug="beta")  # lower case: sorts by case
    db.session.execute(update(Module).where(Module.id == a[8][0]).values(retired_at=NOW))
    retired, a = a[8], a[:8]
    spring = rd.cohort("Spring", alpha)
    autumn = rd.cohort("autumn", alpha, beta)
    empty = rd.cohort("Empty", starts_on=TODAY)
    zeta = rd.cohort("Zeta", beta)
    staff = rd.person("Sam Staff", roles=("staff",))
    sue = rd.person("Sue Supervisor", roles=("supervisor",))

    def trainee(name, *cohorts, email=None):
        user_id = rd.person(name, email=email)
        for cohort in cohorts:
            rd.enrol(cohort, user_id)
        return user_id

    def passed(user_id, modules, score=90, at=NOW, started=()):
        for module_id, _ in modules:
            rd.progress(user_id, module_id, passed=True, score=score, at=at)
        for module_id, _ in started:
            rd.progress(user_id, module_id, score=None, at=at)

    trainee("Nell Nobody")  # no cohort, nothing: one row, no course
    engaged = trainee("Eli Engaged")  # no cohort: the course they have progress in
    passed(engaged, b[:1], score=61, at=NOW - timedelta(days=2))
    holder = trainee("Hal Holder", empty)  # a cohort with no course: the certificate's course
    rd.certificate(holder, alpha, TODAY + timedelta(days=30))
    both = trainee("Bo Both", spring, autumn)  # two rows: alpha (two cohorts) and beta
    passed(both, a[:1], score=60, at=NOW - timedelta(days=5))
    passed(both, b, score=62, at=NOW - timedelta(days=1))
    rd.supervise(sue, both)
    for n, days in enumerate((400, 60, 61, 0, -5)):  # certified, expiring, certified, expired...
        user_id = trainee(f"Cert {'ABCDE'[n]}", spring, email=f"cert{n}@example.org")
        passed(user_id, a, score=80 + n)
        rd.certificate(user_id, alpha, TODAY + timedelta(days=days))
    revoked = trainee("Rev Revoked", spring)
    passed(revoked, a)
    rd.certificate(revoked, alpha, TODAY + timedelta(days=300), revoked="Misconduct")
    renewed = trainee("Ren Renewed", autumn)  # a superseded certificate, then a current one
    passed(renewed, a)
    old = rd.certificate(renewed, alpha, TODAY - timedelta(days=10), code="OLD-1")
    old.superseded_at = NOW
    rd.certificate(renewed, alpha, TODAY + timedelta(days=700), code="NEW-1")
    waiting = trainee("Wes Waiting", spring)
    passed(waiting, a, score=75)
    same_one = trainee("Sam Same", zeta)  # two of one name: ties broken by the trainee
    passed(same_one, b[:1], score=61, at=NOW - timedelta(days=2))
    same_two = trainee("sam same", zeta, email="sam.same2@example.org")
    passed(same_two, b[:1], score=61, at=NOW - timedelta(days=2))
    rd.supervise(sue, same_two)
    eighth = trainee("Ada Eighth", spring)  # 1 of 8: 12.5%, which rounds to 12 (half to even)
    passed(eighth, a[:1], score=60, started=a[1:2])
    attempt(eighth, a[0], NOW + timedelta(hours=1))  # later than the progress
    three = trainee("Tom Three", spring)  # 3 of 8: 37.5%, which rounds to 38
    passed(three, a[:3], score=61)
    attempt(three, retired, NOW + timedelta(hours=2))  # a retired module's attempt counts
    half = trainee("Hana Half", spring)  # quiz scores 60 and 61: 60.5, which rounds to 60
    passed(half, a[:1], score=60)
    passed(half, a[1:2], score=61)
    gamma, g = rd.bulk_course("Gamma", modules=25, slug="gamma")
    twelve = trainee("Zed Twelve", rd.cohort("Gamma group", gamma))  # 3 of 25: 12%, as 1 of 8
    passed(twelve, g[:3], score=50)
    signer = trainee("Sid Signed", spring)  # in progress by the ethics signature alone
    rd.signature(signer, alpha, "e" * 64)
    trainee("Nia Notstarted", spring, zeta)
    db.session.commit()
    assert rd.standing_mismatches() == []  # the figures the SQL sorts by, kept by triggers
    return db.session.get(User, staff), {"autumn": autumn, "spring": spring, "empty": empty}


def names(rows):
    return [(row.trainee_id, row.course_id) for row in rows]


def walk(viewer, per, **wanted):
    """(every row following Next from the first page, every row again following Previous from
    the last page back to the first)."""
    pages, cursor = [], None
    while True:
        found = roster.roster_page(viewer, cursor=cursor, per=per, today=TODAY, **wanted)
        pages.append(found)
        assert len(pages) < 40, "the Next links never end"
        if found.page.next is None:
            break
        cursor = found.page.next
    forward = [row for found in pages for row in found.rows]
    backward, found = [], pages[-1]
    while found.page.previous is not None:
        found = roster.roster_page(
            viewer, cursor=found.page.previous, per=per, today=TODAY, **wanted
        )
        backward = found.rows + backward
        assert found.page.start == len(forward) - len(backward) - len(pages[-1].rows)
    return forward, backward + pages[-1].rows


def test_the_data_has_ties_blanks_and_every_status(world):
    staff, _ = world
    rows = roster.roster(staff, today=TODAY)
    assert {row.status for row in rows} == set(roster.STATUSES)
    assert {row.percent for row in rows} >= {12, 38, 50, 100, 0}
    assert {row.quiz_average for row in rows} >= {None, 60, 61, 62}
    percents = [row.percent for row in rows]
    assert percents.count(12) == 3  # 1 of 8 (12.5%, twice) ties with 3 of 25: rounded alike
    for sort in COMPUTED:
        keys = [roster.rows.SORT_KEYS[sort](row) for row in rows]
        assert len(set(keys)) < len(keys), f"no ties in {sort}"
        if sort not in ("status", "percent"):
            assert None in keys, f"no blanks in {sort}"


@pytest.mark.parametrize("sort", COMPUTED)
def test_every_computed_sort_pages_in_the_order_python_sorts(world, sort):
    staff, cohorts = world
    for descending in (False, True):
        for per, cohort_id in (
            (2, None), (3, None), (2, cohorts["autumn"]), (1, cohorts["empty"]),
        ):  # fmt: skip
            where = (sort, descending, per, cohort_id)
            expected = roster.roster(staff, cohort_id, None, sort, descending, TODAY)
            forward, backward = walk(
                staff, per, sort=sort, descending=descending, cohort_id=cohort_id
            )
            assert names(forward) == names(expected), where
            assert forward == expected, where  # the same rows, every figure
            assert names(backward) == names(expected), where
            first = roster.roster_page(
                staff, cohort_id=cohort_id, sort=sort, descending=descending, per=per,
                today=TODAY,
            )  # fmt: skip
            assert first.total == len(expected) and not first.by_trainee, where


@pytest.mark.parametrize("status", roster.STATUSES)
def test_the_status_filter_gives_the_rows_python_gives(world, status):
    staff, cohorts = world
    expected = roster.roster(staff, status=status, today=TODAY)
    assert expected, f"no row is {status}"
    for sort in ("percent", "certificate"):
        forward, _ = walk(staff, 2, sort=sort, status=status, descending=True)
        assert forward == roster.roster(staff, None, status, sort, True, TODAY), (status, sort)
    for sort in ("name", "supervisor"):  # sorted in SQL by trainee: the same rows
        forward, _ = walk(staff, 2, sort=sort, status=status)
        assert sorted(names(forward)) == sorted(names(expected)), (status, sort)
        assert all(row.status == status for row in forward)
    by_cohort = roster.roster(staff, cohorts["spring"], status, "status", False, TODAY)
    forward, _ = walk(staff, 3, sort="status", status=status, cohort_id=cohorts["spring"])
    assert forward == by_cohort


def test_the_csv_of_a_computed_sort_is_every_row_in_the_pages_order(world):
    staff, _ = world
    for sort in COMPUTED:
        for status in (None, "in_progress"):
            rows = list(roster.roster_for_csv(staff, None, status, sort, True, TODAY))
            assert rows == roster.roster(staff, None, status, sort, True, TODAY), (sort, status)


def test_a_cursor_of_another_order_is_refused(world):
    staff, _ = world
    by_percent = roster.roster_page(staff, sort="percent", per=2, today=TODAY)
    with pytest.raises(keyset.BadCursor):
        roster.roster_page(staff, sort="percent", per=2, today=TODAY,
                           cursor=keyset.Cursor((1, 2), 1))  # fmt: skip
    again = roster.roster_page(staff, sort="percent", per=2, today=TODAY,
                               cursor=by_percent.page.next)  # fmt: skip
    assert again.page.start == 2


def test_a_supervisor_pages_only_their_trainees(world):
    sue = db.session.scalar(select(User).where(User.name == "Sue Supervisor"))
    forward, _ = walk(sue, 1, sort="last_activity", descending=True)
    assert forward == roster.roster(sue, sort="last_activity", descending=True, today=TODAY)
    assert {row.name for row in forward} == {"Bo Both", "sam same"}
