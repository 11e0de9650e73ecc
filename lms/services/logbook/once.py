"""One entry per sending of a logbook form, however many times it arrives: a double tap on a
phone, or the same form sent again after a slow network, must not make two entries that both
count toward a certificate and both wait for a review.

The form carries a one-time token, made when it is shown. The entry is stored with a key made
from that token and what the form said, under a unique (user_id, submission_key): a second
arrival finds the first one's entry, or, arriving at the same moment, is refused by the database
and then finds it. A form sent again with other values (Back, edit, send) is another entry.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...extensions import db


def submission_key(token, *values):
    """The key an entry is stored under: the form's token with what it said (None: no token)."""
    if not token:
        return None
    said = "\x1f".join(str(value) for value in (token, *values))
    return hashlib.sha256(said.encode()).hexdigest()


def logged_earlier(model, user_id, key):
    """The entry this person's form already made with this key, or None."""
    if key is None:
        return None
    return db.session.scalar(
        select(model).where(model.user_id == user_id, model.submission_key == key)
    )


def commit_once(entry):
    """Commit the session, which holds the new `entry`: (entry, True). When another arrival of
    the same form committed first, roll back everything this one added and return theirs:
    (their entry, False)."""
    model, user_id, key = type(entry), entry.user_id, entry.submission_key
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        earlier = logged_earlier(model, user_id, key)
        if earlier is None:  # refused for another reason
            raise
        return earlier, False
    return entry, True
