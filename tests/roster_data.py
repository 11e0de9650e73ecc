"""Roster data written straight to the tables: a few rows at a time for the rule tests, or
thousands of trainees in bulk for the query-count test and the benchmark (tests/perf)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select

from lms.extensions import db
from lms.models import (
    Certificate,
    Cohort,
    CohortCourse,
    Course,
    Enrolment,
    EthicsSignature,
    Module,
    ModuleProgress,
    ModuleVersion,
    PracticeSession,
    QuizAttempt,
    RosterStanding,
    SupervisorAssignment,
    User,
    UserRole,
)
from lms.services.people import supervision

PASSWORD_HASH = "!"  # these accounts never sign in with a password
TODAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def person(name, email=None, roles=("trainee",)):
    """A new account (flushed); returns its id."""
    email = email or name.lower().replace(" ", ".") + "@example.org"
    user = User(email=email, name=name, password_hash=PASSWORD_HASH)
    user.roles = [UserRole(role=role) for role in roles]
    db.session.add(user)
    db.session.flush()
    return user.id


def cohort(name, *course_ids, starts_on=date(2026, 1, 5)):
    group = Cohort(name=name, starts_on=starts_on)
    db.session.add(group)
    db.session.flush()
    for course_id in course_ids:
        db.session.add(CohortCourse(cohort_id=group.id, course_id=course_id))
    db.session.flush()
    return group.id


def enrol(cohort_id, *user_ids):
    for user_id in user_ids:
        db.session.add(Enrolment(cohort_id=cohort_id, user_id=user_id))
    db.session.flush()


def supervise(supervisor_id, *trainee_ids, at=NOW):
    for trainee_id in trainee_ids:
        supervision.assign_supervisor(trainee_id, supervisor_id, now=at, commit=False)
    db.session.flush()


def progress(user_id, module_id, passed=False, score=None, at=NOW):
    db.session.add(
        ModuleProgress(
            user_id=user_id,
            module_id=module_id,
            started_at=at,
            read_at=at,
            passed_at=at if passed else None,
            best_score=score,
            last_activity_at=at,
        )  # fmt: skip
    )
    db.session.flush()


def certificate(user_id, course_id, expires_on, revoked=None, code=None, issued_on=None):
    """A certificate; `revoked` is the reason, when it is revoked."""
    issued_on = issued_on or expires_on - timedelta(days=365)
    row = Certificate(
        code=code or f"T-{user_id:04d}-{course_id:04d}", user_id=user_id, course_id=course_id,
        course_version=1, title="Certificate", issued_at=NOW, issued_on=issued_on,
        expires_on=expires_on, revoked_at=NOW if revoked else None, revoked_reason=revoked,
    )  # fmt: skip
    db.session.add(row)
    db.session.flush()
    return row


def signature(user_id, course_id, text_hash, at=NOW):
    db.session.add(
        EthicsSignature(
            user_id=user_id,
            course_id=course_id,
            text_hash=text_hash,
            typed_name="Signed",
            signed_at=at,
        )  # fmt: skip
    )
    db.session.flush()


def practice(user_id, hours, status="approved", on=TODAY, activity="Peer group", comment=None):
    db.session.add(
        PracticeSession(
            user_id=user_id,
            session_date=on,
            minutes=round(hours * 60),
            activity=activity,
            status=status,
            review_comment=comment,
        )  # fmt: skip
    )
    db.session.flush()


# --- in bulk -------------------------------------------------------------------------------------


def bulk_course(title="Bulk Course", modules=12, slug="bulk-course"):
    """A published course of `modules` modules (no questions); returns (course id,
    [(module id, module version id)] in order)."""
    course_id = db.session.scalar(
        insert(Course).returning(Course.id),
        [dict(slug=slug, title=title, summary="", overview_html="", pass_mark=80,
              certificate_title=title, certificate_valid_for_months=24, content_hash="c")],
    )  # fmt: skip
    module_ids = db.session.scalars(
        insert(Module).returning(Module.id, sort_by_parameter_order=True),
        [dict(course_id=course_id, slug=f"m{n}", position=n, current_version_number=1)
         for n in range(1, modules + 1)],
    ).all()  # fmt: skip
    version_ids = db.session.scalars(
        insert(ModuleVersion).returning(ModuleVersion.id, sort_by_parameter_order=True),
        [dict(module_id=module_id, number=1, content_hash=f"h{module_id}", title=f"Module {n}",
              minutes=10, domain="advocacy", objectives=[], pass_mark=80, lesson_html="",
              requires=[])
         for n, module_id in enumerate(module_ids, start=1)],
    ).all()  # fmt: skip
    return course_id, list(zip(module_ids, version_ids, strict=True))


def bulk_trainees(count, course_id, modules, supervisor_ids, cohort_id, prefix="t"):
    """`count` trainees in one cohort, spread over the supervisors, each with a different amount
    of progress (0 to every module passed), a few quiz attempts, some practice hours and ethics
    signatures; those who passed everything hold certificates, some expiring, expired or
    revoked. Bulk inserts: seconds for tens of thousands. Returns the trainees' ids."""
    ids = db.session.scalars(
        insert(User).returning(User.id, sort_by_parameter_order=True),
        [dict(email=f"{prefix}{n}@bulk.example", name=f"Trainee {prefix}{n:06d}",
              password_hash=PASSWORD_HASH, created_at=NOW) for n in range(count)],
    ).all()  # fmt: skip
    roles, enrolments, assignments, rows, attempts, certificates, sessions, signatures = (
        [], [], [], [], [], [], [], []
    )  # fmt: skip
    for n, user_id in enumerate(ids):
        roles.append(dict(user_id=user_id, role="trainee"))
        enrolments.append(dict(cohort_id=cohort_id, user_id=user_id, enrolled_at=NOW))
        assignments.append(
            dict(trainee_id=user_id, supervisor_id=supervisor_ids[n % len(supervisor_ids)],
                 assigned_at=NOW)
        )  # fmt: skip
        started = n % (len(modules) + 2)  # 0 .. len(modules) + 1: the last two pass everything,
        # and the very last holds a certificate
        at = NOW - timedelta(days=n % 90)
        for index, (module_id, version_id) in enumerate(modules[:started]):
            passed = index < started - 1 or started >= len(modules)
            score = 60 + (n + index) % 41
            rows.append(
                dict(user_id=user_id, module_id=module_id, started_at=at, read_at=at,
                     passed_at=at if passed else None, best_score=score, last_activity_at=at)
            )  # fmt: skip
            for attempt in range(1 + (n + index) % 2):
                attempts.append(
                    dict(user_id=user_id, module_id=module_id, module_version_id=version_id,
                         started_at=at, submitted_at=at, choice_order={}, answers={},
                         score=score - 10 * attempt, passed=passed and attempt == 0)
                )  # fmt: skip
        if started > len(modules):
            expires = TODAY + timedelta(days=(30, 400, -5, 200)[n // 14 % 4])
            certificates.append(
                dict(code=f"B-{prefix}{n:07d}", user_id=user_id, course_id=course_id,
                     course_version=1, title="Bulk", issued_at=NOW, issued_on=TODAY,
                     expires_on=expires, revoked_at=NOW if n // 14 % 4 == 3 else None,
                     revoked_reason="Bulk revocation" if n // 14 % 4 == 3 else None)
            )  # fmt: skip
        if n % 3 == 0:
            sessions.append(
                dict(user_id=user_id, session_date=TODAY, minutes=90 * (n % 5), activity="Group",
                     notes="", status=("approved", "pending", "rejected")[n // 3 % 3],
                     logged_at=NOW)
            )  # fmt: skip
        if n % 3 == 1:
            signatures.append(
                dict(user_id=user_id, course_id=course_id, text_hash="e" * 64,
                     typed_name="Signed", signed_at=NOW)
            )  # fmt: skip
    for model, values in (
        (UserRole, roles), (Enrolment, enrolments), (SupervisorAssignment, assignments),
        (Certificate, certificates), (PracticeSession, sessions), (EthicsSignature, signatures),
    ):  # fmt: skip
        if values:
            db.session.execute(insert(model), values)
    for model, values in ((ModuleProgress, rows), (QuizAttempt, attempts)):
        # A few thousand rows a statement, not one (as a list of parameters is run on
        # PostgreSQL): the roster standing's triggers run once a statement there.
        for start in range(0, len(values), BULK_ROWS):
            db.session.execute(insert(model).values(values[start : start + BULK_ROWS]))
    return ids


BULK_ROWS = 2_000


# --- the roster's standing -----------------------------------------------------------------------


def standing_mismatches():
    """Every (trainee id, course id) whose roster_standing row (kept by the database's triggers,
    lms/models/standing.py) differs from its figures recomputed here from module_progress and
    quiz_attempt, as (pair, kept, recomputed); [] when the table is true. A pair with nothing to
    count has no row (None)."""
    current = Module.retired_at.is_(None)
    recomputed = {}
    for user_id, course_id, *figures in db.session.execute(
        select(
            ModuleProgress.user_id, Module.course_id, func.count(),
            func.count(ModuleProgress.passed_at), func.sum(ModuleProgress.best_score),
            func.count(ModuleProgress.best_score), func.max(ModuleProgress.last_activity_at),
        )
        .join(Module, Module.id == ModuleProgress.module_id)
        .where(current)
        .group_by(ModuleProgress.user_id, Module.course_id)
    ):  # fmt: skip
        started, passed, score_sum, scores, last = figures
        recomputed[user_id, course_id] = (started, passed, score_sum or 0, scores, last, None)
    for user_id, course_id, last in db.session.execute(
        select(QuizAttempt.user_id, Module.course_id, func.max(QuizAttempt.submitted_at))
        .join(Module, Module.id == QuizAttempt.module_id)
        .where(QuizAttempt.submitted_at.is_not(None))
        .group_by(QuizAttempt.user_id, Module.course_id)
    ):
        recomputed[user_id, course_id] = (
            *recomputed.get((user_id, course_id), (0, 0, 0, 0, None))[:5],
            last,
        )
    standing = RosterStanding
    kept = {
        (user_id, course_id): tuple(figures)
        for user_id, course_id, *figures in db.session.execute(
            select(
                standing.user_id, standing.course_id, standing.modules_started,
                standing.modules_passed, standing.score_sum, standing.scores,
                standing.last_progress_at, standing.last_attempt_at,
            )
        )
    }  # fmt: skip
    return [
        (pair, kept.get(pair), recomputed.get(pair))
        for pair in sorted(kept.keys() | recomputed.keys())
        if kept.get(pair) != recomputed.get(pair)
    ]
