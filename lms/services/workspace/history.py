"""A draft file's history: its revisions (who, when, what), the diff between any two, and
restoring an old one as a new revision."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ...extensions import db
from ...models import DraftRevision, User
from . import store
from .errors import WorkspaceError


@dataclass(frozen=True)
class RevisionEntry:
    number: int
    path: str  # the file's path at that revision
    author: str | None
    saved_at: datetime
    note: str
    deleted: bool


def history(course, path):
    """The revisions of the file at `path` (live or deleted), newest first."""
    draft = _existing(course, path)
    rows = db.session.execute(
        select(DraftRevision, User.name)
        .outerjoin(User, User.id == DraftRevision.author_id)
        .where(DraftRevision.file_id == draft.id)
        .order_by(DraftRevision.number.desc())
    )
    return [
        RevisionEntry(r.number, r.path, name, r.created_at, r.note, r.content is None)
        for r, name in rows
    ]


def diff(course, path, old, new):
    """A unified diff of the file's text from revision `old` to revision `new` ('' if the same)."""
    draft = _existing(course, path)
    before, after = _revision(draft, old), _revision(draft, new)
    return "".join(
        difflib.unified_diff(
            _lines(before.content),
            _lines(after.content),
            f"{before.path} (revision {old})",
            f"{after.path} (revision {new})",
        )  # fmt: skip
    )


def restore(course, path, number, author_id=None):
    """Make revision `number` the file's content again (a new revision, "restored revision N");
    a deleted file comes back this way."""
    draft = _existing(course, path)
    revision = _revision(draft, number)
    if revision.content is None:
        raise WorkspaceError(
            f"revision {number} is the file's deletion: restore one from before it"
        )
    with store.transaction():
        return store.put(course, draft.path, revision.content, author_id,
                         f"restored revision {number}")  # fmt: skip


def _lines(content):
    return [] if content is None else content.decode("utf-8", "replace").splitlines(keepends=True)


def _existing(course, path):
    draft = store.file_at(course, path)
    if draft is None:
        raise WorkspaceError(f"there is no file {path} in this course")
    return draft


def _revision(draft, number):
    revision = store.revision_of(draft, number)
    if revision is None:
        raise WorkspaceError(f"{draft.path} has no revision {number}")
    return revision
