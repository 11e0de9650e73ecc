"""One trainee's whole record, for their supervisor and staff: each course's standing, every quiz
attempt with the answers given, supervised practice, ethics signatures, certificates (with the
private revocation reason) and who supervised them when.

supervision.can_view_trainee decides who may see it; anyone else gets LookupError, exactly as for
a trainee that does not exist, so that the page never confirms who is a trainee here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import (
    AuditEvent,
    Course,
    EthicsSignature,
    Module,
    ModuleProgress,
    ModuleVersion,
    PracticeSession,
    Question,
    QuizAttempt,
    SupervisorAssignment,
    User,
)
from ..certification import certificate_lookup, certification
from ..learning import attempts as quiz_attempts
from ..learning import training
from ..logbook import practice
from ..people import supervision
from .rows import roster_rows

CERTIFICATE_ACTIONS = (
    "certificate.issued", "certificate.renewed", "certificate.revoked", "certificate.reinstated",
)  # fmt: skip


@dataclass(frozen=True)
class Answer:
    stem_html: str
    chosen_html: tuple  # the text of each choice picked, in the question's order
    right: bool


@dataclass(frozen=True)
class AttemptRecord:
    submitted_at: datetime
    version_number: int
    score: int
    passed: bool
    answers: list  # [Answer] in question order


@dataclass(frozen=True)
class ModuleRecord:
    position: int
    title: str
    retired: bool
    state: str  # "passed", "in_progress" or "not_started"
    best_score: int | None
    attempts: list  # [AttemptRecord], oldest first
    course_slug: str = ""  # with `slug`, the module page its questions' links are relative to
    slug: str = ""


@dataclass(frozen=True)
class CourseRecord:
    row: object  # the trainee's RosterRow for this course
    modules: list  # [ModuleRecord] in course order
    training: list = ()  # [training.DomainProgress]: hours by domain, then the total


@dataclass(frozen=True)
class SessionRecord:
    session_date: date
    kind: str  # "work" or "supervision"
    hours: str
    activity: str
    status: str  # "pending", "approved" or "rejected"
    comment: str | None


@dataclass(frozen=True)
class SignatureRecord:
    signed_at: datetime
    course: str
    version: str  # the first 8 characters of the hash of the text signed
    current: bool


@dataclass(frozen=True)
class CertificateRecord:
    code: str
    title: str
    issued_on: date
    expires_on: date
    status: str  # "valid", "expired" or "revoked"
    revoked_at: datetime | None
    revoked_reason: str | None  # never shown publicly


@dataclass(frozen=True)
class SupervisorPeriod:
    supervisor: str
    assigned_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class TraineeRecord:
    trainee_id: int
    name: str
    email: str
    courses: list  # [CourseRecord]
    sessions: list  # [SessionRecord], newest first
    approved_hours: str
    approved_by_kind: dict  # kind -> approved hours as text
    pending_hours: str
    signatures: list  # [SignatureRecord], newest first
    certificates: list  # [CertificateRecord], newest first
    certificate_events: list  # [AuditEvent] about the certificates, oldest first
    supervisors: list  # [SupervisorPeriod], newest first


def trainee_record(viewer, trainee_id, today=None):
    """Everything for the trainee's page. Raises LookupError when there is no such trainee or the
    viewer may not see them."""
    trainee = db.session.get(User, trainee_id)
    if (
        trainee is None
        or not trainee.has_role("trainee")
        or not supervision.can_view_trainee(viewer, trainee_id)
    ):
        raise LookupError(trainee_id)
    rows = roster_rows(select(User.id).where(User.id == trainee_id), today=today)
    sessions = list(
        db.session.scalars(
            select(PracticeSession)
            .where(PracticeSession.user_id == trainee_id)
            .order_by(PracticeSession.session_date.desc(), PracticeSession.id.desc())
        )
    )
    return TraineeRecord(
        trainee_id=trainee.id,
        name=trainee.name,
        email=trainee.email,
        courses=_courses(trainee_id, rows),
        sessions=[
            SessionRecord(
                s.session_date,
                s.kind,
                practice.hours_text(s.minutes),
                s.activity,
                s.status,
                s.review_comment,
            )
            for s in sessions
        ],
        approved_hours=practice.hours_text(
            sum(s.minutes for s in sessions if s.status == "approved")
        ),
        approved_by_kind={
            kind: practice.hours_text(
                sum(s.minutes for s in sessions if s.status == "approved" and s.kind == kind)
            )
            for kind in practice.KIND_NAMES
        },
        pending_hours=practice.hours_text(
            sum(s.minutes for s in sessions if s.status == "pending")
        ),
        signatures=_signatures(trainee_id),
        certificates=_certificates(trainee_id, today),
        certificate_events=list(
            db.session.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.subject_id == trainee_id, AuditEvent.action.in_(CERTIFICATE_ACTIONS)
                )
                .order_by(AuditEvent.occurred_at, AuditEvent.id)
            )
        ),
        supervisors=[
            SupervisorPeriod(name, assignment.assigned_at, assignment.ended_at)
            for assignment, name in db.session.execute(
                select(SupervisorAssignment, User.name)
                .join(User, User.id == SupervisorAssignment.supervisor_id)
                .where(SupervisorAssignment.trainee_id == trainee_id)
                .order_by(SupervisorAssignment.assigned_at.desc(), SupervisorAssignment.id.desc())
            )
        ],
    )


def _courses(trainee_id, rows):
    """Each course's modules with the trainee's state and every submitted attempt."""
    course_ids = [row.course_id for row in rows if row.course_id is not None]
    modules = db.session.execute(
        select(
            Module.course_id,
            Module.id,
            Module.position,
            Module.retired_at,
            ModuleVersion.title,
            Module.slug,
            Course.slug,
        )
        .join(Course, Course.id == Module.course_id)
        .join(
            ModuleVersion,
            and_(
                ModuleVersion.module_id == Module.id,
                ModuleVersion.number == Module.current_version_number,
            ),
        )
        .where(Module.course_id.in_(course_ids))
        .order_by(Module.position, Module.id)
    ).all()
    progress = {
        row.module_id: row
        for row in db.session.scalars(
            select(ModuleProgress).where(ModuleProgress.user_id == trainee_id)
        )
    }
    attempts = {}
    for attempt, record in _attempts(trainee_id):
        attempts.setdefault(attempt.module_id, []).append(record)
    by_course = {course_id: [] for course_id in course_ids}
    for course_id, module_id, position, retired_at, title, slug, course_slug in modules:
        row = progress.get(module_id)
        if retired_at is not None and row is None and module_id not in attempts:
            continue  # a retired module the trainee never opened is no part of their story
        state = "not_started" if row is None else "passed" if row.passed_at else "in_progress"
        by_course[course_id].append(
            ModuleRecord(
                position,
                title,
                retired_at is not None,
                state,
                row.best_score if row else None,
                attempts.get(module_id, []),
                course_slug,
                slug,
            )  # fmt: skip
        )
    courses = db.session.scalars(select(Course).where(Course.id.in_(course_ids))).all()
    hours = training.progress_for(trainee_id, courses) if courses else {}
    return [
        CourseRecord(row, by_course.get(row.course_id, []), hours.get(row.course_id, ()))
        for row in rows
    ]


def _attempts(trainee_id):
    """(attempt, AttemptRecord) for every submitted attempt, oldest first, with the questions
    and choices each one showed (those it drew, when its quiz draws from a pool)."""
    attempts = db.session.execute(
        select(QuizAttempt, ModuleVersion.number)
        .join(ModuleVersion, ModuleVersion.id == QuizAttempt.module_version_id)
        .where(QuizAttempt.user_id == trainee_id, QuizAttempt.submitted_at.is_not(None))
        .order_by(QuizAttempt.submitted_at, QuizAttempt.id)
    ).all()
    questions = {}
    version_ids = {attempt.module_version_id for attempt, _ in attempts}
    for question in db.session.scalars(
        select(Question)
        .where(Question.module_version_id.in_(version_ids))
        .order_by(Question.position)
        .options(selectinload(Question.choices))
    ):
        questions.setdefault(question.module_version_id, []).append(question)
    for attempt, number in attempts:
        answers = []
        shown = quiz_attempts.shown_questions(attempt, questions.get(attempt.module_version_id, []))
        for question in shown:
            chosen = set((attempt.answers or {}).get(str(question.id), []))
            correct = {choice.id for choice in question.choices if choice.is_correct}
            answers.append(
                Answer(
                    question.stem_html,
                    tuple(c.text_html for c in question.choices if c.id in chosen),
                    chosen == correct,
                )
            )
        record = AttemptRecord(attempt.submitted_at, number, attempt.score, attempt.passed, answers)
        yield attempt, record


def _signatures(trainee_id):
    return [
        SignatureRecord(signature.signed_at, title, signature.text_hash[:8], bool(current))
        for signature, title, current in db.session.execute(
            select(EthicsSignature, Course.title, EthicsSignature.text_hash == Course.ethics_hash)
            .join(Course, Course.id == EthicsSignature.course_id)
            .where(EthicsSignature.user_id == trainee_id)
            .order_by(EthicsSignature.signed_at.desc(), EthicsSignature.id.desc())
        )
    ]


def _certificates(trainee_id, today):
    return [
        CertificateRecord(
            c.code,
            c.title,
            c.issued_on,
            c.expires_on,
            certification.certificate_status(c, today),
            c.revoked_at,
            c.revoked_reason,
        )  # fmt: skip
        for c in certificate_lookup.certificates_for_user(trainee_id)
    ]
