"""Issuing a training transcript (a code, a snapshot, an audit event), the transcripts issued
before, who may see a trainee's transcript, and what /verify may tell about a transcript code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import Transcript, User
from ...models.types import utcnow
from .. import audit
from ..certification import codes
from ..people import supervision
from .record import NotFound, day_in, transcript_for

PREFIX = "TR"
_MAX_CODE_TRIES = 5


class MistypedCode(NotFound):
    """The code cannot be one we issued: its shape or its check character is wrong."""


def check_may_view(viewer, trainee_id):
    """Raise NotFound unless `trainee_id` is a trainee whose records the viewer may see
    (supervision.can_view_trainee: staff all, a supervisor their current trainees, a trainee
    themself), exactly as for a trainee that does not exist."""
    trainee = db.session.get(User, trainee_id)
    if (
        trainee is None
        or not trainee.has_role("trainee")
        or not supervision.can_view_trainee(viewer, trainee_id)
    ):
        raise NotFound(str(trainee_id))
    return trainee


def issue(user_id, issued_by_id, zone=None, now=None):
    """Issue the trainee's transcript as it stands: a new code, its snapshot and its audit event,
    committed. Returns (Transcript, TranscriptData)."""
    now = now or utcnow()
    data = transcript_for(user_id, zone, now)
    for _ in range(_MAX_CODE_TRIES):
        row = Transcript(
            code=codes.new_code(PREFIX), user_id=user_id, issued_at=now,
            issued_by_id=issued_by_id, snapshot=data.snapshot(),
        )  # fmt: skip
        try:
            with db.session.begin_nested():
                db.session.add(row)
                audit.record(
                    "transcript.issued",
                    f"Training transcript {row.code} issued",
                    actor_id=issued_by_id, subject_id=user_id, code=row.code,
                )  # fmt: skip
        except IntegrityError:
            continue  # the code was taken: draw another
        db.session.commit()
        return row, data
    raise RuntimeError("could not find an unused transcript code")


def issued_for(user_id):
    """The transcripts issued to this trainee, newest first."""
    return list(
        db.session.scalars(
            select(Transcript)
            .where(Transcript.user_id == user_id)
            .order_by(Transcript.issued_at.desc(), Transcript.id.desc())
        )
    )


@dataclass(frozen=True)
class Verification:
    """What the public may learn from a transcript code: who it was issued to, and when.
    `holder` is None once the trainee's account was erased."""

    code: str
    holder: str | None
    issued_on: date


def is_transcript_code(code):
    return codes.normalise_code(code).startswith(PREFIX + "-")


def verify(code, zone=None):
    """The public facts of the transcript with this code. Raises NotFound or MistypedCode."""
    code = codes.normalise_code(code)
    if not codes.is_well_formed(code):
        raise MistypedCode(code)
    found = db.session.execute(
        select(Transcript.code, Transcript.issued_at, User.name, User.erased_at)
        .join(User, User.id == Transcript.user_id)
        .where(Transcript.code == code)
    ).first()
    if found is None:
        raise NotFound(code)
    return Verification(
        code=found.code,
        holder=None if found.erased_at is not None else found.name,
        issued_on=day_in(found.issued_at, zone),
    )
