"""A trainee's learning: progress through modules, opened and passed.

Progress is per Module, so it survives new content versions. Quiz attempts and their grading are
in services.learning.attempts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ...extensions import db
from ...models import Course, Module, ModuleProgress
from ...models.types import UTCDateTime, utcnow
from ..plain_rows import plain_rows
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
    ModuleProgress.read_at.is_not(None).label("read"),
).where(ModuleProgress.user_id == bindparam("user_id"))
_PROGRESS_IN_COURSE = _PROGRESS_OF_TRAINEE.join(
    Module, Module.id == ModuleProgress.module_id
).where(Module.course_id == bindparam("course_id"))
_TOUCH = (
    update(ModuleProgress)
    .where(
        ModuleProgress.user_id == bindparam("trainee"),
        ModuleProgress.module_id == bindparam("module"),
    )
    .values(last_activity_at=bindparam("now"))
)
_MARK_READ = (
    update(ModuleProgress)
    .where(
        ModuleProgress.user_id == bindparam("trainee"),
        ModuleProgress.module_id == bindparam("module"),
        ModuleProgress.read_at.is_(None),
    )
    .values(read_at=bindparam("now"))
)


@dataclass(frozen=True)
class _Opened:
    """The progress values of a module opened for the first time by this request."""

    module_id: int
    last_activity_at: datetime
    passed: bool = False
    best_score: None = None
    read: bool = False


def _progress_rows(user_id, course_id=None):
    """The trainee's progress by module id, as plain rows (module_id, passed, best_score,
    last_activity_at, read): in one course, or with no course_id in every module."""
    if course_id is None:
        rows = plain_rows(_PROGRESS_OF_TRAINEE, {"user_id": user_id})
    else:
        rows = plain_rows(_PROGRESS_IN_COURSE, {"user_id": user_id, "course_id": course_id})
    return {row.module_id: row for row in rows}


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
    course, version, modules, rows = _open(user_id, course_slug, module_slug, now or utcnow())
    return course, version, _course_progress(course, modules, rows)


def open_quiz(user_id, course_slug, module_slug, now):
    """open_module for the module's quiz: (course, version, the trainee's progress in the module
    as a plain row: passed, read, ...). See mark_read."""
    course, version, _, rows = _open(user_id, course_slug, module_slug, now)
    return course, version, rows[version.module_id]


def mark_read(user_id, module_id, now):
    """Note that the trainee opened the module's quiz (the first time counts), in the caller's
    transaction."""
    plain_rows(_MARK_READ, {"trainee": user_id, "module": module_id, "now": now})


def hold_progress(user_id, module_id, now):
    """Note activity on the trainee's progress row in the caller's transaction, which then holds
    the row (PostgreSQL) or the database's write lock (SQLite) until it ends: two tabs that both
    found no open attempt take turns here, and the second finds the first one's attempt."""
    plain_rows(_TOUCH, {"trainee": user_id, "module": module_id, "now": now})


def _open(user_id, course_slug, module_slug, now):
    """The module's version and course with the trainee's progress rows in the course, after
    noting the opening (committed, when there was something to note)."""
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
        plain_rows(_TOUCH, {"trainee": user_id, "module": version.module_id, "now": now})
        db.session.commit()
    return course, version, modules, rows


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


def _after_grading(insert):
    """The upsert note_graded_attempt runs, on a dialect's INSERT (both spell ON CONFLICT alike).
    On the table, not the entity: an ORM insert with values would take the bulk-insert path."""
    now = bindparam("now", type_=UTCDateTime())
    progress = ModuleProgress.__table__.c
    statement = insert(ModuleProgress.__table__).values(
        user_id=bindparam("trainee"),
        module_id=bindparam("module"),
        started_at=now,
        read_at=now,
        last_activity_at=now,
        best_score=bindparam("score"),
        passed_at=bindparam("passed_on_this", type_=UTCDateTime()),
    )
    new = statement.excluded
    kept_best = func.coalesce(progress.best_score, 0) > new.best_score
    return statement.on_conflict_do_update(
        index_elements=["user_id", "module_id"],
        set_={
            "read_at": func.coalesce(progress.read_at, new.read_at),
            "last_activity_at": new.last_activity_at,
            "best_score": case((kept_best, progress.best_score), else_=new.best_score),
            "passed_at": func.coalesce(progress.passed_at, new.passed_at),
        },
    )


# Built once, per dialect: a graded quiz is the commonest write a trainee makes.
_AFTER_GRADING = {name: _after_grading(insert) for name, insert in _INSERT.items()}


def note_graded_attempt(user_id, module_id, score, passed, now):
    """The trainee's progress after a graded attempt: read and active now, the best score kept,
    passed from the first pass on (never unset). One statement whether or not the row exists
    (an upsert, where reading the row, changing it and writing it back took three); two
    gradings at once each keep the better score, since the database computes it on the row."""
    values = {"trainee": user_id, "module": module_id, "now": now, "score": score}
    values["passed_on_this"] = now if passed else None
    plain_rows(_AFTER_GRADING[db.session.get_bind().dialect.name], values)
