"""Records for the renewal tests: the sample course with an IC&RC-like renewal rule, a holder
certified on a known day, and approved CE entries made directly (the ledger's pages are tested on
their own)."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from lms.extensions import db
from lms.models import CEEntry, Course
from lms.services.certification.certification import add_months

# RULE: the IC&RC-like rule, 20 CE hours a cycle, 6 of them in ethics
from .cekit import RULE, give_renewal_rule
from .records import certify, person, publish

ISSUED = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)  # the sample course is valid 12 months


def course_with_rule(courses_dir, **changes):
    """The sample course, published, with RULE (and `changes` to it) as its renewal rule."""
    return give_renewal_rule(publish(courses_dir), {**RULE, **changes})


def holder(clock, course, email="ada@example.org", name="Ada Holder", when=ISSUED):
    """A trainee certified in the course at `when`; returns (user, certificate)."""
    clock.freeze(when)
    user = person(email, name)
    certificate = certify(user, course)
    db.session.commit()
    return user, certificate


def ce(user, hours, category="elective", on=date(2026, 6, 1), status="approved"):
    """A CE entry in the holder's ledger (committed)."""
    entry = CEEntry(
        user_id=user.id, source="logged", title=f"{category} training", provider="A provider",
        completed_on=on, minutes=round(hours * 60), category=category, status=status,
    )  # fmt: skip
    db.session.add(entry)
    db.session.commit()
    return entry


def at(day, hour=10):
    """A UTC moment on this day."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def months_before(day, months):
    return add_months(day, -months)


def course_by_slug(slug):
    return db.session.scalar(select(Course).where(Course.slug == slug))
