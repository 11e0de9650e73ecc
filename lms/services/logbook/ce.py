"""The continuing-education (CE) ledger: entries a person logs for training taken elsewhere (with
an evidence file, reviewed by staff) and entries added when they pass a CE module here (approved
as they are made). Only approved entries count toward renewing a certificate
(services.certification.renewal).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import defer, joinedload

from ... import clock
from ...content.ce import union_of_categories
from ...extensions import db
from ...models import (
    STAFF_ROLES,
    CEEntry,
    CEEvidence,
    Course,
    Module,
    ModuleProgress,
    ModuleVersion,
    User,
)
from .. import audit, program_day
from ..certification.certification import add_months
from ..errors import FieldErrors
from . import evidence, once, reviews
from .hours import hours_text, past_day, quarter_hours
from .reviews import DECISIONS, MAX_COMMENT

MAX_MINUTES = 40 * 60
MAX_TITLE = 200
MAX_PROVIDER = 200
OLDEST_YEARS = 5
# Who earned CE here is told it came from the program; the app's name (LMS_SITE_NAME) is passed
# in by the web layer, this only when nothing is.
DEFAULT_PROGRAM = "this training program"


class CEError(FieldErrors):
    """An entry or a review that cannot be recorded; problems by form field."""


class NotFound(LookupError):
    """No such entry or file, or not one this person may see."""


def categories():
    """The CE categories a person can log: those named by the renewal rules of the published,
    non-retired courses, in order of first appearance (courses in catalogue order)."""
    renewals = db.session.scalars(
        select(Course.renewal).where(Course.retired_at.is_(None)).order_by(Course.id)
    )
    return union_of_categories(renewals)


def category_label(category):
    """ "peer-specific" -> "Peer-specific"."""
    return category[:1].upper() + category[1:]


def _minutes(hours):
    """Hours as typed ("1.5", "1,25") -> whole minutes, or a message for the person."""
    if hours is None or str(hours).strip() == "":
        return None, "Enter the number of hours, for example 1.5."
    return quarter_hours(hours, MAX_MINUTES, "Enter between 0.25 and 40 hours.")


def _completed_on(value, now):
    return past_day(
        value, now, add_months(now.date(), -12 * OLDEST_YEARS),
        not_a_date="Enter the date you completed it, for example 2026-11-21.",
        in_the_future="The date is in the future: log training once you have completed it.",
        too_old=f"Training completed more than {OLDEST_YEARS} years ago cannot be logged.",
    )  # fmt: skip


def _text(value, limit, missing, field_name):
    text = " ".join((value or "").split())
    if not text:
        return None, missing
    if len(text) > limit:
        return None, f"Keep the {field_name} to {limit} characters or fewer (this has {len(text)})."
    return text, None


def log_entry(user_id, title, provider, completed_on, hours, category, file_name, file_data,
              now=None, submission=None):  # fmt: skip
    """Record CE taken elsewhere, with its evidence file, waiting for staff review. Commits.

    `submission` is the form's one-time token: the same form arriving again (a double tap, a
    resubmission) records nothing more and returns the entry it recorded the first time.
    Raises CEError naming every field with a problem (title, provider, completed_on, hours,
    category, evidence)."""
    now = now or clock.now()
    problems = {}
    title, problem = _text(title, MAX_TITLE, "Enter the title of the training.", "title")
    if problem:
        problems["title"] = problem
    provider, problem = _text(
        provider, MAX_PROVIDER, "Enter who provided or presented it.", "provider"
    )
    if problem:
        problems["provider"] = problem
    if completed_on is None or completed_on == "":
        problems["completed_on"] = "Enter the date you completed it, for example 2026-11-21."
    else:
        completed_on, problem = _completed_on(completed_on, now)
        if problem:
            problems["completed_on"] = problem
    minutes, problem = _minutes(hours)
    if problem:
        problems["hours"] = problem
    if category not in categories():
        problems["category"] = "Choose the category of continuing education."
    stored = None
    if not file_data:
        problems["evidence"] = (
            "Choose your evidence file: the certificate or letter from the provider, as "
            f"{evidence.TYPES_TEXT}."
        )
    else:
        try:
            stored = evidence.store(user_id, file_name, file_data, now)
        except evidence.EvidenceRefused as refused:
            problems["evidence"] = str(refused)
    if problems:
        raise CEError(problems)
    key = once.submission_key(
        submission, title, provider, completed_on, minutes, category, stored.sha256
    )
    earlier = once.logged_earlier(CEEntry, user_id, key)
    if earlier is not None:
        return earlier
    db.session.add(stored)
    db.session.flush()
    entry = CEEntry(
        user_id=user_id, source="logged", title=title, provider=provider,
        completed_on=completed_on, minutes=minutes, category=category, evidence_id=stored.id,
        status="pending", logged_at=now, submission_key=key,
    )  # fmt: skip
    db.session.add(entry)
    entry, _ = once.commit_once(entry)
    return entry


def record_module_pass(user_id, version, passed_at, program=None):
    """Add the CE a module version grants to the ledger of someone who has just passed it, in
    the caller's transaction (the caller commits). Once per module per person: passing again, or
    passing a newer version, adds nothing. Returns the new entry or None."""
    if not version.ce_minutes or not version.ce_category:
        return None
    # Should two passes ever be graded at once, they wait here for each other on the person's
    # progress row, so the second sees the first's entry (PostgreSQL; SQLite writes one at a time).
    db.session.execute(
        select(ModuleProgress.id)
        .where(ModuleProgress.user_id == user_id, ModuleProgress.module_id == version.module_id)
        .with_for_update()
    )
    already = db.session.scalar(
        select(CEEntry.id).where(
            CEEntry.user_id == user_id,
            CEEntry.source == "module",
            CEEntry.module_id == version.module_id,
        )
    )
    if already is not None:
        return None
    entry = CEEntry(
        user_id=user_id, source="module", title=version.title,
        provider=program or DEFAULT_PROGRAM, completed_on=program_day.day_of(passed_at),
        minutes=version.ce_minutes, category=version.ce_category, module_id=version.module_id,
        module_version_id=version.id, status="approved", logged_at=passed_at,
        reviewed_at=passed_at,
    )  # fmt: skip
    db.session.add(entry)
    return entry


@dataclass(frozen=True)
class CategoryTotals:
    category: str
    approved_minutes: int
    pending_minutes: int


@dataclass(frozen=True)
class Ledger:
    entries: list  # CEEntry, newest first, evidence (without its bytes) loaded
    totals: list  # CategoryTotals, the loggable categories first, then any others held

    @property
    def approved_minutes(self):
        return sum(t.approved_minutes for t in self.totals)

    @property
    def pending_minutes(self):
        return sum(t.pending_minutes for t in self.totals)


def _with_evidence(query):
    return query.options(joinedload(CEEntry.evidence).options(defer(CEEvidence.data)))


def ledger(user_id, known=None):
    """The person's CE entries and their totals by category (`known`: categories(), when the
    caller has it already)."""
    entries = list(
        db.session.scalars(
            _with_evidence(select(CEEntry))
            .where(CEEntry.user_id == user_id)
            .order_by(CEEntry.completed_on.desc(), CEEntry.id.desc())
        )
    )
    sums = {category: [0, 0] for category in (categories() if known is None else known)}
    for entry in entries:
        if entry.status != "rejected":
            sums.setdefault(entry.category, [0, 0])[entry.status == "pending"] += entry.minutes
    totals = [CategoryTotals(name, approved, pending) for name, (approved, pending) in sums.items()]
    return Ledger(entries, totals)


def withdraw(user_id, entry_id):
    """Delete one's own pending logged entry, with its evidence. Commits.

    Raises NotFound (not theirs, or no such entry) or CEError (already reviewed)."""
    entry = db.session.get(CEEntry, entry_id)
    if entry is None or entry.user_id != user_id or entry.source != "logged":
        raise NotFound(str(entry_id))
    deleted = db.session.execute(
        delete(CEEntry)
        .where(CEEntry.id == entry.id, CEEntry.status == "pending")
        .execution_options(synchronize_session=False)
    ).rowcount
    if deleted != 1:
        db.session.rollback()
        raise CEError("This entry has already been reviewed, so it stays in your record.")
    if entry.evidence_id is not None:
        db.session.execute(delete(CEEvidence).where(CEEvidence.id == entry.evidence_id))
    db.session.commit()
    db.session.expunge(entry)
    return entry


OWN_ENTRY = "This is your own continuing education: another staff member reviews it."


def pending_for_review():
    """Logged entries waiting for staff review, oldest first, with the person and evidence."""
    return list(
        db.session.scalars(
            _with_evidence(select(CEEntry))
            .options(joinedload(CEEntry.user).lazyload(User.roles))
            .where(CEEntry.status == "pending")
            .order_by(CEEntry.logged_at, CEEntry.id)
        )
    )


def pending_count():
    return db.session.scalar(
        select(func.count()).select_from(CEEntry).where(CEEntry.status == "pending")
    )


def review(reviewer, entry_id, decision, comment="", now=None):
    """Approve or reject a pending entry, once, with an audit event, in one transaction. A
    rejection needs a comment, so that the person can fix it. No one reviews their own entry (a
    staff member who holds a certificate renews it with CE another reviews, as with practice
    hours). Commits."""
    now = now or clock.now()
    entry = db.session.get(CEEntry, entry_id)
    if entry is None:
        raise NotFound(str(entry_id))
    if entry.user_id == reviewer.id:
        raise CEError(OWN_ENTRY)
    comment = (comment or "").strip()
    if decision not in DECISIONS:
        raise CEError("Choose Approve or Not approve.")
    if entry.status != "pending":
        raise CEError(_already_reviewed(entry))
    if decision == "reject" and not comment:
        raise CEError({"comment": "Say why, so the person can fix it and log it again."})
    if len(comment) > MAX_COMMENT:
        raise CEError(
            {
                "comment": f"Keep the comment to {MAX_COMMENT} characters or fewer "
                f"(this has {len(comment)})."
            }  # fmt: skip
        )
    status = reviews.record_decision(CEEntry, entry.id, decision, reviewer.id, comment, now)
    if status is None:  # another review came first
        db.session.rollback()
        raise CEError(_already_reviewed(db.session.get(CEEntry, entry_id)))
    hours = hours_text(entry.minutes)
    audit.record(
        f"ce.{status}",
        f"{'Approved' if status == 'approved' else 'Did not approve'} {hours} CE hours "
        f"({entry.category}) completed on {entry.completed_on.isoformat()}: {entry.title}",
        actor_id=reviewer.id, subject_id=entry.user_id, entry_id=entry.id, title=entry.title,
        provider=entry.provider, hours=hours, category=entry.category,
        completed_on=entry.completed_on.isoformat(), comment=comment,
    )  # fmt: skip
    db.session.commit()
    db.session.refresh(entry)
    return entry


def _already_reviewed(entry):
    if entry is None:
        return "This entry has been withdrawn."
    word = "approved" if entry.status == "approved" else "not approved"
    return f"This entry has already been reviewed ({word})."


def evidence_for_viewer(evidence_id, viewer):
    """The evidence file, bytes included, for its owner or staff; NotFound for anyone else,
    whether or not it exists."""
    found = db.session.get(CEEvidence, evidence_id)
    if found is None or not (found.user_id == viewer.id or viewer.has_role(*STAFF_ROLES)):
        raise NotFound(str(evidence_id))
    return found


@dataclass(frozen=True)
class EarnedHere:
    """What a CE certificate for a module passed here says."""

    entry: CEEntry
    holder: str
    objectives: tuple
    course_title: str


def earned_here(entry_id, viewer):
    """A module-earned entry, for its holder or staff; NotFound otherwise."""
    entry = db.session.get(CEEntry, entry_id)
    if (
        entry is None
        or entry.source != "module"
        or not (entry.user_id == viewer.id or viewer.has_role(*STAFF_ROLES))
    ):
        raise NotFound(str(entry_id))
    version = db.session.get(ModuleVersion, entry.module_version_id)
    course_title = db.session.scalar(
        select(Course.title)
        .join(Module, Module.course_id == Course.id)
        .where(Module.id == entry.module_id)
    )
    return EarnedHere(
        entry=entry,
        holder=entry.user.name,
        objectives=tuple(version.objectives or ()) if version else (),
        course_title=course_title or "",
    )
