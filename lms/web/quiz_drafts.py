"""What a quiz form was made for, and answers kept while a signed-out trainee signs in again.

Each quiz form carries `shown`: the attempt's id and attempts.order_digest, signed with the app's
secret, so the server can refuse a form restored onto another attempt, and so that only a form
this site made for that attempt can leave answers waiting in the session (a forged cross-site
post cannot pre-tick someone's quiz). When a trainee answers while signed out (no session,
expired or ended), their answers wait in the session, survive the sign-in, and are ticked again
on the same attempt, unsent, only if that attempt is the open one of the account that signs in.
"""

import json

from flask import current_app, session
from itsdangerous import BadData, URLSafeSerializer

from ..services.learning import attempts

_DRAFT = "quiz_draft"


def _signer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="lms.quiz-shown")


def shown_token(attempt):
    return _signer().dumps([attempt.id, attempts.order_digest(attempt)])


def read_shown(token, attempt_id):
    """The order digest a form's `shown` token vouches for, or None if it is not this site's
    token for attempt `attempt_id`."""
    try:
        signed_id, digest = _signer().loads(token or "")
    except (BadData, TypeError, ValueError):
        return None
    return digest if signed_id == attempt_id and isinstance(digest, str) else None


# The session is a cookie, and browsers drop cookies over 4 KB: a real quiz's answers take a few
# hundred bytes, so anything much larger is not a quiz form this site made.
_MOST_BYTES = 2000


def keep(quiz_path, attempt_id, token, answers):
    """Keep unsent answers for the quiz at `quiz_path`, if the form is one this site made."""
    if read_shown(token, attempt_id) is None:
        return
    kept = {str(q_id): ids for q_id, ids in answers.items()}
    if len(json.dumps(kept)) > _MOST_BYTES:
        return
    session[_DRAFT] = {"quiz": quiz_path, "shown": token, "answers": kept}


def waiting():
    """Are there answers waiting for the trainee to sign in again?"""
    return _DRAFT in session


def across_sign_in():
    """Take the waiting answers out before the session is cleared; give them to `put_back`."""
    return session.pop(_DRAFT, None)


def put_back(draft):
    if draft is not None:
        session[_DRAFT] = draft


def take(quiz_path, attempt):
    """The answers waiting for this quiz, for ticking on `attempt`: ("restored", answers), or
    ("not_restored", None) when they were made for another attempt (sent meanwhile, changed, or
    another account's, or the quiz is closed: `attempt` None), or (None, None) when nothing
    waits for this quiz."""
    draft = session.get(_DRAFT)
    if draft is None or draft.get("quiz") != quiz_path:
        return None, None
    session.pop(_DRAFT)
    if attempt is None or read_shown(draft["shown"], attempt.id) != attempts.order_digest(attempt):
        return "not_restored", None
    return "restored", {int(q_id): ids for q_id, ids in draft["answers"].items()}
