"""Continuing education for tests: a published course with a renewal rule naming CE categories,
a module version that grants CE, and evidence files of each kind, made from real bytes."""

import io
from datetime import UTC, datetime

from PIL import Image
from sqlalchemy import select

from lms.extensions import db
from lms.models import Course, Module, ModuleVersion
from lms.services.logbook import ce

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
TODAY = NOW.date()
RULE = {
    "ce_hours": 20,
    "minimum": {"ethics": 6},
    "categories": ["ethics", "peer-specific", "elective"],
    "window_months": 6,
    "grace_months": 0,
}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def image(kind="PNG", size=(40, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, kind)
    return out.getvalue()


def give_renewal_rule(course=None, rule=RULE):
    """Set a published course's renewal rule as publishing it with `renewal:` would."""
    course = course or db.session.scalar(select(Course).order_by(Course.id))
    course.renewal = dict(rule)
    db.session.commit()
    return course


def grant_ce(module_slug="first-steps", minutes=90, category="ethics"):
    """Make the current version of a module grant CE, as publishing `ce:` would."""
    version = db.session.scalar(
        select(ModuleVersion)
        .join(Module, Module.id == ModuleVersion.module_id)
        .where(Module.slug == module_slug, ModuleVersion.number == Module.current_version_number)
    )
    version.ce_minutes, version.ce_category = minutes, category
    db.session.commit()
    return version


def log(user, title="Ethics in peer work", provider="State Peer Network", on=TODAY, hours="1.5",
        category="ethics", name="certificate.pdf", data=PDF):  # fmt: skip
    return ce.log_entry(user.id, title, provider, on, hours, category, name, data, now=NOW)
