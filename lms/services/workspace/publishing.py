"""Publishing one draft course: what a publish would change (against the files it last published
and the course as published now), and the publish itself, through the same sync as the command
line on the course's folder alone, so one broken draft never blocks another course."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from sqlalchemy import select

from ... import clock
from ...content.loader import load_courses
from ...extensions import db
from ...models import Course, DraftFile, DraftRevision, LiveSession, Module
from .. import audit
from ..authoring.publishing import sync_courses
from . import checking, paths, reviewing, store
from .errors import NotPublishable


@dataclass(frozen=True)
class UnitChange:
    """A module or live session a publish adds, changes or retires."""

    kind: str  # "module" or "session"
    slug: str
    path: str  # now (added, changed) or as last published (retired)
    diff: str | None = None  # changed: the text from the last publish to now, when known


@dataclass
class PublishPreview:
    added: list = field(default_factory=list)  # [UnitChange]
    changed: list = field(default_factory=list)
    retired: list = field(default_factory=list)
    course_diff: str | None = None  # course.md from the last publish to now ('' unchanged)
    other_files: list = field(default_factory=list)  # other paths added, changed or removed

    @property
    def course_changed(self):
        return bool(self.course_diff) or self.course_diff is None

    @property
    def nothing(self):
        return not (
            self.added or self.changed or self.retired or self.course_changed or self.other_files
        )

    def summary(self):
        def names(changes):
            return ", ".join(c.slug for c in changes) or "none"

        return (
            f"added: {names(self.added)}; changed: {names(self.changed)}; "
            f"retired: {names(self.retired)}; course.md "
            f"{'changed' if self.course_changed else 'unchanged'}"
        )


def preview(course, files=None):
    """What publishing the draft course now (or its `files`, {path: bytes}) would change."""
    now = store.live_files(course) if files is None else files
    published = course.published or {}
    then = {path: _published_text(course, path, number) for path, number in published.items()}
    live = _live_slugs(course.slug)
    result = PublishPreview()
    for kind in ("module", "session"):
        before = {_slug(p): p for p in then if paths.kind_of(p) == kind}
        after = {_slug(p): p for p in now if paths.kind_of(p) == kind}
        published_slugs = set(before) | live[kind]
        for slug, path in after.items():
            if slug not in published_slugs:
                result.added.append(UnitChange(kind, slug, path))
            elif slug not in before:  # published from disk: its text is not in the workspace
                result.changed.append(UnitChange(kind, slug, path))
            elif then[before[slug]] != now[path]:
                diff = _diff(then[before[slug]], now[path], before[slug], path)
                result.changed.append(UnitChange(kind, slug, path, diff))
        for slug in sorted(published_slugs - set(after)):
            result.retired.append(UnitChange(kind, slug, before.get(slug, slug)))
    if paths.COURSE_FILE in then:
        result.course_diff = _diff(
            then[paths.COURSE_FILE], now.get(paths.COURSE_FILE), "course.md", "course.md"
        )
    others = {p for p in [*then, *now] if paths.kind_of(p) in ("ethics", "media")}
    result.other_files = sorted(p for p in others if then.get(p) != now.get(p))
    return result


def publish(course, actor_id=None, review="off", seen=None):
    """Publish the draft course: refused with NotPublishable (every problem) when it has errors,
    warnings do not block; with reviewing.DraftChanged when `seen` (the fingerprint of the
    revisions the publisher's preview showed) no longer matches the draft; with
    reviewing.PublishRefused when the two-person rule (`review`: LMS_PUBLISH_REVIEW) forbids it.
    Otherwise one transaction syncs this course alone, records the revisions published on the
    draft, closes the course's open requests as published, and audits "course.published" with
    the change summary and the requests. Returns the sync's SyncReport (changed False: nothing
    to publish, nothing written)."""
    # the bytes published and the revisions recorded for them come from one read
    files, revisions = store.live_snapshot(course)
    if seen is not None and seen != reviewing.fingerprint(revisions):
        db.session.rollback()
        raise reviewing.DraftChanged()
    known = checking.known_categories(course.slug)
    changes = preview(course, files)

    def record(report):
        if course.published != revisions or report.changed:
            course.published = revisions
            course.published_at = clock.now()
            course.published_by_id = actor_id
        if report.changed:
            closed = reviewing.close_as_published(course, actor_id)
            asked = ", ".join(f"{s.requested_by} (request {s.request.id})" for s in closed)
            asked = f"; requested by {asked}" if asked else ""
            audit.record(
                "course.published",
                f"{course.slug}: {changes.summary()}{asked}",
                actor_id=actor_id,
                course=course.slug,
                added=[c.slug for c in changes.added],
                changed=[c.slug for c in changes.changed],
                retired=[c.slug for c in changes.retired],
                course_file_changed=changes.course_changed,
                versions_added=report.versions_added,
                modules_retired=report.modules_retired,
                session_versions_added=report.session_versions_added,
                sessions_retired=report.sessions_retired,
                requests=[shown.request.id for shown in closed],
                requested_by=[shown.requested_by for shown in closed],
            )

    with checking.materialized(course, files) as folder:
        result = load_courses(folder, course.slug, known)
        # a folder without course.md would be read as a folder of courses, and its sync would
        # retire every other course; the reader reports it missing, which stops here
        if result.errors or not (folder / paths.COURSE_FILE).is_file():
            db.session.rollback()
            raise NotPublishable(course.slug, result.problems)
        try:
            reviewing.check_publisher(course, actor_id, review, result.courses[0])
        except reviewing.PublishRefused:
            db.session.rollback()
            raise
        return sync_courses(folder, course.slug, actor_id, known, record)


def _slug(path):
    return paths.number_and_slug(path)[1]


def _published_text(course, path, number):
    return db.session.scalar(
        select(DraftRevision.content)
        .join(DraftFile, DraftFile.id == DraftRevision.file_id)
        .where(
            DraftFile.course_id == course.id,
            DraftRevision.path == path,
            DraftRevision.number == number,
        )
    )


def _live_slugs(slug):
    """{"module": slugs, "session": slugs} live in the published course `slug` now."""
    course_id = db.session.scalar(select(Course.id).where(Course.slug == slug))
    if course_id is None:
        return {"module": set(), "session": set()}
    return {
        kind: set(
            db.session.scalars(
                select(model.slug).where(model.course_id == course_id, model.retired_at.is_(None))
            )
        )
        for kind, model in (("module", Module), ("session", LiveSession))
    }


def _diff(before, after, before_name, after_name):
    def lines(content):
        return [] if content is None else content.decode("utf-8", "replace").splitlines(True)

    return "".join(
        difflib.unified_diff(
            lines(before), lines(after), f"{before_name} (published)", f"{after_name} (draft)"
        )
    )
