"""The course page's certificate checklist, kept by each worker for the trainees it served.

Making a checklist takes five queries (signatures, practice hours, passed modules' minutes,
attendance, the next meetings): a third of the course page's time. What it is made from changes
seldom next to how often the page is read, and the database says when it does: the trainee's
stamp (models/stamps.py) moves with every change to their record that a checklist reads, the
catalog version with every publish. A kept checklist is used again while both numbers are the
ones it was made under, the quizzes passed (which the page reads anyway) are the same, and no
meeting it names as the next one has begun; otherwise it is made again. The numbers live in the
database every worker and instance shares, so a change made through one is seen by all.

A worker keeps at most KEPT checklists, the least recently used going first: about 5.5 kB each
for a course that asks for everything (Foundations, 15 items), so at most about 1.4 MB, beside
a worker's 67 MB. That serves a few hundred trainees at once, who come back to the course page
between modules within minutes. The checklists hold one trainee's standing, in this process's
memory only, and are used only for that trainee's own pages.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from ...extensions import db
from ...models.types import utcnow
from ..learning import catalog_version, trainee_stamp
from . import requirements

KEPT = 256


@dataclass(frozen=True)
class _Kept:
    made_under: tuple  # (trainee stamp, catalog version, quizzes passed)
    until: datetime | None  # the start of the soonest next meeting it names
    items: tuple  # (requirements.ChecklistItem,), frozen


# One store per database (engine): tests and tools may run several apps in one process.
_stores = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def checklist(user_id, course, passed=None, now=None):
    """requirements.checklist(user_id, course, passed), from what this worker kept when it is
    still true. `course`: a published course (catalog snapshot)."""
    now = now or utcnow()
    made_under = (trainee_stamp.current(user_id), catalog_version.current(), passed)
    key = (user_id, course.id)
    with _lock:
        store = _stores.setdefault(db.engine, OrderedDict())
        kept = store.get(key)
        if (
            kept is not None
            and kept.made_under == made_under
            and (kept.until is None or now < kept.until)
        ):
            store.move_to_end(key)
            return list(kept.items)
    items = requirements.checklist(user_id, course, passed, now=now)
    starts = [item.next_at for item in items if item.next_at is not None]
    fresh = _Kept(made_under, min(starts, default=None), tuple(items))
    with _lock:
        store[key] = fresh
        store.move_to_end(key)
        while len(store) > KEPT:
            store.popitem(last=False)
    return items
