"""Reading what is published: courses, their current modules and versions (with questions), and
their live sessions' current versions (titles and skills), for the pages that show them.

Each worker keeps one read-only copy of the published catalog per database and reuses it until
the catalog version (services/learning/catalog_version.py, bumped by every publish) moves: a page
then costs one indexed read instead of three or four catalog queries. The copy holds only published
content, never anything about a person, and is made of frozen snapshots, not ORM instances, so
nothing in it belongs to a session or can be changed by a request and seen by another.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, make_dataclass
from datetime import datetime
from types import MappingProxyType

from sqlalchemy import and_, bindparam, select

from ...extensions import db
from ...models import (
    Choice,
    Course,
    LiveSession,
    LiveSessionVersion,
    Module,
    ModuleVersion,
    Question,
)
from . import catalog_version


class NotFound(LookupError):
    """The course or module asked for is not published."""


@dataclass(frozen=True)
class ModuleSummary:
    """A module as lists show it. Hashable by value (web/learn/module_list.py keys the course
    page's rendered rows on these): every field must stay hashable, tuples not lists or dicts."""

    id: int
    slug: str
    position: int
    title: str
    minutes: int
    domain: str
    requires: tuple = ()


@dataclass(frozen=True)
class SessionSummary:
    """A live session of a course, as its requirements name it: its current version's title and
    skills checklist (never its facilitator guide)."""

    id: int
    slug: str
    title: str
    skills: tuple
    retired_at: datetime | None  # a retired session no longer meets a requirement


def _snapshot_class(model, *extra):
    """A frozen dataclass with a field per column of `model` (same names as the ORM attributes,
    so templates and services read a snapshot as they read a row), plus `extra` fields."""
    return make_dataclass(
        f"{model.__name__}Snapshot",
        [*(column.key for column in model.__table__.columns), *extra],
        frozen=True,
    )


CourseSnapshot = _snapshot_class(Course)
# questions: (QuestionSnapshot,); course_id: its module's course (a module never changes course)
VersionSnapshot = _snapshot_class(ModuleVersion, "questions", "course_id")
QuestionSnapshot = _snapshot_class(Question, "choices")  # choices: (ChoiceSnapshot,) in order
ChoiceSnapshot = _snapshot_class(Choice)


def _frozen(value):
    """JSON column values made read-only: lists become tuples, dicts read-only views."""
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return MappingProxyType({key: _frozen(item) for key, item in value.items()})
    return value


def _snapshot(cls, row, **extra):
    return cls(**{key: _frozen(value) for key, value in row.items()}, **extra)


@dataclass(frozen=True)
class _Catalog:
    version: int  # the catalog version it was read at (or later: never earlier)
    courses: tuple  # ((CourseSnapshot, (ModuleSummary,)),) by title
    by_slug: dict  # course slug -> (CourseSnapshot, (ModuleSummary,))
    current: dict  # (course id, module slug) -> VersionSnapshot, the module's current version
    versions: dict  # version id -> VersionSnapshot (the current ones)
    sessions: dict  # course id -> {session slug: SessionSummary}, retired sessions too


# One copy per database (engine), so that apps on different databases in one process (tests)
# never share one. The lock makes one thread load while the others wait for its copy.
_copies = weakref.WeakKeyDictionary()
_loading = threading.Lock()


def _catalog():
    version = catalog_version.current()  # read before the content, so a copy is never older
    engine = db.engine
    copy = _copies.get(engine)
    if copy is not None and copy.version == version:
        return copy
    with _loading:
        copy = _copies.get(engine)
        if copy is not None and copy.version == version:
            return copy
        fresh = _load(version)
        if copy is None or copy.version < version:
            _copies[engine] = fresh  # an older transaction's read is used, never kept
    return fresh


def _current_versions(course_ids):
    """The current version of every live module of these courses, with its course and slug."""
    return db.session.execute(
        select(ModuleVersion.__table__, Module.course_id, Module.slug, Module.position)
        .join(
            Module,
            and_(
                ModuleVersion.module_id == Module.id,
                ModuleVersion.number == Module.current_version_number,
            ),
        )
        .where(Module.course_id.in_(course_ids), Module.retired_at.is_(None))
        .order_by(Module.course_id, Module.position)
    ).mappings()


# Also read for a course the copy does not hold (a retired one), so built once.
_SESSIONS = (
    select(
        LiveSession.course_id,
        LiveSession.slug,
        LiveSession.id,
        LiveSession.retired_at,
        LiveSessionVersion.title,
        LiveSessionVersion.skills,
    )
    .join(
        LiveSessionVersion,
        and_(
            LiveSessionVersion.live_session_id == LiveSession.id,
            LiveSessionVersion.number == LiveSession.current_version_number,
        ),
    )
    .where(LiveSession.course_id.in_(bindparam("course_ids", expanding=True)))
)


def _sessions(course_ids):
    """{course id: {slug: SessionSummary}} for these courses (each one present), in one query."""
    sessions = {course_id: {} for course_id in course_ids}
    for row in db.session.execute(_SESSIONS, {"course_ids": list(course_ids)}):
        sessions[row.course_id][row.slug] = SessionSummary(
            row.id, row.slug, row.title, _frozen(row.skills or []), row.retired_at
        )
    return sessions


def _questions_by_version(version_ids):
    """{version id: (QuestionSnapshot,) in order}, each with its choices, in two queries."""
    choices = {}
    for row in db.session.execute(
        select(Choice.__table__)
        .join(Question)
        .where(Question.module_version_id.in_(version_ids))
        .order_by(Choice.question_id, Choice.position)
    ).mappings():
        choices.setdefault(row["question_id"], []).append(_snapshot(ChoiceSnapshot, row))
    questions = {}
    for row in db.session.execute(
        select(Question.__table__)
        .where(Question.module_version_id.in_(version_ids))
        .order_by(Question.module_version_id, Question.position)
    ).mappings():
        question = _snapshot(QuestionSnapshot, row, choices=tuple(choices.get(row["id"], ())))
        questions.setdefault(row["module_version_id"], []).append(question)
    return {version_id: tuple(listed) for version_id, listed in questions.items()}


def _load(version):
    """The whole published catalog, in five queries."""
    courses = [
        _snapshot(CourseSnapshot, row)
        for row in db.session.execute(
            select(Course.__table__).where(Course.retired_at.is_(None)).order_by(Course.title)
        ).mappings()
    ]
    rows = list(_current_versions([course.id for course in courses]))
    questions = _questions_by_version([row["id"] for row in rows])

    modules = {course.id: [] for course in courses}
    current, versions = {}, {}
    for row in rows:
        row = dict(row)
        course_id, slug, position = row.pop("course_id"), row.pop("slug"), row.pop("position")
        snapshot = _snapshot(
            VersionSnapshot, row, questions=questions.get(row["id"], ()), course_id=course_id
        )
        current[course_id, slug] = versions[snapshot.id] = snapshot
        modules[course_id].append(
            ModuleSummary(
                snapshot.module_id,
                slug,
                position,
                snapshot.title,
                snapshot.minutes,
                snapshot.domain,
                tuple(snapshot.requires or ()),
            )  # fmt: skip
        )
    listed = tuple((course, tuple(modules[course.id])) for course in courses)
    by_slug = {course.slug: (course, course_modules) for course, course_modules in listed}
    sessions = {
        course_id: MappingProxyType(by_slug)
        for course_id, by_slug in _sessions([course.id for course in courses]).items()
    }
    return _Catalog(version, listed, by_slug, current, versions, sessions)


def published_courses():
    """Every published (not retired) course with its current modules, by title."""
    return [(course, list(modules)) for course, modules in _catalog().courses]


def course_by_slug(slug):
    """(course, [ModuleSummary]) of a published course; raises NotFound."""
    found = _catalog().by_slug.get(slug)
    if found is None:
        raise NotFound(slug)
    course, modules = found
    return course, list(modules)


def current_module(course_slug, module_slug):
    """The published course, the current version of one of its modules, and the module list."""
    catalog = _catalog()
    found = catalog.by_slug.get(course_slug)
    if found is None:
        raise NotFound(course_slug)
    course, modules = found
    version = catalog.current.get((course.id, module_slug))
    if version is None:
        raise NotFound(module_slug)
    return course, version, list(modules)


def live_sessions(course_ids, from_copy=True):
    """{course id: {slug: SessionSummary}}: every live session of these courses with its current
    version. A course the published catalog does not hold (retired) is read from the database,
    as all are with from_copy=False (for pages that do not otherwise read the catalog)."""
    course_ids = list(course_ids)
    if not from_copy:
        return _sessions(course_ids)
    held = _catalog().sessions
    found = {course_id: held[course_id] for course_id in course_ids if course_id in held}
    if len(found) < len(course_ids):
        found.update(_sessions([course_id for course_id in course_ids if course_id not in held]))
    return found


def module_version(version_id):
    """A module version (current or not) with its questions and their choices, as a snapshot.

    A version never changes once written, so this worker's copy of the catalog answers for
    the current versions without reading the catalog version; an older one (an attempt made
    before a publish) is read from the database, in three queries."""
    copy = _copies.get(db.engine)
    if copy is not None and version_id in copy.versions:
        return copy.versions[version_id]
    row = db.session.execute(
        select(ModuleVersion.__table__, Module.course_id)
        .join(Module, Module.id == ModuleVersion.module_id)
        .where(ModuleVersion.id == version_id)
    ).mappings().first()  # fmt: skip
    if row is None:
        raise NotFound(version_id)
    row = dict(row)
    course_id = row.pop("course_id")
    questions = _questions_by_version([version_id]).get(version_id, ())
    return _snapshot(VersionSnapshot, row, questions=questions, course_id=course_id)
