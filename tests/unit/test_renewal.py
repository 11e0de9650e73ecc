"""Where a holder stands in their renewal cycle, and renewing: windows, grace, lapse, minimums,
entries at the cycle's edges, each entry counted once, and the refusals a holder reads."""

from datetime import date

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import AuditEvent, Certificate
from lms.services.certification import certificate_lookup, certification, revocation
from lms.services.certification.renewal import RenewalError, renew, standing, standings_for
from tests.statements import recorded_statements

from ..records import certificate as reload
from ..renewalkit import at, ce, course_with_rule, holder

EXPIRES = date(2027, 1, 15)
OPENS = date(2026, 7, 15)


@pytest.fixture
def course(app_ctx, courses_dir):
    return course_with_rule(courses_dir)


def test_the_cycle_window_and_its_dates(course, clock):
    user, certificate = holder(clock, course)
    assert certificate.expires_on == EXPIRES
    found = standing(certificate.id, date(2026, 7, 14))
    assert found.state == "not-open"
    assert (found.opens_on, found.closes_on) == (OPENS, EXPIRES)
    assert (found.ce_minutes, found.required_minutes) == (0, 1200)
    assert found.categories == (("ethics", 0, 360),)
    assert standing(certificate.id, OPENS).state == "open"
    assert standing(certificate.id, EXPIRES).state == "grace"  # the last day, grace 0
    assert standing(certificate.id, date(2027, 1, 16)).state == "lapsed"


def test_grace_months_keep_renewal_possible_after_expiry(app_ctx, courses_dir, clock):
    course = course_with_rule(courses_dir, grace_months=3)
    user, certificate = holder(clock, course)
    assert standing(certificate.id, date(2027, 4, 15)).state == "grace"
    assert standing(certificate.id, date(2027, 4, 16)).state == "lapsed"
    assert certification.certificate_status(certificate, date(2027, 2, 1)) == "expired"


def test_ready_needs_the_total_and_every_minimum(course, clock):
    user, certificate = holder(clock, course)
    ce(user, 20, "elective")
    found = standing(certificate.id, OPENS)
    assert found.state == "open" and not found.met
    assert found.progress_text() == "20 of 20 CE hours, 0 of 6 ethics"
    assert found.missing_text() == "6 more CE hours in ethics"
    ce(user, 4, "ethics")
    found = standing(certificate.id, OPENS)
    assert found.missing_text() == "2 more CE hours in ethics"
    ce(user, 2, "ethics")
    found = standing(certificate.id, OPENS)
    assert found.state == "ready" and found.met and found.missing_text() == ""


def test_missing_text_names_the_total_and_the_category(course, clock):
    user, certificate = holder(clock, course)
    ce(user, 10, "elective")
    ce(user, 2, "ethics")
    found = standing(certificate.id, OPENS)
    assert found.progress_text() == "12 of 20 CE hours, 2 of 6 ethics"
    assert found.missing_text() == "8 more CE hours, 4 of them in ethics"
    ce(user, 1.5, "peer-specific")
    missing = standing(certificate.id, OPENS).missing_text()
    assert missing == "6.5 more CE hours, 4 of them in ethics"


def test_only_approved_entries_in_the_rules_categories_count(course, clock):
    user, certificate = holder(clock, course)
    ce(user, 5, "elective", status="pending")
    ce(user, 5, "elective", status="rejected")
    ce(user, 5, "first-aid")  # a category of no rule of this course
    ce(user, 1, "elective")
    assert standing(certificate.id, OPENS).ce_minutes == 60


def test_entries_at_the_cycles_edges(course, clock):
    user, certificate = holder(clock, course)
    ce(user, 1, on=date(2026, 1, 14))  # before the certificate: no
    ce(user, 2, on=date(2026, 1, 15))  # the day it was issued: yes
    ce(user, 4, on=EXPIRES)  # its last day: yes, once that day comes
    assert standing(certificate.id, OPENS).ce_minutes == 120
    assert standing(certificate.id, EXPIRES).ce_minutes == 360


def test_entries_later_than_today_do_not_count_yet(course, clock):
    user, certificate = holder(clock, course)
    ce(user, 3, on=date(2026, 9, 1))
    assert standing(certificate.id, date(2026, 8, 31)).ce_minutes == 0
    assert standing(certificate.id, date(2026, 9, 1)).ce_minutes == 180


def test_standings_for_many_certificates_in_two_statements(course, clock):
    ids = []
    for index in range(5):
        user, certificate = holder(clock, course, f"h{index}@example.org", f"Holder {index}")
        ce(user, index + 1, "ethics")
        ids.append(certificate.id)
    with recorded_statements() as statements:
        found = standings_for(ids, OPENS)
    assert len(statements) == 2
    assert [found[i].ce_minutes for i in ids] == [60, 120, 180, 240, 300]
    assert standings_for([]) == {}


def _ready(user):
    ce(user, 14, "elective")
    ce(user, 6, "ethics")


def test_renewing_before_expiry_loses_no_time(course, clock):
    user, old = holder(clock, course)
    _ready(user)
    clock.freeze(at(date(2026, 9, 1)))
    new = renew(old.id, actor_id=user.id)
    old = reload(old.code)
    assert old.superseded_at is not None and new.renews_id == old.id
    assert new.code != old.code and new.code.startswith("SC-")
    assert (new.issued_on, new.expires_on) == (date(2026, 9, 1), date(2028, 1, 15))
    assert certification.certificate_status(old) == "superseded"
    assert certification.certificate_status(new) == "valid"
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "certificate.renewed")
    ).all()
    assert event.details["code"] == new.code and event.details["renews"] == old.code
    assert event.actor_id == user.id and event.subject_id == user.id
    assert [c.code for c in certificate_lookup.certificates_for_user(user.id)] == [new.code]


def test_renewing_in_grace_runs_from_today(app_ctx, courses_dir, clock):
    course = course_with_rule(courses_dir, grace_months=2)
    user, old = holder(clock, course)
    _ready(user)
    clock.freeze(at(date(2027, 2, 10)))
    new = renew(old.id, actor_id=user.id)
    assert (new.issued_on, new.expires_on) == (date(2027, 2, 10), date(2028, 2, 10))


def test_after_renewal_old_entries_count_for_the_old_cycle_only(course, clock):
    user, old = holder(clock, course)
    _ready(user)
    ce(user, 1, on=date(2026, 9, 1))  # the renewal day: the cycle it closes
    clock.freeze(at(date(2026, 9, 1)))
    new = renew(old.id, actor_id=user.id)
    ce(user, 2, on=date(2026, 9, 2))  # the day after: the new cycle
    found = standings_for([old.id, new.id], date(2026, 12, 1))
    assert found[old.id].state == "superseded"
    assert found[old.id].ce_minutes == 21 * 60
    assert found[new.id].ce_minutes == 120
    assert found[new.id].state == "not-open"


def test_renewal_is_refused_with_a_reason(course, clock):
    user, certificate = holder(clock, course)
    clock.freeze(at(date(2026, 7, 1)))
    with pytest.raises(RenewalError, match="Renewal opens on July 15, 2026."):
        renew(certificate.id, actor_id=user.id)
    clock.freeze(at(OPENS))
    ce(user, 12, "elective")
    with pytest.raises(RenewalError, match="You need 8 more CE hours, 6 of them in ethics"):
        renew(certificate.id, actor_id=user.id)
    _ready(user)
    clock.freeze(at(date(2027, 1, 16)))
    with pytest.raises(RenewalError, match="lapsed on January 15, 2027.*requirements again"):
        renew(certificate.id, actor_id=user.id)
    assert db.session.scalar(select(func.count(Certificate.id))) == 1


def test_a_revoked_certificate_cannot_be_renewed(course, clock):
    user, certificate = holder(clock, course)
    _ready(user)
    clock.freeze(at(date(2026, 9, 1)))
    revocation.revoke(certificate.id, user.id, "Misconduct")
    with pytest.raises(RenewalError, match="revoked, so it cannot be renewed"):
        renew(certificate.id, actor_id=user.id)


def test_a_course_without_a_rule_cannot_be_renewed(app_ctx, courses_dir, clock):
    course = course_with_rule(courses_dir)
    course.renewal = {}
    db.session.commit()
    user, certificate = holder(clock, course)
    assert standing(certificate.id).state == "no-rule"
    assert standing(certificate.id).progress_text() == "No renewal rule"
    with pytest.raises(RenewalError, match="no renewal rule"):
        renew(certificate.id, actor_id=user.id)


def test_renewing_twice_returns_the_same_new_certificate(course, clock):
    user, old = holder(clock, course)
    _ready(user)
    clock.freeze(at(date(2026, 9, 1)))
    first = renew(old.id, actor_id=user.id)
    second = renew(old.id, actor_id=user.id)
    assert first.id == second.id
    assert db.session.scalar(select(func.count(Certificate.id))) == 2


def test_a_renewal_asked_again_after_the_new_certificate_was_revoked_is_refused(course, clock):
    """A second press of Renew (a tab left open) returns the renewal the first made, as a double
    click does, but not once staff have revoked it: the holder would be told it is renewed."""
    user, old = holder(clock, course)
    _ready(user)
    clock.freeze(at(date(2026, 9, 1)))
    new = renew(old.id, actor_id=user.id)
    revocation.revoke(new.id, user.id, "Evidence of CE was forged")

    with pytest.raises(RenewalError, match="already been renewed"):
        renew(old.id, actor_id=user.id)
    assert db.session.scalar(select(func.count(Certificate.id))) == 2


def test_verify_a_superseded_code_points_to_the_newest(course, clock):
    user, first = holder(clock, course)
    _ready(user)
    clock.freeze(at(date(2026, 9, 1)))
    second = renew(first.id, actor_id=user.id)
    ce(user, 14, "elective", on=date(2027, 9, 1))
    ce(user, 6, "ethics", on=date(2027, 9, 1))
    clock.freeze(at(date(2027, 9, 1)))
    third = renew(second.id, actor_id=user.id)
    result = certificate_lookup.verify(first.code)
    assert result.status == "superseded"
    assert result.renewed_on == date(2026, 9, 1)
    assert result.current_code == third.code
    assert certificate_lookup.verify(third.code).status == "valid"


def test_issue_if_due_returns_the_current_certificate(course, clock):
    user, old = holder(clock, course)
    _ready(user)
    clock.freeze(at(date(2026, 9, 1)))
    new = renew(old.id, actor_id=user.id)
    assert certification.issue_if_due(user.id, course.id).id == new.id
