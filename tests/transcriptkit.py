"""Records for the transcript tests, written straight to the tables: modules passed under one or
two versions and practice hours of every status; and bulk data for the statement-count test and
the benchmark. Live sessions, meetings and attendance come from tests/livekit.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select

from lms.extensions import db
from lms.models import (
    Module,
    ModuleProgress,
    ModuleVersion,
    PracticeSession,
    QuizAttempt,
)
from tests import livekit

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
TODAY = NOW.date()


def module_ids(course_id):
    return list(
        db.session.scalars(
            select(Module.id).where(Module.course_id == course_id).order_by(Module.position)
        )
    )


def pass_module(user_id, module_id, at=NOW, version_id=None):
    """A passed attempt on `version_id` (the current version by default) and the progress row."""
    if version_id is None:
        module = db.session.get(Module, module_id)
        version_id = db.session.scalar(
            select(ModuleVersion.id).where(
                ModuleVersion.module_id == module_id,
                ModuleVersion.number == module.current_version_number,
            )
        )
    db.session.add(
        QuizAttempt(user_id=user_id, module_id=module_id, module_version_id=version_id,
                    started_at=at, submitted_at=at, answers={}, score=100, passed=True)
    )  # fmt: skip
    progress = db.session.scalar(
        select(ModuleProgress).where(
            ModuleProgress.user_id == user_id, ModuleProgress.module_id == module_id
        )
    )
    if progress is None:
        db.session.add(ModuleProgress(user_id=user_id, module_id=module_id, read_at=at,
                                      passed_at=at, best_score=100))  # fmt: skip
    db.session.flush()


def new_version(module_id, title, minutes, domain="advocacy"):
    """Publish a second version of a module with other minutes; returns its id."""
    module = db.session.get(Module, module_id)
    number = module.current_version_number + 1
    version = ModuleVersion(
        module_id=module_id, number=number, content_hash=f"v{number}-{module_id}", title=title,
        minutes=minutes, domain=domain, domain_minutes={domain: minutes}, objectives=[],
        pass_mark=80, lesson_html="", requires=[],
    )  # fmt: skip
    db.session.add(version)
    module.current_version_number = number
    db.session.flush()
    return version.id


def hours(user_id, minutes, status="approved", kind="work", on=TODAY, reviewer_id=None,
          activity="Peer group"):  # fmt: skip
    row = PracticeSession(
        user_id=user_id, session_date=on, minutes=minutes, kind=kind, activity=activity,
        status=status, reviewed_by_id=reviewer_id if status != "pending" else None,
        reviewed_at=NOW if status != "pending" else None,
    )  # fmt: skip
    db.session.add(row)
    db.session.flush()
    return row


# --- in bulk -------------------------------------------------------------------------------------


def bulk_history(user_id, course_id, cohort_id, facilitator_id, entries, meetings, modules):
    """`entries` approved practice entries, `meetings` attended meetings of one live session and
    `modules` extra passed modules (a new course-less set of modules in `course_id`)."""
    db.session.execute(
        insert(PracticeSession),
        [dict(user_id=user_id, session_date=TODAY - timedelta(days=n % 300), minutes=60 + n % 3,
              kind=("work", "supervision")[n % 2], activity=f"Entry {n}", notes="",
              status="approved", logged_at=NOW, reviewed_by_id=facilitator_id, reviewed_at=NOW)
         for n in range(entries)],
    )  # fmt: skip
    version = livekit.session_version(course_id, slug=f"bulk-{user_id}", title="Bulk session",
                                      minutes=120)  # fmt: skip
    for n in range(meetings):
        row = livekit.held_meeting(version, cohort_id, facilitator_id, NOW - timedelta(days=n))
        livekit.attend(
            row, user_id, "present" if n % 2 else "partial", 90 if n % 2 else 45, skills=[0, 2]
        )
    if modules:
        start = 1000 + user_id * 100
        ids = db.session.scalars(
            insert(Module).returning(Module.id, sort_by_parameter_order=True),
            [dict(course_id=course_id, slug=f"bulk-{start + n}", position=start + n,
                  current_version_number=1) for n in range(modules)],
        ).all()  # fmt: skip
        versions = db.session.scalars(
            insert(ModuleVersion).returning(ModuleVersion.id, sort_by_parameter_order=True),
            [dict(module_id=module_id, number=1, content_hash=f"b{module_id}",
                  title=f"Bulk module {n}", minutes=15, domain="advocacy",
                  domain_minutes={"advocacy": 15}, objectives=[], pass_mark=80, lesson_html="",
                  requires=[]) for n, module_id in enumerate(ids)],
        ).all()  # fmt: skip
        db.session.execute(
            insert(QuizAttempt),
            [dict(user_id=user_id, module_id=m, module_version_id=v, started_at=NOW,
                  submitted_at=NOW, choice_order={}, answers={}, score=100, passed=True)
             for m, v in zip(ids, versions, strict=True)],
        )  # fmt: skip
        db.session.execute(
            insert(ModuleProgress),
            [dict(user_id=user_id, module_id=m, started_at=NOW, read_at=NOW, passed_at=NOW,
                  best_score=100, last_activity_at=NOW) for m in ids],
        )  # fmt: skip
    db.session.flush()


def on(day: date):
    """Midday UTC on `day`."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
