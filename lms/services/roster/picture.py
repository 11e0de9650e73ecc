"""A cohort's progress at a glance: for each module of its courses, how many of its trainees have
passed, are in progress, have not started. Four queries, however big the cohort.

The counts cover only the trainees the viewer may see (scope.py): a supervisor opening a cohort
sees their own trainees in it, and zeros when none of them is in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select

from ...extensions import db
from ...models import Cohort, CohortCourse, Course, Module, ModuleProgress, ModuleVersion
from .scope import visible_trainee_ids


@dataclass(frozen=True)
class ModuleCounts:
    position: int
    title: str
    passed: int
    in_progress: int
    not_started: int

    @property
    def total(self):
        return self.passed + self.in_progress + self.not_started


@dataclass(frozen=True)
class CoursePicture:
    course_id: int
    title: str
    modules: list  # [ModuleCounts] in course order


@dataclass(frozen=True)
class CohortPicture:
    cohort_id: int
    name: str
    starts_on: date
    ends_on: date | None
    trainees: int  # the cohort's trainees this viewer may see
    courses: list  # [CoursePicture] by title


def cohort_picture(viewer, cohort_id):
    """The counts for each current module of the cohort's courses, among the cohort's trainees
    the viewer may see. Raises LookupError when there is no such cohort."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise LookupError(cohort_id)
    trainee_ids = visible_trainee_ids(viewer, cohort_id)
    trainees = db.session.scalar(select(func.count()).select_from(trainee_ids.subquery()))
    modules = db.session.execute(
        select(Course.id, Course.title, Module.id, Module.position, ModuleVersion.title)
        .join(CohortCourse, CohortCourse.course_id == Course.id)
        .join(Module, and_(Module.course_id == Course.id, Module.retired_at.is_(None)))
        .join(
            ModuleVersion,
            and_(
                ModuleVersion.module_id == Module.id,
                ModuleVersion.number == Module.current_version_number,
            ),
        )
        .where(CohortCourse.cohort_id == cohort_id)
        .order_by(Course.title, Course.id, Module.position)
    ).all()
    counts = {
        module_id: (started, passed)
        for module_id, started, passed in db.session.execute(
            select(
                ModuleProgress.module_id,
                func.count(ModuleProgress.id),
                func.count(ModuleProgress.passed_at),
            )
            # The module ids as a list, not a join: PostgreSQL then plans one hash join over
            # the progress rows instead of an index probe per trainee and module (50x slower).
            .where(
                ModuleProgress.module_id.in_([row[2] for row in modules]),
                ModuleProgress.user_id.in_(trainee_ids),
            )
            .group_by(ModuleProgress.module_id)
        )
    }
    courses = {}
    for course_id, course_title, module_id, position, title in modules:
        started, passed = counts.get(module_id, (0, 0))
        picture = courses.setdefault(course_id, CoursePicture(course_id, course_title, []))
        picture.modules.append(
            ModuleCounts(position, title, passed, started - passed, trainees - started)
        )
    return CohortPicture(
        cohort.id, cohort.name, cohort.starts_on, cohort.ends_on, trainees, list(courses.values())
    )
