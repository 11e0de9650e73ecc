"""A trainee's learning: progress through modules, opened and passed.

Progress is per Module, so it survives new content versions. Quiz attempts and their grading are
in services.attempts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import Course, Module, ModuleProgress
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
# it; with only values bound per call, SQLAlchemy's compiled-statement cache serves them.
# Pages read plain rows: loading a course's worth of ORM entities (31 for Foundations) cost a
# trainee's module page more than everything else it does. A page asks for the trainee's rows
# in one course (or all their rows, for the dashboard) rather than for a list of module ids: an
# expanding IN list is rendered again on every call. Rows of modules not shown are ignored.
_PROGRESS_OF_TRAINEE = select(
    ModuleProgress.module_id,
    ModuleProgress.passed_at.is_not(None).label("passed"),
    ModuleProgress.best_score,
    ModuleProgress.last_activity_at,
).where(ModuleProgress.user_id == bindparam("user_id"))
_PROGRESS_IN_COURSE = _PROGRESS_OF_TRAINEE.join(
    Module, Module.id == ModuleProgress.module_id
).where(Module.course_id == bindparam("course_id"))
# The quiz changes the row, so it loads entities.
_PROGRESS_ENTITIES = select(ModuleProgress).where(
    ModuleProgress.user_id == bindparam("user_id"),
    ModuleProgress.module_id.in_(bindparam("module_ids", expanding=True)),
)
_TOUCH = (
    update(ModuleProgress)
    .where(
        ModuleProgress.user_id == bindparam("trainee"),
        ModuleProgress.module_id == bindparam("module"),
    )
    .values(last_activity_at=bindparam("now"))
)


@dataclass(frozen=True)
class _Opened:
    """The progress values of a module opened for the first time by this request."""

    module_id: int
    last_activity_at: datetime
    passed: bool = False
    best_score: None = None


def _progress_rows(user_id, course_id=None):
    """The trainee's progress by module id, as plain rows (module_id, passed, best_score,
    last_activity_at): in one course, or with no course_id in every module."""
    if course_id is None:
        rows = db.session.execute(_PROGRESS_OF_TRAINEE, {"user_id": user_id})
    else:
        rows = db.session.execute(_PROGRESS_IN_COURSE, {"user_id": user_id, "course_id": course_id})
    return {row.module_id: row for row in rows}


def _progress_entities(user_id, module_ids):
    """The trainee's ModuleProgress rows for these modules, by module id, to change."""
    values = {"user_id": user_id, "module_ids": list(module_ids)}
    return {row.module_id: row for row in db.session.scalars(_PROGRESS_ENTITIES, values)}


def _course_progress(course, modules, rows):
    statuses = []
    for module in modules:
        row = rows.get(module.id)
        state = "not_started" if row is None else "passed" if row.passed else "reading"
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
    rows = _progress_rows(user_id) if any(modules for _, modules in courses) else {}
    return [_course_progress(course, modules, rows) for course, modules in courses]


def course_progress(user_id, course, modules):
    rows = _progress_rows(user_id, course.id) if modules else {}
    return _course_progress(course, modules, rows)


def _missing_requirements(version, modules, rows):
    by_slug = {m.slug: m for m in modules}
    missing = []
    for slug in version.requires:
        module = by_slug.get(slug)
        if module is None:
            continue  # a retired prerequisite no longer blocks anyone
        row = rows.get(module.id)
        if row is None or not row.passed:
            missing.append(module)
    return missing


def open_module(user_id, course_slug, module_slug, now=None):
    """The module's current version for this trainee, recording that they started it.

    Raises catalog.NotFound, or ModuleLocked when required modules are not yet passed.
    Returns (course, version, CourseProgress).
    """
    now = now or utcnow()
    course, version, modules = catalog.current_module(course_slug, module_slug)
    rows = _progress_rows(user_id, course.id)
    _check_open(version, modules, rows)
    row = rows.get(version.module_id)
    if row is None:
        _insert_progress(user_id, version.module_id, now)
        rows[version.module_id] = _Opened(version.module_id, now)
        db.session.commit()
    elif now - row.last_activity_at >= ACTIVITY_PRECISION:
        # Reading a page is not worth a write each time: last activity is kept to a few minutes.
        db.session.execute(
            _TOUCH,
            {"trainee": user_id, "module": version.module_id, "now": now},
            execution_options={"synchronize_session": False},
        )
        db.session.commit()
    return course, version, _course_progress(course, modules, rows)


def open_progress(user_id, course_slug, module_slug, now):
    """open_module for a change to the trainee's progress row for the module (the quiz).

    Returns (course, version, CourseProgress, ModuleProgress)."""
    course, version, modules = catalog.current_module(course_slug, module_slug)
    rows = _progress_entities(user_id, [m.id for m in modules])
    _check_open(version, modules, rows)
    row = rows.get(version.module_id)
    first_opening = row is None
    if first_opening:
        row = rows[version.module_id] = progress_row(user_id, version.module_id, now)
    # Reading a page is not worth a write each time: last activity is kept to a few minutes.
    if first_opening or now - row.last_activity_at >= ACTIVITY_PRECISION:
        row.last_activity_at = now
        db.session.commit()
    return course, version, _course_progress(course, modules, rows), row


def _check_open(version, modules, rows):
    missing = _missing_requirements(version, modules, rows)
    if missing:
        raise ModuleLocked(missing)


_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _insert_progress(user_id, module_id, now):
    """Make the trainee's progress row for a module, if missing. Two first openings at once (two
    tabs) both end with the one row: the losing insert does nothing instead of failing on the
    unique (user_id, module_id)."""
    insert = _INSERT[db.session.get_bind().dialect.name](ModuleProgress)
    db.session.execute(
        insert.values(
            user_id=user_id, module_id=module_id, started_at=now, last_activity_at=now
        ).on_conflict_do_nothing(index_elements=["user_id", "module_id"])
    )


def progress_row(user_id, module_id, now):
    """The progress row for a module, made if missing (see _insert_progress), read back."""
    _insert_progress(user_id, module_id, now)
    return db.session.scalar(
        select(ModuleProgress).where(
            ModuleProgress.user_id == user_id, ModuleProgress.module_id == module_id
        )
    )
