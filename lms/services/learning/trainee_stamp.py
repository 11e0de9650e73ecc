"""The trainee stamp (models/stamps.py): one number per trainee that the database moves whenever
something their certificate checklist is read from changes. Read with the signed-in account on
every request (services/people/sessions.py), at no extra query, and handed to whatever keeps
something made from that trainee's record (services/certification/kept_checklists.py)."""

from sqlalchemy import bindparam, select

from ...extensions import db
from ...models import TraineeStamp, User
from .. import read_once

_SEEN = "lms.trainee_stamp"  # session.info key, with the trainee's id
# Built once: the session check reads it on every request, and one trainee's by id when a page
# asks about someone the session check did not load.
_OF_SIGNED_IN = (
    select(TraineeStamp.version).where(TraineeStamp.user_id == User.id).scalar_subquery()
)
_OF_TRAINEE = select(TraineeStamp.version).where(TraineeStamp.user_id == bindparam("user_id"))


def as_of_now():
    """A column with the stamp of the account a query selects (User), NULL while it has none,
    to hand to noted()."""
    return _OF_SIGNED_IN.label("trainee_stamp")


def noted(user_id, stamp):
    """Remember the stamp a query of this transaction read with as_of_now()."""
    read_once.note((_SEEN, user_id), stamp or 0)


def current(user_id):
    """The trainee's stamp as this transaction sees it, read once per transaction; 0 while the
    trainee has none."""
    return read_once.value(
        (_SEEN, user_id), lambda: db.session.scalar(_OF_TRAINEE, {"user_id": user_id}) or 0
    )
