"""The training transcript's content: everything a trainee has done that a certification board
counts, as one dated record.

A passed module is listed once, with the title, minutes and domains of the version first passed
(as training.py counts it). A live session is listed when the trainee attended it (present or
partial) and the meeting was not cancelled, with the minutes that count toward the domain totals
(training.attendance_that_counts, training.minutes_attended). Only approved practice hours
count. The whole transcript is read in a fixed number of queries however long the trainee's
history.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from ...extensions import db
from ...models import (
    Attendance,
    CohortCourse,
    Course,
    Enrolment,
    EthicsSignature,
    LiveSession,
    LiveSessionVersion,
    Meeting,
    Module,
    ModuleProgress,
    ModuleVersion,
    PracticeSession,
    QuizAttempt,
    User,
)
from ...models.types import utcnow
from ..certification import certificate_lookup, certification
from ..learning import training
from ..logbook.hours import hours_text
from ..logbook.practice import KIND_NAMES


class NotFound(LookupError):
    """No transcript has this code."""


@dataclass(frozen=True)
class PassedModule:
    course: str
    title: str
    passed_on: date
    minutes: int
    domains: tuple  # (domain slug, minutes), most minutes first

    @property
    def hours(self):
        return hours_text(self.minutes)


@dataclass(frozen=True)
class AttendedSession:
    course: str
    title: str
    held_on: date
    facilitator: str
    minutes: int  # attended
    status: str  # "present" or "partial"
    domains: tuple  # (domain slug, minutes planned), most minutes first
    skills: tuple  # the skills demonstrated, as text

    @property
    def hours(self):
        return hours_text(self.minutes)


@dataclass(frozen=True)
class HoursEntry:
    on: date
    kind: str  # "work" or "supervision"
    minutes: int
    activity: str
    approved_by: str
    approved_on: date | None

    @property
    def hours(self):
        return hours_text(self.minutes)

    @property
    def kind_name(self):
        return KIND_NAMES.get(self.kind, self.kind)


@dataclass(frozen=True)
class Signature:
    course: str
    signed_on: date
    typed_name: str


@dataclass(frozen=True)
class HoursAgainst:
    """Approved practice hours against what one certificate requires."""

    label: str
    minutes: int
    required_hours: int

    @property
    def hours(self):
        return hours_text(self.minutes)

    @property
    def met(self):
        return self.minutes >= self.required_hours * 60


@dataclass(frozen=True)
class CourseStanding:
    title: str
    certificate_title: str
    training: tuple  # [training.DomainProgress]: each domain, then the total
    hours: tuple  # [HoursAgainst] for each kind of practice hours the certificate requires


@dataclass(frozen=True)
class CertificateHeld:
    title: str
    code: str
    issued_on: date
    expires_on: date
    status: str  # "valid", "expired" or "revoked"


@dataclass(frozen=True)
class TranscriptData:
    user_id: int
    name: str
    issued_on: date
    modules: tuple  # [PassedModule], by course then date passed
    sessions: tuple  # [AttendedSession], oldest first
    hours: tuple  # [HoursEntry] approved, oldest first
    hours_by_kind: dict  # {kind: approved minutes}, every kind
    signatures: tuple  # [Signature]
    courses: tuple  # [CourseStanding]
    certificates: tuple  # [CertificateHeld], newest first

    @property
    def module_minutes(self):
        return sum(module.minutes for module in self.modules)

    @property
    def session_minutes(self):
        return sum(session.minutes for session in self.sessions)

    def snapshot(self):
        """What an issued transcript said, in figures (the lists only as counts)."""
        return {
            "issued_on": self.issued_on.isoformat(),
            "modules_passed": len(self.modules),
            "module_minutes": self.module_minutes,
            "sessions_attended": len(self.sessions),
            "session_minutes": self.session_minutes,
            "approved_minutes": dict(self.hours_by_kind),
            "courses": [
                {
                    "title": course.title,
                    "training": {row.domain: row.minutes for row in course.training},
                    "required": {
                        row.domain: row.required_hours
                        for row in course.training
                        if row.required_hours is not None
                    },
                    "hours": {row.label: [row.minutes, row.required_hours] for row in course.hours},
                }
                for course in self.courses
            ],
            "certificates": [asdict(c) | {"issued_on": c.issued_on.isoformat(),
                                          "expires_on": c.expires_on.isoformat()}
                             for c in self.certificates],
        }  # fmt: skip


def day_in(moment, zone):
    """The calendar day of a UTC timestamp in the program's time zone."""
    return moment.astimezone(zone or UTC).date() if moment else None


def _split(domain_minutes, fallback_domain=None, fallback_minutes=0):
    split = domain_minutes or ({fallback_domain: fallback_minutes} if fallback_domain else {})
    return tuple(sorted(split.items(), key=lambda item: -item[1]))


def transcript_for(user_id, zone=None, now=None):
    """The trainee's transcript as of `now` (dates in `zone`, a tzinfo; UTC when None).
    Raises NotFound when there is no such account."""
    now = now or utcnow()
    person = db.session.execute(select(User.name).where(User.id == user_id)).first()
    if person is None:
        raise NotFound(str(user_id))
    modules = _passed_modules(user_id, zone)
    sessions = _attended_sessions(user_id, zone)
    hours = _approved_hours(user_id, zone)
    signatures = [
        Signature(title, day_in(signature.signed_at, zone), signature.typed_name)
        for signature, title in db.session.execute(
            select(EthicsSignature, Course.title)
            .join(Course, Course.id == EthicsSignature.course_id)
            .where(EthicsSignature.user_id == user_id)
            .order_by(EthicsSignature.signed_at, EthicsSignature.id)
        )
    ]
    held = certificate_lookup.certificates_for_user(user_id)
    by_kind = {kind: 0 for kind in KIND_NAMES}
    for entry in hours:
        by_kind[entry.kind] = by_kind.get(entry.kind, 0) + entry.minutes
    touched = {course_id for course_id, _ in modules} | {course_id for course_id, _ in sessions}
    touched |= {certificate.course_id for certificate in held}
    courses = _courses(user_id, touched)
    minutes = training.minutes_by_domain(user_id, [course.id for course in courses])
    today = day_in(now, zone)
    return TranscriptData(
        user_id=user_id,
        name=person.name,
        issued_on=today,
        modules=tuple(module for _, module in modules),
        sessions=tuple(session for _, session in sessions),
        hours=tuple(hours),
        hours_by_kind=by_kind,
        signatures=tuple(signatures),
        courses=tuple(
            CourseStanding(
                course.title,
                course.certificate_title,
                tuple(training.progress(course, minutes.get(course.id, {}))),
                tuple(
                    HoursAgainst(asked.label, asked.approved_minutes, asked.required_hours)
                    for asked in certification.hours_asked(course, by_kind)
                ),
            )
            for course in courses
        ),
        certificates=tuple(
            CertificateHeld(
                c.title,
                c.code,
                c.issued_on,
                c.expires_on,
                certification.certificate_status(c, today),  # the day the transcript is of
            )  # fmt: skip
            for c in held
        ),
    )


def _passed_modules(user_id, zone):
    """[(course id, PassedModule)]: each passed module once, as the version first passed."""
    first_pass = (
        select(QuizAttempt.module_id, func.min(QuizAttempt.id).label("attempt_id"))
        .where(QuizAttempt.user_id == user_id, QuizAttempt.passed.is_(True))
        .group_by(QuizAttempt.module_id)
        .subquery()
    )
    first_attempt = aliased(QuizAttempt)
    passed, current = aliased(ModuleVersion), aliased(ModuleVersion)
    rows = db.session.execute(
        select(Module.course_id, Course.title, ModuleProgress.passed_at, current, passed)
        .join(Module, Module.id == ModuleProgress.module_id)
        .join(Course, Course.id == Module.course_id)
        .join(
            current,
            and_(current.module_id == Module.id, current.number == Module.current_version_number),
        )
        .outerjoin(first_pass, first_pass.c.module_id == Module.id)
        .outerjoin(first_attempt, first_attempt.id == first_pass.c.attempt_id)
        .outerjoin(passed, passed.id == first_attempt.module_version_id)
        .where(ModuleProgress.user_id == user_id, ModuleProgress.passed_at.is_not(None))
        .order_by(Course.title, ModuleProgress.passed_at, Module.position, Module.id)
    ).all()
    found = []
    for course_id, course_title, passed_at, current_version, passed_version in rows:
        version = passed_version or current_version
        found.append(
            (course_id, PassedModule(
                course_title, version.title, day_in(passed_at, zone), version.minutes,
                _split(version.domain_minutes, version.domain, version.minutes),
            ))
        )  # fmt: skip
    return found


def _attended_sessions(user_id, zone):
    """[(course id, AttendedSession)] for every meeting attended in full or in part."""
    facilitator = aliased(User)
    rows = db.session.execute(
        training.attendance_that_counts(Attendance, Meeting.starts_at, Meeting.minutes,
                                        LiveSessionVersion, Course.id, Course.title,
                                        facilitator.name)
        .join(Course, Course.id == LiveSession.course_id)
        .outerjoin(facilitator, facilitator.id == Meeting.facilitator_id)
        .where(Attendance.user_id == user_id, Attendance.minutes > 0)
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()  # fmt: skip
    found = []
    for attendance, starts_at, length, version, course_id, course_title, facilitator_name in rows:
        skills = version.skills or []
        shown = tuple(
            skills[position]
            for position in sorted(set(attendance.skills or []))
            if isinstance(position, int) and 0 <= position < len(skills)
        )
        found.append(
            (course_id, AttendedSession(
                course_title, version.title, day_in(starts_at, zone), facilitator_name or "",
                training.minutes_attended(attendance.status, attendance.minutes, length),
                attendance.status,
                _split(version.domain_minutes, version.domain, version.minutes), shown,
            ))
        )  # fmt: skip
    return found


def _approved_hours(user_id, zone):
    reviewer = aliased(User)
    return [
        HoursEntry(
            entry.session_date,
            entry.kind,
            entry.minutes,
            entry.activity,
            name or "",
            day_in(entry.reviewed_at, zone),
        )  # fmt: skip
        for entry, name in db.session.execute(
            select(PracticeSession, reviewer.name)
            .outerjoin(reviewer, reviewer.id == PracticeSession.reviewed_by_id)
            .where(PracticeSession.user_id == user_id, PracticeSession.status == "approved")
            .order_by(PracticeSession.session_date, PracticeSession.id)
        )
    ]


def _courses(user_id, course_ids):
    """The courses on the transcript: those the trainee has a record in, and those of their
    cohorts, by title."""
    enrolled = (
        select(CohortCourse.course_id)
        .join(Enrolment, Enrolment.cohort_id == CohortCourse.cohort_id)
        .where(Enrolment.user_id == user_id)
    )
    signed = select(EthicsSignature.course_id).where(EthicsSignature.user_id == user_id)
    return list(
        db.session.scalars(
            select(Course)
            .where(or_(Course.id.in_(course_ids), Course.id.in_(enrolled), Course.id.in_(signed)))
            .order_by(Course.title, Course.id)
        )
    )
