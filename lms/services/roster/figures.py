"""The figures the roster's sort keys and status are computed from in SQL (ordering.py), joined to
the roster's rows (ordering.lines) as the keys ask for them."""

from __future__ import annotations

from sqlalchemy import and_, func, literal_column, or_, select
from sqlalchemy.orm import aliased

from ...models import (
    Certificate,
    Cohort,
    CohortCourse,
    Enrolment,
    EthicsSignature,
    Module,
    RosterStanding,
)


class Figures:
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
