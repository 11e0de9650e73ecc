"""The one place a draft file's bytes change: each write adds a revision, none is rewritten."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from ... import clock
from ...extensions import db
from ...models import DraftCourse, DraftFile, DraftRevision
from .errors import WorkspaceError


@contextmanager
def transaction():
    """Commit what the block did, or roll all of it back when it raises."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def put(course, path, content, author_id=None, note="saved"):
    """Make `content` (bytes) the current revision of `path` in the draft `course`: a new file, a
    deleted one brought back, or the next revision of a live one. Returns the DraftFile (flushed,
    not committed: the caller's transaction decides). No conflict check: an editor that must not
    overwrite another person's save compares the revision it started from first."""
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
    db.session.flush()
    return _revised(course, draft, content, author_id, note)


def _revised(course, draft, content, author_id, note):
    """Stamp the draft's current revision (already numbered) and keep it as a DraftRevision:
    `content` None records a deletion. Flushed."""
    now = clock.now()
    draft.updated_at = now
    draft.updated_by_id = author_id
    course.updated_at = now
    db.session.add(
        DraftRevision(
            file_id=draft.id,
            number=draft.revision,
            path=draft.path,
            content=content,
            author_id=author_id,
            created_at=now,
            note=note,
        )
    )
    db.session.flush()
    return draft


def move(course, moves, author_id=None):
    """Give files new paths, keeping each one's row and history: `moves` is {old path: new path}
    of live files. Each moved file gets a revision, note "renamed from <old path>". The paths may
    swap among themselves (reordering renumbers several files at once). Flushed, not committed."""
    drafts = {
        draft.path: draft
        for draft in db.session.scalars(
            select(DraftFile).where(DraftFile.course_id == course.id, DraftFile.path.in_(moves))
        )
    }
    # every row off its path first, so that no two rows share a path on the way
    for draft in drafts.values():
        draft.path = f"{draft.path}.moving-{draft.id}"
    db.session.flush()
    for old, new in moves.items():
        drafts[old].path = new
    db.session.flush()
    return [put(course, new, drafts[old].content, author_id, f"renamed from {old}"[:200])
            for old, new in moves.items()]  # fmt: skip


def remove(course, path, author_id=None, note="deleted"):
    """Delete a live file: a revision with no content; the row keeps its last bytes and its
    history, so the file can be restored. Flushed, not committed."""
    draft = db.session.scalar(
        select(DraftFile).where(DraftFile.course_id == course.id, DraftFile.path == path)
    )
    draft.revision += 1
    draft.deleted_at = clock.now()
    return _revised(course, draft, None, author_id, note)


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


def live_snapshot(course):
    """({path: bytes}, {path: revision number}) of the course's files that are not deleted, in
    path order, from one read: the bytes a page previews and checks (or a publish publishes) and
    the revisions its fingerprint names are of the same moment."""
    rows = db.session.execute(
        select(DraftFile.path, DraftFile.content, DraftFile.revision)
        .where(DraftFile.course_id == course.id, DraftFile.deleted_at.is_(None))
        .order_by(DraftFile.path)
    ).all()
    return (
        {path: content for path, content, _ in rows},
        {path: revision for path, _, revision in rows},
    )


def file_at(course, path, lock=False):
    """The course's DraftFile at `path` (live or deleted), or None.

    `lock`: read it fresh and hold it until the transaction ends, so that a second save that
    started from the same revision waits, then sees the revision this one adds (PostgreSQL: the
    row, FOR UPDATE; SQLite: its one write lock, taken now rather than at the first write)."""
    query = select(DraftFile).where(DraftFile.course_id == course.id, DraftFile.path == path)
    if lock:
        _take_write_lock()
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def _take_write_lock():
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    if connection.connection.driver_connection.in_transaction:
        return  # this transaction has written already, so it holds the write lock
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except OperationalError as error:
        if "locked" not in str(error.orig):
            raise
        raise WorkspaceError("someone else is saving this course right now: try again") from None


def revision_of(draft, number):
    """Revision `number` of a draft file, or None."""
    return db.session.scalar(
        select(DraftRevision).where(
            DraftRevision.file_id == draft.id, DraftRevision.number == number
        )
    )
