"""What the roster's rows are built from, for the trainees in a select: eight aggregate queries
(GROUP BY trainee and course) however many trainees there are; rows.py turns them into rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from ...models import (
    Certificate,
    Cohort,
    CohortCourse,
    Course,
    Enrolment,
    EthicsSignature,
    Module,
    ModuleProgress,
    QuizAttempt,
    SupervisorAssignment,
    User,
)
from ..certification import certification
from ..learning import live_requirements, training
from ..plain_rows import plain_rows


class _Course(NamedTuple):
    title: str
    ethics_hash: str | None
    supervised_hours: int
    work_hours: int
    supervision_hours: int
    domains: list
    training_hours: dict  # {"total" or domain: hours}, {} when none are required
    required_sessions: list  # live-session slugs to attend
    required_checklists: list  # live-session slugs whose skills checklist must be complete
    modules: int  # current (not retired) ones


class _Certificate(NamedTuple):
    code: str
    expires_on: date
    revoked_at: datetime | None


# Plain tuples rather than result rows: reading a tuple is several times faster, and at 20,000
# trainees building the rows costs as much as the queries.
@dataclass(frozen=True)
class RosterFacts:
    trainees: list  # (id, name, email, supervisor name or None)
    enrolments: dict  # trainee id -> [(cohort id, cohort name, course id or None)]
    courses: dict  # course id -> _Course
    progress: dict  # (trainee id, course id) -> (modules passed, last activity, average best score)
    attempts: dict  # (trainee id, course id) -> (submitted attempts, last submitted)
    certificates: dict  # (trainee id, course id) -> _Certificate
    ethics: dict  # (trainee id, course id) -> 1 when the current text is signed, 0 an older one
    minutes: dict  # trainee id -> {kind: approved practice minutes}
    trained: dict  # (trainee id, course id) -> {domain: minutes} of passed modules
    sessions: dict  # (trainee id, course id) -> {slug: live_requirements.SessionStanding}


def roster_facts(trainee_ids):
    """Everything the rows need, by (trainee id, course id) or trainee id: one query each."""
    supervisor = aliased(User)
    current = and_(
        SupervisorAssignment.trainee_id == User.id, SupervisorAssignment.ended_at.is_(None)
    )
    trainees = _tuples(
        select(User.id, User.name, User.email, supervisor.name)
        .outerjoin(SupervisorAssignment, current)
        .outerjoin(supervisor, supervisor.id == SupervisorAssignment.supervisor_id)
        .where(User.id.in_(trainee_ids))
    )
    enrolments = {}
    for user_id, *cohort in _tuples(
        select(Enrolment.user_id, Cohort.id, Cohort.name, CohortCourse.course_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .outerjoin(CohortCourse, CohortCourse.cohort_id == Cohort.id)
        .where(Enrolment.user_id.in_(trainee_ids))
    ):
        enrolments.setdefault(user_id, []).append(tuple(cohort))
    courses = {
        course_id: _Course(*rest)
        for course_id, *rest in _tuples(
            select(
                Course.id,
                Course.title,
                Course.ethics_hash,
                Course.supervised_hours,
                Course.work_hours,
                Course.supervision_hours,
                Course.domains,
                Course.training_hours,
                Course.required_sessions,
                Course.required_checklists,
                select(func.count(Module.id))
                .where(Module.course_id == Course.id, Module.retired_at.is_(None))
                .scalar_subquery(),
            )  # fmt: skip
        )
    }
    progress = _by_trainee_and_course(
        select(
            ModuleProgress.user_id,
            Module.course_id,
            func.count(ModuleProgress.passed_at),
            func.max(ModuleProgress.last_activity_at),
            func.avg(ModuleProgress.best_score),
        )  # fmt: skip
        .join(Module, Module.id == ModuleProgress.module_id)
        .where(ModuleProgress.user_id.in_(trainee_ids), Module.retired_at.is_(None))
        .group_by(ModuleProgress.user_id, Module.course_id)
    )
    attempts = _by_trainee_and_course(
        select(
            QuizAttempt.user_id,
            Module.course_id,
            func.count(QuizAttempt.id),
            func.max(QuizAttempt.submitted_at),
        )  # fmt: skip
        .join(Module, Module.id == QuizAttempt.module_id)
        .where(QuizAttempt.user_id.in_(trainee_ids), QuizAttempt.submitted_at.is_not(None))
        .group_by(QuizAttempt.user_id, Module.course_id)
    )
    certificates = {
        key: _Certificate(*rest)
        for key, rest in _by_trainee_and_course(
            select(
                Certificate.user_id,
                Certificate.course_id,
                Certificate.code,
                Certificate.expires_on,
                Certificate.revoked_at,
            ).where(
                Certificate.user_id.in_(trainee_ids), Certificate.superseded_at.is_(None)
            )  # fmt: skip
        ).items()
    }
    signed_current = case((EthicsSignature.text_hash == Course.ethics_hash, 1), else_=0)
    ethics = {
        key: current
        for key, (current,) in _by_trainee_and_course(
            select(EthicsSignature.user_id, EthicsSignature.course_id, func.max(signed_current))
            .join(Course, Course.id == EthicsSignature.course_id)
            .where(EthicsSignature.user_id.in_(trainee_ids))
            .group_by(EthicsSignature.user_id, EthicsSignature.course_id)
        ).items()
    }
    minutes = certification.approved_minutes_by_kind(trainee_ids)
    # Training hours by domain, only when a course requires them (one more query then); the
    # courses whose certificate asks for live sessions.
    training_ids = [course_id for course_id, course in courses.items() if course.training_hours]
    live_ids = [
        cid for cid, course in courses.items() if live_requirements.asks_for_sessions(course)
    ]
    # Both read the attendance that counts: one query for the two when both are asked for.
    attended = None
    if training_ids and live_ids:
        attended = training.attendance(trainee_ids, list(dict.fromkeys(training_ids + live_ids)))
    trained = {}
    if training_ids:
        trained = training.minutes_by_domain_for(trainee_ids, training_ids, attended)
    sessions = live_requirements.standings_for(
        [row[0] for row in trainees], courses, selected=trainee_ids, attended=attended
    )
    return RosterFacts(
        trainees, enrolments, courses, progress, attempts, certificates, ethics, minutes, trained,
        sessions,
    )  # fmt: skip


def _tuples(query):
    """The rows of a select as plain tuples (see plain_rows)."""
    return [tuple(row) for row in plain_rows(query)]


def _by_trainee_and_course(query):
    """{(trainee id, course id): the rest of the row}."""
    return {(row[0], row[1]): row[2:] for row in _tuples(query)}
