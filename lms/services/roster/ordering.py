"""The roster's rows and their computed columns in SQL, so that a page sorted by a computed column
(or filtered by status) is one ORDER BY ... LIMIT and only that page's rows are built in Python.

`lines` lays out the rows as rows.py's roster_rows does: one per trainee and course (the courses
of their cohorts; with no such course and no cohort filter, the courses they have progress or a
certificate in; else one row with no course). `keyed` adds, for each row, the key one column
sorts by and, when asked, the status: the same figures rows.py computes, rule for rule (its
_status precedence, Python's round half to even for percent and quiz average), with blanks last
in either direction and ties by name, course and trainee, as rows.sort_rows orders them. The
progress and attempt figures come from roster_standing (models/standing.py), one row per trainee
and course that the database keeps on every write, so a sort reads one row per row of the
roster rather than every progress row and attempt; rows.py computes them from those tables
themselves, which is what tests/unit/test_roster_order.py compares against.

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
from sqlalchemy.orm import aliased

from ...extensions import db
from ...models import (
    Certificate,
    Cohort,
    CohortCourse,
    Course,
    Enrolment,
    EthicsSignature,
    Module,
    RosterStanding,
    User,
)
from ...models.types import UTCDateTime
from .. import keyset
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
    figures = _Figures(line, cohort_id)
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


class _Figures:
    """The figures the keys need, each joined to the rows once, and only when a key asks for it:
    the tables that hold one row per trainee and course (roster_standing, kept by the database,
    and the current certificate) by their key, and two small aggregates (the course's current
    modules, the ethics signatures). None is narrowed to the visible trainees first: the rows
    are, and narrowing each table again cost a hash of every trainee each (PostgreSQL, 20,000
    trainees: the status sort's statement 90 -> 65 ms of server CPU without it)."""

    def __init__(self, line, cohort_id):
        self.line, self.cohort_id = line, cohort_id
        self._joins = {}  # name: (table or subquery, join condition)

    def joined(self, query):
        for aggregate, on in self._joins.values():
            query = query.outerjoin(aggregate, on)
        return query

    def _join(self, name, build, by_trainee=True):
        """The columns of the aggregate `build()` makes, joined by course (and trainee)."""
        if name not in self._joins:
            aggregate = build()
            on = aggregate.c.course_id == self.line.c.course_id
            if by_trainee:
                on = and_(aggregate.c.trainee_id == self.line.c.trainee_id, on)
            self._joins[name] = aggregate, on
        return self._joins[name][0].c

    def _join_table(self, name, table, *conditions):
        """The columns of `table`, joined by trainee and course (and `conditions`): for tables
        that hold one row per trainee and course (under those conditions) already."""
        if name not in self._joins:
            row = table.alias(name)
            on = and_(
                row.c.user_id == self.line.c.trainee_id,
                row.c.course_id == self.line.c.course_id,
                *(condition(row.c) for condition in conditions),
            )
            self._joins[name] = row, on
        return self._joins[name][0].c

    @property
    def standing(self):
        """The trainee's RosterStanding in the course (models/standing.py): modules_started,
        modules_passed, score_sum, scores and last_progress_at over the course's current
        modules, last_attempt_at over all of them; NULL where the trainee has none."""
        return self._join_table("standing", RosterStanding.__table__)

    @property
    def modules(self):
        """total: the course's current modules."""
        return self._join(
            "modules",
            lambda: (
                select(Module.course_id.label("course_id"), func.count().label("total"))
                .where(Module.retired_at.is_(None))
                .group_by(Module.course_id)
                .subquery("modules")
            ),
            by_trainee=False,
        )

    @property
    def certificate(self):
        """expires_on, revoked_at: the current certificate (one at most, by a unique index)."""
        return self._join_table(
            "current_certificate", Certificate.__table__, lambda c: c.superseded_at.is_(None)
        )

    @property
    def ethics(self):
        """signed: 1 when the trainee signed the course's code of ethics, any text."""
        return self._join(
            "ethics",
            lambda: (
                select(
                    EthicsSignature.user_id.label("trainee_id"),
                    EthicsSignature.course_id.label("course_id"),
                    literal_column("1").label("signed"),
                )
                .distinct()
                .subquery("ethics")
            ),
        )

    @property
    def teaching(self):
        """cohorts: how many of the trainee's cohorts teach the row's course (only the filtered
        cohort, when filtered; NULL for none), and name: the name of one of them."""
        if "teaching" not in self._joins:
            counted = (
                select(
                    Enrolment.user_id.label("trainee_id"),
                    CohortCourse.course_id,
                    func.count().label("cohorts"),
                    func.min(Enrolment.cohort_id).label("cohort_id"),
                )
                .join(CohortCourse, CohortCourse.cohort_id == Enrolment.cohort_id)
                .group_by(Enrolment.user_id, CohortCourse.course_id)
            )
            if self.cohort_id is not None:
                counted = counted.where(Enrolment.cohort_id == self.cohort_id)
            counted = counted.subquery("teaching")
            one = Cohort.__table__.alias("teaching_cohort")
            self._joins["teaching"] = (
                counted,
                and_(
                    counted.c.trainee_id == self.line.c.trainee_id,
                    counted.c.course_id == self.line.c.course_id,
                ),
            )
            self._joins["teaching_cohort"] = one, one.c.id == counted.c.cohort_id
        return self._joins["teaching"][0].c.cohorts, self._joins["teaching_cohort"][0].c.name

    def cohort_names(self):
        """The row's cohorts' names by name, joined by ", " (rows.py's cohort_names): the
        trainee's cohorts that teach the row's course, or all of them when none does (only the
        filtered cohort, when filtered). A subquery for each row (that `teaching` does not
        name), not a join: its plan cannot turn into a scan for each row, whatever the
        database's statistics say."""
        line = self.line
        teaching = aliased(Enrolment)
        mine = [Enrolment.user_id == line.c.trainee_id]
        theirs = [teaching.user_id == line.c.trainee_id]
        if self.cohort_id is not None:
            mine.append(Enrolment.cohort_id == self.cohort_id)
            theirs.append(teaching.cohort_id == self.cohort_id)
        teaches = (
            select(CohortCourse.cohort_id)
            .where(
                CohortCourse.cohort_id == Enrolment.cohort_id,
                CohortCourse.course_id == line.c.course_id,
            )
            .correlate(Enrolment, line)
        )
        any_teaches = (
            select(CohortCourse.cohort_id)
            .join(teaching, teaching.cohort_id == CohortCourse.cohort_id)
            .where(*theirs, CohortCourse.course_id == line.c.course_id)
            .correlate(line)
        )
        # An ordered window, not an ordered aggregate: SQLite has the latter only from 3.44.
        names = func.aggregate_strings(Cohort.name, ", ").over(
            order_by=(func.lower(Cohort.name), Cohort.id), rows=(None, None)
        )
        return (
            select(names)
            .select_from(Enrolment)
            .join(Cohort, Cohort.id == Enrolment.cohort_id)
            .where(*mine, or_(teaches.exists(), ~any_teaches.exists()))
            .limit(1)
            .scalar_subquery()
        )

    def no_cohort(self):
        """True when the trainee is in no cohort (none but the filtered one, when filtered)."""
        mine = [Enrolment.user_id == self.line.c.trainee_id]
        if self.cohort_id is not None:
            mine.append(Enrolment.cohort_id == self.cohort_id)
        return ~select(Enrolment.id).where(*mine).exists()


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
# when it always has one). rows._SORT_KEYS holds the same, in Python.


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
