"""A person's own data: everything the app holds about them, as one export. Also looks up the
account by id (NotFound when there is none), which erasure shares.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...models import (
    Attendance,
    AuditEvent,
    CEEntry,
    CEEvidence,
    Certificate,
    Course,
    Credential,
    Enrolment,
    EthicsSignature,
    Module,
    ModuleProgress,
    ModuleVersion,
    PracticeSession,
    Question,
    QuizAttempt,
    SignInThrottle,
    SupervisorAssignment,
    Transcript,
    User,
)
from ...models.types import utcnow
from ..certification.certification import certificate_status
from ..learning.attempts import reveals_answers


class NotFound(LookupError):
    """No account has this id."""


def _when(value):
    """ISO 8601 for a date or a UTC timestamp; None stays None."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _text(html):
    return Markup(html or "").striptags()


def account(user_id):
    """The account with this id, erased or not. Raises NotFound when there is none."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(str(user_id))
    return user


def export_for(user_id, now=None):
    """Everything held about this person, as a JSON-serialisable dict with ISO 8601 dates."""
    user = account(user_id)
    return {
        "exported_at": _when(now or utcnow()),
        "account": {
            "id": user.id,
            "name": user.name,
            "email": user.email,
            "roles": sorted(user.role_names),
            "created_at": _when(user.created_at),
            "erased_at": _when(user.erased_at),
        },
        "progress": _progress(user_id),
        "quiz_attempts": _attempts(user_id),
        "ethics_signatures": _signatures(user_id),
        "practice_sessions": _practice(user_id),
        "continuing_education": _continuing_education(user_id),
        "live_session_attendance": _attendance(user_id),
        "certificates": _certificates(user_id),
        "credentials": _credentials(user_id),
        "transcripts": _transcripts(user_id),
        "cohorts": _cohorts(user_id),
        "supervisors": _supervisors(user_id),
        "sign_in_failures": _throttle(user.email),
        "audit_events": _audit_events(user_id),
    }


def _progress(user_id):
    rows = db.session.scalars(
        select(ModuleProgress)
        .options(joinedload(ModuleProgress.module).joinedload(Module.course))
        .where(ModuleProgress.user_id == user_id)
        .order_by(ModuleProgress.started_at, ModuleProgress.id)
    )
    return [
        {
            "course": row.module.course.slug,
            "module": row.module.slug,
            "started_at": _when(row.started_at),
            "read_at": _when(row.read_at),
            "passed_at": _when(row.passed_at),
            "best_score": row.best_score,
            "last_activity_at": _when(row.last_activity_at),
        }
        for row in rows
    ]


def _attempts(user_id):
    attempts = db.session.scalars(
        select(QuizAttempt)
        .options(
            joinedload(QuizAttempt.module_version)
            .joinedload(ModuleVersion.module)
            .joinedload(Module.course),
            joinedload(QuizAttempt.module_version)
            .selectinload(ModuleVersion.questions)
            .selectinload(Question.choices),
        )
        .where(QuizAttempt.user_id == user_id)
        .order_by(QuizAttempt.started_at, QuizAttempt.id)
    ).unique()
    passed = set(
        db.session.scalars(
            select(ModuleProgress.module_id).where(
                ModuleProgress.user_id == user_id, ModuleProgress.passed_at.is_not(None)
            )
        )
    )
    return [_attempt(attempt, passed) for attempt in attempts]


def _attempt(attempt, passed_modules):
    version = attempt.module_version
    chosen = {int(key): set(value) for key, value in (attempt.answers or {}).items()}
    # `review: after_pass` keeps which answers were right hidden until the quiz is passed; the
    # export must not reveal it either (null until then).
    revealed = reveals_answers(version.review, version.module_id in passed_modules)
    answers = [
        {
            "question": question.position,
            "question_text": _text(question.stem_html),
            "chosen": [_text(c.text_html) for c in question.choices if c.id in chosen[question.id]],
            "correct": {c.id for c in question.choices if c.is_correct} == chosen[question.id]
            if revealed
            else None,
        }
        for question in version.questions
        if question.id in chosen
    ]
    return {
        "course": version.module.course.slug,
        "module": version.module.slug,
        "module_version": version.number,
        "module_title": version.title,
        "started_at": _when(attempt.started_at),
        "submitted_at": _when(attempt.submitted_at),
        "score": attempt.score,
        "passed": attempt.passed,
        "answers": answers,
    }


def _signatures(user_id):
    rows = db.session.execute(
        select(EthicsSignature, Course.slug)
        .join(Course, Course.id == EthicsSignature.course_id)
        .where(EthicsSignature.user_id == user_id)
        .order_by(EthicsSignature.signed_at, EthicsSignature.id)
    )
    return [
        {
            "course": course,
            "typed_name": signature.typed_name,
            "text_version": signature.text_hash,
            "signed_at": _when(signature.signed_at),
        }
        for signature, course in rows
    ]


def _practice(user_id):
    rows = list(
        db.session.scalars(
            select(PracticeSession)
            .where(PracticeSession.user_id == user_id)
            .order_by(PracticeSession.session_date, PracticeSession.id)
        )
    )
    reviewers = _names(row.reviewed_by_id for row in rows)
    return [
        {
            "date": _when(row.session_date),
            "kind": row.kind,
            "hours": row.minutes / 60,
            "activity": row.activity,
            "notes": row.notes,
            "status": row.status,
            "logged_at": _when(row.logged_at),
            "reviewed_by": reviewers.get(row.reviewed_by_id),
            "reviewed_at": _when(row.reviewed_at),
            "review_comment": row.review_comment,
        }
        for row in rows
    ]


def _continuing_education(user_id):
    """CE entries with their evidence file described (name, type, size, SHA-256), not its bytes:
    the person can download each file from their ledger."""
    rows = list(
        db.session.execute(
            select(
                CEEntry,
                CEEvidence.file_name,
                CEEvidence.content_type,
                CEEvidence.size,
                CEEvidence.sha256,
            )  # fmt: skip
            .outerjoin(CEEvidence, CEEvidence.id == CEEntry.evidence_id)
            .where(CEEntry.user_id == user_id)
            .order_by(CEEntry.completed_on, CEEntry.id)
        )
    )
    reviewers = _names(row[0].reviewed_by_id for row in rows)
    return [
        {
            "source": entry.source,
            "title": entry.title,
            "provider": entry.provider,
            "completed_on": _when(entry.completed_on),
            "hours": entry.minutes / 60,
            "category": entry.category,
            "status": entry.status,
            "logged_at": _when(entry.logged_at),
            "reviewed_by": reviewers.get(entry.reviewed_by_id),
            "reviewed_at": _when(entry.reviewed_at),
            "review_comment": entry.review_comment,
            "evidence": None
            if name is None
            else {"file_name": name, "content_type": kind, "size": size, "sha256": sha256},
        }
        for entry, name, kind, size, sha256 in rows
    ]


def _attendance(user_id):
    rows = db.session.scalars(
        select(Attendance)
        .options(joinedload(Attendance.meeting))
        .where(Attendance.user_id == user_id)
        .order_by(Attendance.recorded_at, Attendance.id)
    )
    return [
        {
            "session": row.meeting.version.title,
            "starts_at": _when(row.meeting.starts_at),
            "status": row.status,
            "minutes": row.minutes,
            "skills": [row.meeting.version.skills[i] for i in row.skills or ()],
            "note": row.note,
            "recorded_at": _when(row.recorded_at),
        }
        for row in rows
    ]


def _certificates(user_id, today=None):
    rows = db.session.scalars(
        select(Certificate)
        .options(joinedload(Certificate.course))
        .where(Certificate.user_id == user_id)
        .order_by(Certificate.issued_at, Certificate.id)
    )
    return [
        {
            "code": row.code,
            "title": row.title,
            "course": row.course.slug,
            "course_version": row.course_version,
            "issued_on": _when(row.issued_on),
            "expires_on": _when(row.expires_on),
            "status": certificate_status(row, today),
            "revoked_at": _when(row.revoked_at),
            "revoked_reason": row.revoked_reason,
        }
        for row in rows
    ]


def _credentials(user_id):
    """Where each signed credential is and where its revocation bit lives, read from the
    document as signed; not the document itself, which the holder downloads by its code."""
    rows = db.session.execute(
        select(Certificate.code, Credential.issued_at, Credential.document)
        .join(Credential, Credential.certificate_id == Certificate.id)
        .where(Certificate.user_id == user_id)
        .order_by(Credential.issued_at, Credential.id)
    )
    listed = []
    for code, issued_at, document in rows:
        signed = json.loads(document)
        entry = signed.get("credentialStatus") or {}
        listed.append(
            {
                "certificate_code": code,
                "issued_at": _when(issued_at),
                "id": signed.get("id"),
                "status_list": entry.get("statusListCredential"),
                "status_index": entry.get("statusListIndex"),
            }
        )
    return listed


def _transcripts(user_id):
    rows = db.session.scalars(
        select(Transcript)
        .where(Transcript.user_id == user_id)
        .order_by(Transcript.issued_at, Transcript.id)
    )
    return [
        {"code": row.code, "issued_at": _when(row.issued_at), "snapshot": row.snapshot}
        for row in rows
    ]


def _cohorts(user_id):
    rows = db.session.scalars(
        select(Enrolment)
        .options(joinedload(Enrolment.cohort))
        .where(Enrolment.user_id == user_id)
        .order_by(Enrolment.enrolled_at, Enrolment.id)
    )
    return [
        {
            "cohort": row.cohort.name,
            "starts_on": _when(row.cohort.starts_on),
            "ends_on": _when(row.cohort.ends_on),
            "enrolled_at": _when(row.enrolled_at),
        }
        for row in rows
    ]


def _supervisors(user_id):
    rows = list(
        db.session.scalars(
            select(SupervisorAssignment)
            .where(SupervisorAssignment.trainee_id == user_id)
            .order_by(SupervisorAssignment.assigned_at, SupervisorAssignment.id)
        )
    )
    names = _names(row.supervisor_id for row in rows)
    return [
        {
            "supervisor": names.get(row.supervisor_id),
            "assigned_at": _when(row.assigned_at),
            "ended_at": _when(row.ended_at),
        }
        for row in rows
    ]


def _throttle(email):
    throttle = db.session.get(SignInThrottle, email)
    if throttle is None:
        return None
    return {
        "failures": throttle.failures,
        "last_failure_at": _when(throttle.last_failure_at),
        "paused_until": _when(throttle.locked_until),
    }


def _audit_events(user_id):
    rows = list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_id == user_id)
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        )
    )
    names = _names(row.actor_id for row in rows if row.actor_id)
    return [
        {
            "occurred_at": _when(row.occurred_at),
            "action": row.action,
            "summary": row.summary,
            "details": row.details,
            "by": names.get(row.actor_id) if row.actor_id else "a command-line task",
        }
        for row in rows
    ]


def _names(user_ids):
    ids = {user_id for user_id in user_ids if user_id is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
