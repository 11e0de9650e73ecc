"""The roster's rows and their computed columns in SQL, so that a page sorted by a computed column
(or filtered by status) is one ORDER BY ... LIMIT and only that page's rows are built in Python.

`lines` lays out the rows as rows.py's roster_rows does: one per trainee and course (the courses
of their cohorts; with no such course and no cohort filter, the courses they have progress or a
certificate in; else one row with no course). `keyed` adds, for each row, the key one column
sorts by and, when asked, the status: the same figures rows.py computes, rule for rule (its
_status precedence, Python's round half to even for percent and quiz average), with blanks last
in either direction and ties by name, course and trainee, as rows.sort_rows orders them. The
progress and attempt figures (joined by figures.py) come from roster_standing (models/standing.py),
one row per trainee and course that the database keeps on every write, so a sort reads one row per
row of the roster rather than every progress row and attempt; rows.py computes them from those
tables themselves (facts.py's queries), which is what tests/unit/test_roster_order.py compares
against.

Texts are compared by SQL lower(), where rows.py uses str.casefold(), and in the database's
collation: the two agree on ASCII letters and under a code-point collation (SQLite's, or C and
C.UTF-8 on PostgreSQL); SQLite's lower() leaves other letters as they are. The roster's name
sort already works this way (pages.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Date,
    Integer,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    text,
    union,
    union_all,
)

from ...extensions import db
from ...models import (
    Certificate,
    CohortCourse,
    Course,
    Enrolment,
    RosterStanding,
    User,
)
from ...models.types import UTCDateTime
from .. import keyset
from .figures import Figures
from .rows import EXPIRING_WITHIN, STATUSES
from .scope import visible_trainee_ids

# The roster's columns sorted here (the others, pages.SQL_SORTS, are the trainees' own).
COMPUTED_SORTS = (
    "course", "status", "percent", "last_activity", "quiz_scores", "certificate", "cohorts",
)  # fmt: skip


# A status as the key sorts it: its place in rows.STATUSES.
STATUS_PLACES = {status: n for n, status in enumerate(STATUSES)}


def lines(trainees, cohort_id):
    """A CTE of the roster's rows of these trainees (a select of their ids, filtered by cohort):
    (trainee_id, course_id), course_id NULL on a trainee's one row with no course. A trainee's
    rows depend on nobody else's."""
    visible = trainees.cte("visible")
    taught = (
        select(Enrolment.user_id.label("trainee_id"), CohortCourse.course_id.label("course_id"))
        .join(CohortCourse, CohortCourse.cohort_id == Enrolment.cohort_id)
        .where(Enrolment.user_id.in_(trainees))
    )
    if cohort_id is not None:  # one cohort teaches a course once: no duplicates
        taught = taught.where(Enrolment.cohort_id == cohort_id).cte("taught")
        courseless = select(visible.c.id, cast(null(), Integer)).where(
            visible.c.id.not_in(select(taught.c.trainee_id))
        )
        return union_all(select(taught), courseless).cte("line")
    taught = taught.distinct().cte("taught")  # two cohorts may teach one course
    # Trainees whose cohorts teach no course: the courses they are engaged in, or none.
    with_course = select(Enrolment.user_id).join(
        CohortCourse, CohortCourse.cohort_id == Enrolment.cohort_id
    )
    untaught = select(visible.c.id).where(visible.c.id.not_in(with_course)).cte("untaught")
    progress = select(RosterStanding.user_id, RosterStanding.course_id).where(
        RosterStanding.user_id.in_(select(untaught.c.id)), RosterStanding.modules_started > 0
    )
    certified = select(Certificate.user_id, Certificate.course_id).where(
        Certificate.user_id.in_(select(untaught.c.id)), Certificate.superseded_at.is_(None)
    )
    engaged = union(progress, certified).cte("engaged")
    courseless = select(untaught.c.id, cast(null(), Integer)).where(
        untaught.c.id.not_in(select(engaged.c.user_id))
    )
    return union_all(select(taught), select(engaged), courseless).cte("line")


def without_jit():
    """On PostgreSQL, no JIT compiling for the rest of this transaction. The planner estimates
    the row layout's CTEs at many more rows than they hold, so their cost passes jit_above_cost,
    and compiling the Cohorts sort took 1.8 s for a query that runs in a tenth of that."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))


def keyed(viewer, cohort_id, sort, today, status=None):
    """A subquery of the roster's rows (only those in `status`, when given) with the keys to
    sort them by `sort` (one of COMPUTED_SORTS, or None for none). Its columns: trainee_id,
    course_id, course_ref (the course id, 0 for none: with trainee_id it names a row), then
    blank, sort_key, name_key and course_key."""
    trainees = visible_trainee_ids(viewer, cohort_id)
    if status in _CERTIFICATE_STATES:  # only a current certificate in that state gives one
        trainees = trainees.where(User.id.in_(_holders(status, today)))
    line = lines(trainees, cohort_id)
    query = (
        select(
            line.c.trainee_id,
            line.c.course_id,
            func.coalesce(line.c.course_id, 0).label("course_ref"),
        )
        .join(User, User.id == line.c.trainee_id)
        .outerjoin(Course, Course.id == line.c.course_id)
    )
    figures = Figures(line, cohort_id)
    if sort is not None:
        key, blank_when = _KEYS[sort](figures, today)
        blank = literal_column("0")
        if blank_when is not None:
            blank = case((blank_when, 1), else_=0)
            if sort in _BLANK:  # NULL when blank: any value of its type will do
                key = func.coalesce(key, _BLANK[sort])
        query = query.add_columns(
            blank.label("blank"),
            key.label("sort_key"),
            func.lower(User.name).label("name_key"),
            func.lower(func.coalesce(Course.title, "")).label("course_key"),
        )
    if status is not None:
        query = query.where(_status(figures, today) == STATUS_PLACES[status])
    return figures.joined(query).subquery("keyed")


def _holders(status, today):
    """A select of the ids of the trainees with a current certificate in this state."""
    valid = Certificate.revoked_at.is_(None)
    states = {
        "revoked": [Certificate.revoked_at.is_not(None)],
        "expired": [valid, Certificate.expires_on <= today],
        "expiring": [
            valid, Certificate.expires_on > today,
            Certificate.expires_on <= today + EXPIRING_WITHIN,
        ],
        "certified": [valid, Certificate.expires_on > today + EXPIRING_WITHIN],
    }  # fmt: skip
    return select(Certificate.user_id).where(Certificate.superseded_at.is_(None), *states[status])


_CERTIFICATE_STATES = ("revoked", "expired", "expiring", "certified")


def order_of(keyed_rows, descending):
    """The keyset.Order of a `keyed` subquery: blanks last, the key either way, then name,
    course and trainee ascending (the course id last, for two courses of one title)."""
    c = keyed_rows.c
    return keyset.Order(
        (
            (c.blank, False),
            (c.sort_key, descending),
            (c.name_key, False),
            (c.course_key, False),
            (c.trainee_id, False),
            (c.course_ref, False),
        )  # fmt: skip
    )


def _round_half_even(numerator, denominator):
    """round(numerator / denominator) as Python rounds (half to even), in integer arithmetic,
    for a non-negative numerator and a positive denominator."""
    whole, twice_rest = numerator // denominator, 2 * (numerator % denominator)
    return whole + case(
        (twice_rest > denominator, 1), (twice_rest == denominator, whole % 2), else_=0
    )


def _status(f, today):
    """rows._status in SQL, as the status's place in rows.STATUSES."""
    certificate, total, place = f.certificate, f.modules.total, STATUS_PLACES
    return case(
        (certificate.revoked_at.is_not(None), place["revoked"]),
        (certificate.expires_on <= today, place["expired"]),
        (certificate.expires_on <= today + EXPIRING_WITHIN, place["expiring"]),
        (certificate.expires_on.is_not(None), place["certified"]),
        (and_(total > 0, f.standing.modules_passed >= total), place["waiting"]),
        (
            or_(f.standing.modules_started > 0, f.ethics.signed.is_not(None)),
            place["in_progress"],
        ),
        else_=place["not_started"],
    )


# Each key: (figures, today) -> (the key, the condition under which the row has none or None
# when it always has one). rows.SORT_KEYS holds the same, in Python.


def _percent(f, today):
    total, passed = f.modules.total, func.coalesce(f.standing.modules_passed, 0)
    return case((total > 0, _round_half_even(100 * passed, total)), else_=0), None


def _last_activity(f, today):
    progress, attempt = f.standing.last_progress_at, f.standing.last_attempt_at
    latest = case(
        (progress.is_(None), attempt),
        (attempt.is_(None), progress),
        (attempt > progress, attempt),
        else_=progress,
    )
    return latest, latest.is_(None)


def _quiz_scores(f, today):
    scores = func.coalesce(f.standing.scores, 0)
    average = case((scores > 0, _round_half_even(f.standing.score_sum, scores)), else_=0)
    return average, scores == 0


def _certificate(f, today):
    expires = f.certificate.expires_on
    return expires, expires.is_(None)


def _course(f, today):
    title = func.coalesce(Course.title, "")
    return func.lower(title), title == ""


def _cohorts(f, today):
    # Most rows' course is taught by one of the trainee's cohorts: its name, from a join. The
    # others' names come from a subquery each (PostgreSQL, 20,000 trainees in one cohort: the
    # Cohorts sort's statement 136 -> 74 ms of server CPU). Blank is "in no cohort", as every
    # cohort has a name.
    teaching, name = f.teaching
    names = case((teaching == 1, name), else_=f.cohort_names())
    return func.lower(func.coalesce(names, "")), and_(teaching.is_(None), f.no_cohort())


_KEYS = {
    "course": _course,
    "status": lambda f, today: (_status(f, today), None),
    "percent": _percent,
    "last_activity": _last_activity,
    "quiz_scores": _quiz_scores,
    "certificate": _certificate,
    "cohorts": _cohorts,
}
# What a blank row's key holds in place of NULL, where it would be NULL: anything of the key's
# type (the blank flag sorts blanks last).
_BLANK = {
    "last_activity": literal(datetime(1, 1, 1, tzinfo=UTC), UTCDateTime),
    "certificate": literal(date(1, 1, 1), Date),
}
