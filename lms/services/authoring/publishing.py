"""Publishing course files into the database: one transaction, all or nothing.

Module content is versioned by its hash: unchanged content writes nothing, changed content adds a
ModuleVersion (old ones stay, so records pointing at them keep their meaning), a module gone from
disk is retired, never deleted. Live sessions are published the same way, as LiveSession and
LiveSessionVersion rows (services.authoring.session_publishing).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from pathlib import Path

from sqlalchemy import event, func, select, text
from sqlalchemy.exc import OperationalError

from ...content.loader import load_courses
from ...content.model import ContentError, Problem
from ...content.render import render_block, render_inline
from ...extensions import db
from ...models import (
    Choice,
    Course,
    DraftCourse,
    LiveSession,
    LiveSessionVersion,
    MediaFile,
    Module,
    ModuleVersion,
    Question,
)
from ...models.types import utcnow
from .. import audit
from ..certification import certification
from ..learning import catalog_version
from .course_links import link_resolver
from .media import store_media
from .session_publishing import publish_sessions

# The PostgreSQL advisory lock every sync takes, so two at once (two terminals, the browser and
# a terminal, two staff members) take turns. Any fixed number does; this one spells "lmsc".
SYNC_LOCK_KEY = 0x6C6D7363


@dataclass
class SyncReport:
    courses_added: list = field(default_factory=list)
    courses_updated: list = field(default_factory=list)
    courses_retired: list = field(default_factory=list)
    versions_added: list = field(default_factory=list)  # "course/module vN"
    modules_retired: list = field(default_factory=list)
    modules_unchanged: int = 0
    session_versions_added: list = field(default_factory=list)  # "course/session vN"
    sessions_retired: list = field(default_factory=list)
    sessions_unchanged: int = 0
    warnings: list = field(default_factory=list)

    @property
    def changed(self):
        return bool(
            self.courses_added
            or self.courses_updated
            or self.courses_retired
            or self.versions_added
            or self.modules_retired
            or self.session_versions_added
            or self.sessions_retired
        )


def sync_courses(root, shown=None, actor_id=None, known_categories=(), record=None):
    """Publish the courses folder at `root` (or one course folder). Raises ContentError on errors.

    A single course folder publishes that course only; a courses folder also retires the courses
    that are no longer in it. A sync that changed something is audited ("course.synced", by
    `actor_id`; None: a command-line task) in the same transaction. `known_categories`: CE
    categories named by courses not in `root` (see load_courses). `record(report)`, when given,
    is called inside the transaction instead of that audit, to audit and record the publish its
    own way (the workspace's publish of one course).
    """
    result = load_courses(root, shown, known_categories)
    if result.errors:
        raise ContentError(result.problems)
    report = SyncReport(warnings=result.warnings)
    retire_missing = not (Path(root) / "course.md").is_file()
    touched = []
    session = db.session()
    notice = partial(_note_catalog_changes, touched)
    event.listen(session, "before_flush", notice)
    try:
        _wait_for_other_syncs(shown if shown is not None else str(root))
        now = utcnow()
        # A course published from the workspace is edited there: a sync from disk (record is
        # None) neither overwrites nor retires it, and says so.
        in_workspace = set() if record is not None else _published_from_workspace()
        for course in result.courses:
            if course.slug in in_workspace:
                report.warnings.append(
                    Problem(
                        f"{shown or root}/{course.slug}" if retire_missing else str(shown or root),
                        None,
                        "not published from this folder: the course is edited and published in "
                        "the course workspace (Staff tools, Course workspace); export it from "
                        "there to work on it as files",
                        warning=True,
                    )
                )
                continue
            _publish_course(course, now, report)
        if retire_missing:
            on_disk = {course.slug for course in result.courses} | in_workspace
            for course in db.session.scalars(select(Course).where(Course.retired_at.is_(None))):
                if course.slug not in on_disk:
                    course.retired_at = now
                    report.courses_retired.append(course.slug)
        if record is not None:
            record(report)
        elif report.changed:
            _record_sync(report, actor_id)
        # Workers drop their copy of the catalog when anything in it changed, reported or not
        # (a module set back to an older version, or moved); an unchanged sync writes nothing.
        db.session.flush()  # so that the last changes are noted too
        if report.changed or touched:
            catalog_version.bump()
        # A module retired or a requirement lowered may complete some trainees' requirements. A
        # course's content hash covers its modules and sessions, so courses_updated names every
        # course changed here (a course new here has no trainees yet).
        if report.courses_updated:
            certification.recheck_after_commit(report.courses_updated)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        event.remove(session, "before_flush", notice)
    return report


# What the catalog copy holds (of live sessions: their current versions' titles and skills).
CATALOG_ROWS = (
    Course,
    Module,
    ModuleVersion,
    Question,
    Choice,
    MediaFile,
    LiveSession,
    LiveSessionVersion,
)


def _note_catalog_changes(touched, session, flush_context, instances):
    """Before each flush of a sync: note whether it writes anything the catalog copy holds."""
    changed = chain(
        session.new, session.deleted, (o for o in session.dirty if session.is_modified(o))
    )
    if any(isinstance(row, CATALOG_ROWS) for row in changed):
        touched.append(True)


def _wait_for_other_syncs(shown):
    """Make this transaction the only one publishing until it ends; wait for one running now.

    Without this, two syncs of the same change both saw the old content and both published it
    (two new versions, two "course.synced" events). The lock comes before anything is read, so
    the second sync reads what the first committed and finds nothing to do. PostgreSQL: an
    advisory lock held until commit or rollback. SQLite: its one write lock, taken now
    (BEGIN IMMEDIATE) instead of at the first write; it waits up to the driver's timeout (5 s),
    then the sync says another one is running.
    """
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SYNC_LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        if connection.connection.driver_connection.in_transaction:
            return  # this transaction has written already, so it holds the write lock
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except OperationalError as error:
            if "locked" not in str(error.orig):
                raise
            raise ContentError(
                [
                    Problem(
                        shown,
                        None,
                        "another sync is publishing courses right now: "
                        "try again when it has finished",
                    )
                ]  # fmt: skip
            ) from None


def _published_from_workspace():
    """Slugs of the courses last published from the course workspace."""
    return set(
        db.session.scalars(select(DraftCourse.slug).where(DraftCourse.published_at.is_not(None)))
    )


def _record_sync(report, actor_id):
    lists = {
        "courses_added": report.courses_added,
        "courses_updated": report.courses_updated,
        "courses_retired": report.courses_retired,
        "versions_added": report.versions_added,
        "modules_retired": report.modules_retired,
    }
    summary = (
        f"Courses: {len(report.courses_added)} added, {len(report.courses_updated)} updated, "
        f"{len(report.courses_retired)} retired; modules: {len(report.versions_added)} new "
        f"versions, {len(report.modules_retired)} retired"
    )
    if report.session_versions_added or report.sessions_retired:
        lists["session_versions_added"] = report.session_versions_added
        lists["sessions_retired"] = report.sessions_retired
        summary += (
            f"; live sessions: {len(report.session_versions_added)} new versions, "
            f"{len(report.sessions_retired)} retired"
        )
    audit.record("course.synced", summary, actor_id=actor_id, **lists)


def _publish_course(source, now, report):
    course = db.session.scalar(select(Course).where(Course.slug == source.slug))
    resolve = link_resolver(source)
    changed = course is None or course.content_hash != source.content_hash
    if course is None:
        course = Course(slug=source.slug, version=1, published_at=now)
        db.session.add(course)
        report.courses_added.append(source.slug)
    elif changed:
        course.version += 1
        report.courses_updated.append(source.slug)
    elif course.retired_at is not None:
        report.courses_updated.append(source.slug)
    course.retired_at = None
    if changed:
        course.title = source.title
        course.summary = source.summary
        course.overview_html = render_block(source.overview, resolve)
        course.pass_mark = source.pass_mark
        course.certificate_title = source.certificate_title
        course.certificate_valid_for_months = source.certificate_valid_for_months
        course.ethics_html = render_block(source.ethics, resolve) if source.ethics else None
        course.ethics_hash = (
            hashlib.sha256(source.ethics.encode("utf-8")).hexdigest() if source.ethics else None
        )
        course.supervised_hours = source.supervised_hours
        course.work_hours = source.work_hours
        course.supervision_hours = source.supervision_hours
        course.domains = list(source.domains)
        course.training_hours = dict(source.training_hours)
        course.required_sessions = list(source.required_sessions)
        course.required_checklists = list(source.required_checklists)
        course.renewal = dict(source.renewal)
        course.content_hash = source.content_hash
        course.updated_at = now
    store_media(source.media)
    db.session.flush()

    existing = {
        m.slug: m for m in db.session.scalars(select(Module).where(Module.course_id == course.id))
    }
    known_versions = {
        (module_id, content_hash): number
        for module_id, content_hash, number in db.session.execute(
            select(ModuleVersion.module_id, ModuleVersion.content_hash, ModuleVersion.number)
            .join(Module)
            .where(Module.course_id == course.id)
        )
    }
    latest = dict(
        db.session.execute(
            select(ModuleVersion.module_id, func.max(ModuleVersion.number))
            .join(Module)
            .where(Module.course_id == course.id)
            .group_by(ModuleVersion.module_id)
        ).all()
    )
    for position, source_module in enumerate(source.modules, start=1):
        module = existing.pop(source_module.slug, None)
        if module is None:
            module = Module(course_id=course.id, slug=source_module.slug, position=position,
                            current_version_number=0)  # fmt: skip
            db.session.add(module)
            db.session.flush()
        module.position = position
        module.retired_at = None
        number = known_versions.get((module.id, source_module.content_hash))
        if number is None:
            number = latest.get(module.id, 0) + 1
            _add_version(module, number, source_module, resolve)
            report.versions_added.append(f"{source.slug}/{source_module.slug} v{number}")
        elif number == module.current_version_number:
            report.modules_unchanged += 1
        module.current_version_number = number
    for module in existing.values():
        if module.retired_at is None:
            module.retired_at = now
            report.modules_retired.append(f"{source.slug}/{module.slug}")
    publish_sessions(source, course, now, report)


def _add_version(module, number, source, resolve):
    version = ModuleVersion(
        module_id=module.id,
        number=number,
        content_hash=source.content_hash,
        title=source.title,
        minutes=source.minutes,
        domain=source.domain,
        domain_minutes=dict(source.domain_minutes or {source.domain: source.minutes}),
        objectives=list(source.objectives),
        pass_mark=source.pass_mark,
        max_attempts=source.max_attempts,
        retry_after_minutes=source.retry_after_minutes,
        wait_after_failures=source.wait_after_failures,
        draw=source.draw,
        review=source.review,
        requires=list(source.requires),
        lesson_html=render_block(source.lesson, resolve),
        ce_minutes=source.ce.minutes if source.ce else None,
        ce_category=source.ce.category if source.ce else None,
    )
    for q_position, source_question in enumerate(source.questions, start=1):
        question = Question(
            position=q_position,
            kind=source_question.kind,
            stem_html=render_inline(source_question.stem, resolve),
            scenario_html=render_block(source_question.scenario, resolve, anchors=False),
            explanation_html=render_block(source_question.explanation, resolve, anchors=False),
        )
        question.choices = [
            Choice(
                position=c_position, text_html=render_inline(c.text, resolve), is_correct=c.correct
            )  # fmt: skip
            for c_position, c in enumerate(source_question.choices, start=1)
        ]
        version.questions.append(question)
    db.session.add(version)
