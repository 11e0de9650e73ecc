"""A trainee's learning: progress through modules, opened and passed.

Progress is per Module, so it survives new content versions. Quiz attempts and their grading are
in services.attempts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import Course, ModuleProgress
from ..models.types import utcnow
from . import catalog


class LearningError(ValueError):
    """A learning step that cannot happen now; the attributes say why."""


class ModuleLocked(LearningError):
    def __init__(self, missing):
        super().__init__("complete the required modules first")
        self.missing = missing  # [ModuleSummary] still to pass


STATES = ("not_started", "reading", "passed")
ACTIVITY_PRECISION = timedelta(minutes=5)


@dataclass(frozen=True)
class ModuleStatus:
    module: catalog.ModuleSummary
    state: str  # one of STATES
    best_score: int | None


@dataclass(frozen=True)
class CourseProgress:
    course: Course
    modules: list  # [ModuleStatus], in course order
    passed: int
    percent: int
    next_module: catalog.ModuleSummary | None  # the first unpassed module that is open


# Built once: read on most trainee pages, where building the statement cost more than running
# it; the module ids are an expanding parameter, so the compiled form is cached all the same.
_PROGRESS_ROWS = select(ModuleProgress).where(
    ModuleProgress.user_id == bindparam("user_id"),
    ModuleProgress.module_id.in_(bindparam("module_ids", expanding=True)),
)


def _progress_rows(user_id, module_ids):
    if not module_ids:
        return {}
    rows = db.session.scalars(_PROGRESS_ROWS, {"user_id": user_id, "module_ids": list(module_ids)})
    return {row.module_id: row for row in rows}


def _course_progress(course, modules, rows):
    statuses = []
    for module in modules:
        row = rows.get(module.id)
        state = "not_started" if row is None else "passed" if row.passed_at else "reading"
        statuses.append(ModuleStatus(module, state, row.best_score if row else None))
    passed_slugs = {s.module.slug for s in statuses if s.state == "passed"}
    next_module = next(
        (
            s.module
            for s in statuses
            if s.state != "passed" and set(s.module.requires) <= passed_slugs
        ),
        None,
    )
    passed = len(passed_slugs)
    percent = round(100 * passed / len(modules)) if modules else 0
    return CourseProgress(course, statuses, passed, percent, next_module)


def dashboard(user_id):
    """Progress in every published course, in a fixed number of queries."""
    courses = catalog.published_courses()
    module_ids = [m.id for _, modules in courses for m in modules]
    rows = _progress_rows(user_id, module_ids)
    return [_course_progress(course, modules, rows) for course, modules in courses]


def course_progress(user_id, course, modules):
    return _course_progress(course, modules, _progress_rows(user_id, [m.id for m in modules]))


def _missing_requirements(version, modules, rows):
    by_slug = {m.slug: m for m in modules}
    missing = []
    for slug in version.requires:
        module = by_slug.get(slug)
        if module is None:
            continue  # a retired prerequisite no longer blocks anyone
        row = rows.get(module.id)
        if row is None or row.passed_at is None:
            missing.append(module)
    return missing


def open_module(user_id, course_slug, module_slug, now=None):
    """The module's current version for this trainee, recording that they started it.

    Raises catalog.NotFound, or ModuleLocked when required modules are not yet passed.
    Returns (course, version, CourseProgress).
    """
    course, version, progress, _ = open_progress(user_id, course_slug, module_slug, now or utcnow())
    return course, version, progress


def open_progress(user_id, course_slug, module_slug, now):
    """open_module, also returning the trainee's progress row for the module (for the quiz).

    Returns (course, version, CourseProgress, ModuleProgress)."""
    course, version, modules = catalog.current_module(course_slug, module_slug)
    rows = _progress_rows(user_id, [m.id for m in modules])
    missing = _missing_requirements(version, modules, rows)
    if missing:
        raise ModuleLocked(missing)
    row = rows.get(version.module_id)
    first_opening = row is None
    if first_opening:
        row = rows[version.module_id] = progress_row(user_id, version.module_id, now)
    # Reading a page is not worth a write each time: last activity is kept to a few minutes.
    if first_opening or now - row.last_activity_at >= ACTIVITY_PRECISION:
        row.last_activity_at = now
        db.session.commit()
    return course, version, _course_progress(course, modules, rows), row


_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def progress_row(user_id, module_id, now):
    """The trainee's progress row for a module, made if missing. Two first openings at once (two
    tabs) both get the one row: the losing insert does nothing instead of failing on the unique
    (user_id, module_id), and the row is read back."""
    insert = _INSERT[db.session.get_bind().dialect.name](ModuleProgress)
    db.session.execute(
        insert.values(
            user_id=user_id, module_id=module_id, started_at=now, last_activity_at=now
        ).on_conflict_do_nothing(index_elements=["user_id", "module_id"])
    )
    return db.session.scalar(
        select(ModuleProgress).where(
            ModuleProgress.user_id == user_id, ModuleProgress.module_id == module_id
        )
    )
