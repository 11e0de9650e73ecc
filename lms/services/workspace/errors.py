"""What the workspace refuses, in words for the person at the editor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..errors import FieldErrors


class WorkspaceError(FieldErrors):
    """A change to a draft course that cannot be made; the message says what to do instead."""


@dataclass(frozen=True)
class Version:
    """One side of a conflict: a file's text at a revision, who saved it and when."""

    text: str | None  # None: the file was deleted
    revision: int | None = None
    author: str | None = None
    saved_at: datetime | None = None


class Conflict(WorkspaceError):
    """The file moved on since the editor opened it: someone else saved (or deleted) it. Carries
    `theirs` (the file now), `mine` (the text sent) and `base` (the text the editor started
    from, None for a new file), so the page can show both and let the person merge; saving the
    merged text with `theirs.revision` as the base then succeeds."""

    def __init__(self, path, theirs, mine, base):
        self.path, self.theirs, self.mine, self.base = path, theirs, mine, base
        who = theirs.author or "someone"
        what = "deleted" if theirs.text is None else "saved"
        super().__init__(
            f"{who} {what} {path} (revision {theirs.revision}) after you opened it: compare "
            "the two versions, merge them, then save again"
        )


class NotPublishable(WorkspaceError):
    """The course has errors; `content_problems` lists every problem found (warnings too), each
    a content Problem located "<slug>/<path>:<line>". (`problems` is FieldErrors' message.)"""

    def __init__(self, slug, problems):
        self.content_problems = list(problems)
        errors = sum(not p.warning for p in self.content_problems)
        super().__init__(
            f"{slug} has {errors} error{'s' if errors != 1 else ''}: fix them, then publish"
        )
