"""The one place a draft file's bytes change: each write adds a revision, none is rewritten."""

from __future__ import annotations

from sqlalchemy import select

from ... import clock
from ...extensions import db
from ...models import DraftCourse, DraftFile, DraftRevision


def put(course, path, content, author_id=None, note="saved"):
    """Make `content` (bytes) the current revision of `path` in the draft `course`: a new file, a
    deleted one brought back, or the next revision of a live one. Returns the DraftFile (flushed,
    not committed: the caller's transaction decides). No conflict check: an editor that must not
    overwrite another person's save compares the revision it started from first."""
    now = clock.now()
    draft = db.session.scalar(
        select(DraftFile).where(DraftFile.course_id == course.id, DraftFile.path == path)
    )
    if draft is None:
        draft = DraftFile(course_id=course.id, path=path, content=content, revision=1)
        db.session.add(draft)
    else:
        draft.revision += 1
        draft.content = content
        draft.deleted_at = None
    draft.updated_at = now
    draft.updated_by_id = author_id
    course.updated_at = now
    db.session.flush()
    db.session.add(
        DraftRevision(
            file_id=draft.id,
            number=draft.revision,
            path=path,
            content=content,
            author_id=author_id,
            created_at=now,
            note=note,
        )
    )
    db.session.flush()
    return draft


def remove(course, path, author_id=None, note="deleted"):
    """Delete a live file: a revision with no content; the row keeps its last bytes and its
    history, so the file can be restored. Flushed, not committed."""
    now = clock.now()
    draft = db.session.scalar(
        select(DraftFile).where(DraftFile.course_id == course.id, DraftFile.path == path)
    )
    draft.revision += 1
    draft.deleted_at = now
    draft.updated_at = now
    draft.updated_by_id = author_id
    course.updated_at = now
    db.session.add(
        DraftRevision(
            file_id=draft.id,
            number=draft.revision,
            path=path,
            content=None,
            author_id=author_id,
            created_at=now,
            note=note,
        )
    )
    db.session.flush()
    return draft


def course_by_slug(slug):
    return db.session.scalar(select(DraftCourse).where(DraftCourse.slug == slug))


def live_files(course):
    """{path: bytes} of the course's files that are not deleted, in path order."""
    rows = db.session.execute(
        select(DraftFile.path, DraftFile.content)
        .where(DraftFile.course_id == course.id, DraftFile.deleted_at.is_(None))
        .order_by(DraftFile.path)
    )
    return {path: content for path, content in rows}
