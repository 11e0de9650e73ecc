"""Reading what is published: courses and their current modules, for the pages that list them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, select

from ..extensions import db
from ..models import Course, Module, ModuleVersion


class NotFound(LookupError):
    """The course or module asked for is not published."""


@dataclass(frozen=True)
class ModuleSummary:
    id: int
    slug: str
    position: int
    title: str
    minutes: int
    domain: str
    requires: tuple = ()


def _current_modules(course_ids):
    rows = db.session.execute(
        select(
            Module.course_id,
            Module.id,
            Module.slug,
            Module.position,
            ModuleVersion.title,
            ModuleVersion.minutes,
            ModuleVersion.domain,
            ModuleVersion.requires,
        )
        .join(
            ModuleVersion,
            and_(
                ModuleVersion.module_id == Module.id,
                ModuleVersion.number == Module.current_version_number,
            ),
        )
        .where(Module.course_id.in_(course_ids), Module.retired_at.is_(None))
        .order_by(Module.course_id, Module.position)
    )
    modules = {course_id: [] for course_id in course_ids}
    for course_id, *fields in rows:
        *head, requires = fields
        modules[course_id].append(ModuleSummary(*head, tuple(requires or ())))
    return modules


def published_courses():
    """Every published (not retired) course with its current modules, in two queries."""
    courses = list(
        db.session.scalars(select(Course).where(Course.retired_at.is_(None)).order_by(Course.title))
    )
    modules = _current_modules([c.id for c in courses])
    return [(course, modules[course.id]) for course in courses]


def course_by_slug(slug):
    course = db.session.scalar(
        select(Course).where(Course.slug == slug, Course.retired_at.is_(None))
    )
    if course is None:
        raise NotFound(slug)
    return course, _current_modules([course.id])[course.id]


def current_module(course_slug, module_slug):
    """The published course, the current version of one of its modules, and the module list."""
    course, modules = course_by_slug(course_slug)
    version = db.session.scalar(
        select(ModuleVersion)
        .join(
            Module,
            and_(
                ModuleVersion.module_id == Module.id,
                ModuleVersion.number == Module.current_version_number,
            ),
        )  # fmt: skip
        .where(
            Module.course_id == course.id, Module.slug == module_slug, Module.retired_at.is_(None)
        )  # fmt: skip
    )
    if version is None:
        raise NotFound(module_slug)
    return course, version, modules
