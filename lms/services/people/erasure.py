"""Erasing a trainee: an admin removes their personal data, or is told why it cannot be done.

Erasing removes the personal data and the records of their learning in one transaction. The
account row stays (emptied) so that the audit log, issued certificates and transcripts keep
pointing at something; they stay verifiable by their code, without the holder's name.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select, update

from ...extensions import db
from ...models import (
    STAFF_ROLES,
    Attendance,
    CEEntry,
    CEEvidence,
    Enrolment,
    EthicsSignature,
    ModuleProgress,
    OutgoingEmail,
    PracticeSession,
    QuizAttempt,
    SentNotice,
    SignInThrottle,
    SupervisorAssignment,
    Transcript,
    User,
)
from ...models.types import utcnow
from .. import audit
from . import privacy

ERASED_NAME = "Erased account"


class ErasureRefused(ValueError):
    """An erasure that cannot be carried out; the message says why, for a person."""


def account_to_erase(admin_id, user_id):
    """The account an admin is about to erase, and why it cannot be (None when it can).

    Raises privacy.NotFound when no account has this id."""
    user = privacy.account(user_id)
    return user, _refusal(db.session.get(User, admin_id), user)


def erase_trainee(admin_id, user_id, now=None):
    """Erase a trainee's personal data, in one transaction with its audit event. Commits.

    The name, email, password and roles go; so do their module progress, quiz attempts, ethics
    signatures, practice sessions, attendance at live sessions, continuing-education entries
    and their evidence files, enrolments, supervisor
    assignments and sign-in failures. Certificates and issued transcripts stay, so their codes
    still verify ("no longer available" for the holder); a transcript's snapshot is emptied.
    Signed credentials stay as signed (a signature cannot be edited), and so does each one's
    place in its status list, which is never given to another credential.
    Raises ErasureRefused (not an admin, own account, staff or admin account, already erased)
    or privacy.NotFound.
    """
    now = now or utcnow()
    try:
        admin = db.session.get(User, admin_id)
        # The account's row before any of its records: a quiz submission takes it first too
        # (learning.attempts), so the two queue on it rather than each holding what the other
        # needs.
        user = db.session.scalar(
            select(User)
            .where(User.id == user_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if user is None:
            raise privacy.NotFound(str(user_id))
        refusal = _refusal(admin, user)
        if refusal:
            raise ErasureRefused(refusal)
        removed = _remove_records(user, now)
        user.name = ERASED_NAME
        user.email = f"erased-{user.id}@invalid"  # unique, and not an address anyone can own
        user.password_hash = "!erased"  # matches no password: the account cannot sign in
        user.roles = []
        user.erased_at = now
        audit.record(
            "trainee.erased",
            f"Erased the personal data of account #{user.id}",
            actor_id=admin.id, subject_id=user.id, removed=removed,
        )  # fmt: skip
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return user


def _refusal(admin, user):
    """Why `admin` may not erase `user`, for a person; None when they may."""
    if admin is None or not admin.has_role("admin"):
        return "Only an admin can erase an account."
    if user.erased_at is not None:
        return "This account has already been erased."
    if user.id == admin.id:
        return "You cannot erase your own account."
    if user.has_role(*STAFF_ROLES):  # they run the program: not erased from here
        return (
            "This account holds the staff or admin role. Only trainee accounts can be erased: "
            "remove those roles first."
        )
    return None


def _remove_records(user, now):
    """Delete what the trainee did and where they were enrolled; returns how many of each."""
    removed = {}
    for name, model, column in (
        ("module_progress", ModuleProgress, ModuleProgress.user_id),
        ("quiz_attempts", QuizAttempt, QuizAttempt.user_id),
        ("ethics_signatures", EthicsSignature, EthicsSignature.user_id),
        ("practice_sessions", PracticeSession, PracticeSession.user_id),
        ("live_session_attendance", Attendance, Attendance.user_id),
        # entries before the evidence files they point at
        ("ce_entries", CEEntry, CEEntry.user_id),
        ("ce_evidence_files", CEEvidence, CEEvidence.user_id),
        ("enrolments", Enrolment, Enrolment.user_id),
        ("supervisor_assignments", SupervisorAssignment, SupervisorAssignment.trainee_id),
        # emails to them not yet sent, or that failed, keep their address and the whole message
        ("emails", OutgoingEmail, OutgoingEmail.user_id),
        ("sent_notices", SentNotice, SentNotice.user_id),
    ):
        removed[name] = db.session.scalar(
            select(func.count()).select_from(model).where(column == user.id)
        )
        db.session.execute(delete(model).where(column == user.id))
    db.session.execute(delete(SignInThrottle).where(SignInThrottle.email == user.email))
    # Issued transcripts keep their code and date, so that a board can still check one; what
    # they said about the trainee's training goes with the rest of the record.
    removed["transcript_snapshots"] = db.session.execute(
        update(Transcript).where(Transcript.user_id == user.id).values(snapshot={})
    ).rowcount
    # Trainees they supervised keep their own history; the assignments simply end.
    db.session.execute(
        update(SupervisorAssignment)
        .where(
            SupervisorAssignment.supervisor_id == user.id, SupervisorAssignment.ended_at.is_(None)
        )
        .values(ended_at=now)
    )
    return removed
