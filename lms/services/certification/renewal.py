"""Renewing a certificate: where a holder stands in their renewal cycle (the continuing education
counted, the window, grace and lapse), and renewing it with one click.

A certificate's cycle runs from its issued_on to the day it is renewed (at most its expires_on
plus the course's grace months). Only approved CE in one of the rule's categories, completed
within the cycle, counts. A renewal certificate's cycle starts the day after it was issued: the
renewal day belongs to the cycle it closed, so an entry never counts in two cycles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError

from ...content import renewal as renewal_rules
from ...dates import long_date
from ...extensions import db
from ...models import CEEntry, Certificate, Course
from ...models.types import utcnow
from .. import audit, program_day
from ..logbook.hours import hours_text
from . import certificate_mail
from .certificate_lookup import successor
from .certification import add_months, new_code

STATES = ("no-rule", "not-open", "open", "ready", "grace", "lapsed", "superseded", "revoked")
# The states in which a holder whose CE meets the rule may renew.
RENEWABLE_STATES = ("open", "ready", "grace")
# What a holder whose certificate lapsed can do: the course's requirements are met anew.
LAPSED_ADVICE = (
    "To be certified again, you will need to meet the course's requirements again: "
    "talk to your program staff about retaking them."
)


class RenewalError(ValueError):
    """A renewal that cannot be made now; the message says why and what to do, for a person."""


class NotFound(LookupError):
    """No certificate has this id."""


def _hours_word(minutes):
    return "hour" if minutes == 60 else "hours"


@dataclass(frozen=True)
class Standing:
    """Where a certificate stands in its renewal cycle on one day."""

    certificate_id: int
    user_id: int
    course_id: int
    expires_on: date
    state: str  # one of STATES
    ce_minutes: int  # approved CE counted in this cycle
    required_minutes: int  # ce_hours * 60 (0 when no rule)
    categories: tuple  # ((category, done_minutes, required_minutes), ...) for the minimums
    opens_on: date | None  # when the renewal window opens
    closes_on: date | None  # last day renewal is possible (expires_on + grace)

    @property
    def met(self) -> bool:
        """The total and every minimum are met."""
        return self.ce_minutes >= self.required_minutes and all(
            done >= required for _, done, required in self.categories
        )

    @property
    def can_renew(self) -> bool:
        return self.state in RENEWABLE_STATES and self.met

    def missing_minutes(self):
        """(total minutes still needed, [(category, minutes still needed)])."""
        by_category = [
            (category, required - done)
            for category, done, required in self.categories
            if done < required
        ]
        total = max(self.required_minutes - self.ce_minutes, sum(m for _, m in by_category))
        return max(total, 0), by_category

    def missing_text(self) -> str:
        """ "8 more CE hours, 4 of them in ethics" ("" when met)."""
        total, by_category = self.missing_minutes()
        if total <= 0:
            return ""
        text = f"{hours_text(total)} more CE {_hours_word(total)}"
        if len(by_category) == 1 and by_category[0][1] == total:
            return f"{text} in {by_category[0][0]}"
        if len(by_category) == 1:
            category, minutes = by_category[0]
            return f"{text}, {hours_text(minutes)} of them in {category}"
        if by_category:
            parts = [f"{hours_text(minutes)} in {category}" for category, minutes in by_category]
            return f"{text}: " + ", ".join(parts[:-1]) + f" and {parts[-1]}"
        return text

    def progress_text(self) -> str:
        """ "12 of 20 CE hours, 2 of 6 ethics"."""
        if self.state == "no-rule":
            return "No renewal rule"
        parts = [
            f"{hours_text(self.ce_minutes)} of {hours_text(self.required_minutes)} CE hours",
            *(
                f"{hours_text(done)} of {hours_text(required)} {category}"
                for category, done, required in self.categories
            ),
        ]
        return ", ".join(parts)


def rule_of(renewal):
    """A course's published renewal rule with every key present, or {} when it has none."""
    if not renewal or not renewal.get("ce_hours"):
        return {}
    return renewal_rules.filled(renewal)


def _standings(certificate_ids, today):
    """{certificate id: Standing} for these certificates (a list of ids): two queries."""
    chosen = Certificate.id.in_(certificate_ids)
    rows = db.session.execute(
        select(
            Certificate.id, Certificate.user_id, Certificate.course_id,
            Certificate.issued_on, Certificate.expires_on, Certificate.revoked_at,
            Certificate.superseded_at, Certificate.renews_id, Course.renewal,
        )
        .join(Course, Course.id == Certificate.course_id)
        .where(chosen)
    ).all()  # fmt: skip
    ce = {}  # {certificate id: [(category, completed_on, minutes)]}
    if any(rule_of(row.renewal) for row in rows):
        # The status is grouped by, not joined on: with it in the join, SQLite (no statistics)
        # scans every approved entry through the status index instead of each holder's own.
        counted = db.session.execute(
            select(
                Certificate.id, CEEntry.category, CEEntry.completed_on, CEEntry.status,
                func.sum(CEEntry.minutes),
            )
            .where(chosen)
            .join(
                CEEntry,
                and_(
                    CEEntry.user_id == Certificate.user_id,
                    CEEntry.completed_on >= Certificate.issued_on,
                    CEEntry.completed_on <= today,
                ),
            )
            .group_by(Certificate.id, CEEntry.category, CEEntry.completed_on, CEEntry.status)
        )  # fmt: skip
        for certificate_id, category, completed_on, status, minutes in counted:
            if status == "approved":
                ce.setdefault(certificate_id, []).append((category, completed_on, int(minutes)))
    return {row.id: _standing(row, ce.get(row.id, ()), today) for row in rows}


def _standing(row, entries, today):
    rule = rule_of(row.renewal)
    common = dict(
        certificate_id=row.id, user_id=row.user_id, course_id=row.course_id,
        expires_on=row.expires_on,
    )  # fmt: skip
    if not rule:
        state = "revoked" if row.revoked_at is not None else "no-rule"
        if row.superseded_at is not None and state != "revoked":
            state = "superseded"
        return Standing(
            **common, state=state, ce_minutes=0, required_minutes=0, categories=(),
            opens_on=None, closes_on=None,
        )  # fmt: skip
    opens_on = add_months(row.expires_on, -rule["window_months"])
    closes_on = add_months(row.expires_on, rule["grace_months"])
    # The cycle: from issue (the day after, for a renewal) to the renewal, or to today.
    first = row.issued_on + timedelta(days=1) if row.renews_id is not None else row.issued_on
    last = min(today, closes_on)
    if row.superseded_at is not None:
        last = min(last, program_day.day_of(row.superseded_at))
    done, by_category = 0, {}
    for category, completed_on, minutes in entries:
        if category in rule["categories"] and first <= completed_on <= last:
            done += minutes
            by_category[category] = by_category.get(category, 0) + minutes
    if row.revoked_at is not None:
        state = "revoked"
    elif row.superseded_at is not None:
        state = "superseded"
    elif today < opens_on:
        state = "not-open"
    elif today > closes_on:
        state = "lapsed"
    elif today >= row.expires_on:
        state = "grace"
    else:
        state = "open"
    standing = Standing(
        **common, state=state, ce_minutes=done, required_minutes=rule["ce_hours"] * 60,
        categories=tuple(
            (category, by_category.get(category, 0), hours * 60)
            for category, hours in rule["minimum"].items()
        ),
        opens_on=opens_on, closes_on=closes_on,
    )  # fmt: skip
    if state == "open" and standing.met:
        standing = Standing(**{**standing.__dict__, "state": "ready"})
    return standing


def standings_for(certificate_ids, today=None):
    """{certificate id: Standing} on `today` (the program's today by default), in two queries."""
    certificate_ids = list(certificate_ids)
    if not certificate_ids:
        return {}
    return _standings(certificate_ids, today or program_day.today())


def standing(certificate_id, today=None) -> Standing:
    """The Standing of one certificate. Raises NotFound."""
    found = standings_for([certificate_id], today)
    if certificate_id not in found:
        raise NotFound(str(certificate_id))
    return found[certificate_id]


def refusal(standing_now):
    """Why this standing cannot be renewed now, in words for the holder ("" when it can)."""
    state = standing_now.state
    if state == "revoked":
        return "This certificate was revoked, so it cannot be renewed."
    if state == "superseded":
        return "This certificate has already been renewed."
    if state == "no-rule":
        return "This certificate has no renewal rule, so it cannot be renewed."
    if state == "not-open":
        return f"Renewal opens on {long_date(standing_now.opens_on)}."
    if state == "lapsed":
        return (
            f"This certificate lapsed on {long_date(standing_now.closes_on)}, so it can no "
            f"longer be renewed. {LAPSED_ADVICE}"
        )
    if not standing_now.met:
        return (
            f"You need {standing_now.missing_text()} (approved, completed since "
            "your certificate was issued) before you can renew."
        )
    return ""


def renew(certificate_id, actor_id, now=None) -> Certificate:
    """Renew the certificate: inside its window, with its rule met, supersede it and issue a new
    one (a new code, linked by renews_id), with a "certificate.renewed" audit event. Commits.

    A renewal before expiry loses no time: the new certificate runs from the old expiry date for
    the course's validity; a renewal in grace runs from today. Asked twice at once (a double
    click, two tabs), exactly one new certificate results and both calls return it. Raises
    RenewalError with a message for the holder, or NotFound.
    """
    now = now or utcnow()
    today = program_day.day_of(now)  # the renewal's issue day, where the program is
    try:
        old = db.session.scalar(
            select(Certificate)
            .where(Certificate.id == certificate_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if old is None:
            raise NotFound(str(certificate_id))
        where = standing(old.id, today)
        # Renewed already, perhaps by another request a moment ago (on SQLite the row read above
        # may be from before that request committed; this standing is read after it).
        # A revoked renewal is not handed back as if just made: the refusal below says why.
        if where.state == "superseded" or (old.superseded_at and old.revoked_at is None):
            following = successor(old.id)
            if following is not None and following.revoked_at is None:
                db.session.rollback()
                return following
        message = refusal(where)
        if message:
            raise RenewalError(message)
        course = db.session.get(Course, old.course_id)
        months = course.certificate_valid_for_months
        expires_on = add_months(old.expires_on if today < old.expires_on else today, months)
        old.superseded_at = now
        db.session.flush()
        new = Certificate(
            code=new_code(course.slug), user_id=old.user_id, course_id=old.course_id,
            course_version=course.version, title=course.certificate_title, issued_at=now,
            issued_on=today, expires_on=expires_on, renews_id=old.id,
        )  # fmt: skip
        db.session.add(new)
        audit.record(
            "certificate.renewed",
            f"Certificate {old.code} renewed as {new.code} ({new.title})",
            actor_id=actor_id, subject_id=old.user_id, code=new.code, renews=old.code,
            course=course.slug,
        )  # fmt: skip
        db.session.flush()
        # The renewal's credential is made when first needed (issuing.ensure_credential), as
        # a new certificate's is. The old one's stays valid until its own validUntil (a
        # renewal is not a revocation), so its status bit is left alone.
        certificate_mail.queue_if_wanted(new, renewed=True)  # in this transaction: sent once
        db.session.commit()
        return new
    except IntegrityError:
        # Another request renewed it first (renews_id and the one-current index are unique).
        db.session.rollback()
        following = successor(certificate_id)
        if following is None:
            raise
        return following
    except BaseException:
        db.session.rollback()
        raise
