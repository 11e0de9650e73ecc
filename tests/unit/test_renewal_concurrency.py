"""Two requests renewing the same certificate at the same moment (a double click, two tabs)
make exactly one new certificate, and both get it."""

from datetime import date

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import AuditEvent, Certificate
from lms.services.certification.renewal import renew

from ..renewalkit import at, ce, course_with_rule, holder
from .test_certificate_concurrency import _run_together


def test_two_renewals_at_once_make_one_new_certificate(app, courses_dir, clock):
    with app.app_context():
        course = course_with_rule(courses_dir)
        user, old = holder(clock, course)
        ce(user, 14, "elective")
        ce(user, 6, "ethics")
        user_id, old_id = user.id, old.id
    clock.freeze(at(date(2026, 9, 1)))

    def renew_it(index):
        return renew(old_id, actor_id=user_id).id

    first, second = _run_together(app, renew_it)

    with app.app_context():
        assert first == second
        assert db.session.scalar(select(func.count(Certificate.id))) == 2
        current = db.session.scalars(
            select(Certificate).where(Certificate.superseded_at.is_(None))
        ).all()
        assert [c.id for c in current] == [first]
        renewed = select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "certificate.renewed"
        )
        assert db.session.scalar(renewed) == 1
