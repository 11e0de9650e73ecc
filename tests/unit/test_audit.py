"""The audit log: append-only, every audited action recorded exactly once, and the staff filters
(action, person, dates) and pages."""

from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select, update

from lms.content.model import ContentError
from lms.extensions import db
from lms.models import AuditEvent
from lms.models.audit import AuditLogIsAppendOnly
from lms.services import audit
from lms.services.authoring.publishing import sync_courses
from lms.services.certification.revocation import reinstate, revoke
from tests.records import audit_count, certificate, certify, person, publish


def actions():
    return Counter(db.session.scalars(select(AuditEvent.action)))


def at(day, hour=12):
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def test_an_event_cannot_be_changed_through_the_orm(app_ctx):
    event = audit.record("course.synced", "Courses: 1 added")
    db.session.commit()

    event.summary = "Nothing happened"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()

    assert db.session.get(AuditEvent, event.id, populate_existing=True).summary == (
        "Courses: 1 added"
    )


def test_an_event_cannot_be_deleted_through_the_orm(app_ctx):
    event = audit.record("course.synced", "Courses: 1 added")
    db.session.commit()

    db.session.delete(event)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()

    assert audit_count("course.synced") == 1


def test_bulk_orm_statements_cannot_change_or_delete_events(app_ctx):
    audit.record("course.synced", "Courses: 1 added")
    db.session.commit()

    for statement in (update(AuditEvent).values(summary="x"), delete(AuditEvent)):
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.execute(statement)
        db.session.rollback()

    assert db.session.scalar(select(AuditEvent.summary)) == "Courses: 1 added"


def test_every_audited_action_appears_once(app_ctx, courses_dir):
    course = publish(courses_dir)  # course.synced
    holder = person("ada@example.org", "Ada Holder")
    staff = person("pat@example.org", "Pat Staff", "staff")
    code = certify(holder, course).code  # certificate.issued
    revoke(certificate(code).id, staff.id, "Withdrawn for a test.")
    reinstate(certificate(code).id, staff.id, "Restored for a test.")
    sync_courses(courses_dir)  # nothing changed: no event

    assert actions() == {
        "course.synced": 1,
        "certificate.issued": 1,
        "certificate.revoked": 1,
        "certificate.reinstated": 1,
    }
    subjects = dict(db.session.execute(select(AuditEvent.action, AuditEvent.subject_id)).all())
    assert subjects["course.synced"] is None
    assert {subjects[a] for a in subjects if a.startswith("certificate.")} == {holder.id}


def test_a_sync_records_its_counts_and_lists_and_who_asked(app_ctx, courses_dir):
    staff = person("pat@example.org", "Pat Staff", "staff")

    sync_courses(courses_dir, actor_id=staff.id)

    [event] = db.session.scalars(select(AuditEvent))
    assert event.action == "course.synced" and event.actor_id == staff.id
    assert event.summary == (
        "Courses: 1 added, 0 updated, 0 retired; modules: 2 new versions, 0 retired"
    )
    assert event.details == {
        "courses_added": ["sample-course"],
        "courses_updated": [],
        "courses_retired": [],
        "versions_added": ["sample-course/first-steps v1", "sample-course/listening v1"],
        "modules_retired": [],
    }


def test_a_changed_module_is_one_more_sync_event(app_ctx, courses_dir):
    sync_courses(courses_dir)
    module = courses_dir / "sample-course" / "02-listening.md"
    module.write_text(module.read_text().replace("## Quiz", "One more line.\n\n## Quiz", 1))

    sync_courses(courses_dir)

    [newest, first] = audit.events(action="course.synced")
    assert newest.actor_id is None
    assert newest.details["courses_updated"] == ["sample-course"]
    assert newest.details["versions_added"] == ["sample-course/listening v2"]


def test_a_failed_sync_records_nothing(app_ctx, courses_dir):
    (courses_dir / "sample-course" / "course.md").write_text("---\ntitle: [broken\n---\n")

    with pytest.raises(ContentError):
        sync_courses(courses_dir)

    assert audit_count() == 0


def test_the_sync_command_records_a_command_line_sync(app, runner, courses_dir):
    result = runner.invoke(args=["courses", "sync", str(courses_dir)])

    assert result.exit_code == 0, result.output
    with app.app_context():
        [event] = audit.events()
        assert (event.action, event.actor_id) == ("course.synced", None)


# --- reading: filters and pages ------------------------------------------------------------------


@pytest.fixture
def log(app_ctx):
    """Four events on three days between two people."""
    pat = person("pat@example.org", "Pat Staff", "staff")
    ada = person("ada@example.org", "Ada Trainee")
    rows = [
        ("course.synced", None, None, at(1)),
        ("certificate.issued", ada.id, ada.id, at(2, 9)),
        ("certificate.revoked", pat.id, ada.id, at(2, 23)),
        ("role.changed", pat.id, pat.id, at(3)),
    ]
    for action, actor_id, subject_id, when in rows:
        audit.record(action, action, actor_id=actor_id, subject_id=subject_id).occurred_at = when
    db.session.commit()
    return {"pat": pat, "ada": ada}


def shown(page):
    return [event.action for event in page.events]


def test_events_come_newest_first(log):
    assert shown(audit.event_page()) == [
        "role.changed", "certificate.revoked", "certificate.issued", "course.synced"
    ]  # fmt: skip


def test_filter_by_action(log):
    assert shown(audit.event_page(action="certificate.revoked")) == ["certificate.revoked"]


def test_filter_by_person_matches_actor_or_subject_by_email(log):
    assert shown(audit.event_page(person_email=" ADA@example.org ")) == [
        "certificate.revoked", "certificate.issued"
    ]  # fmt: skip
    assert shown(audit.event_page(person_email="pat@example.org")) == [
        "role.changed", "certificate.revoked"
    ]  # fmt: skip
    assert shown(audit.event_page(person_email="nobody@example.org")) == []


def test_filter_by_dates(log):
    assert shown(audit.event_page(since=at(2, 0), until=at(3, 0))) == [
        "certificate.revoked", "certificate.issued"
    ]  # fmt: skip
    assert shown(audit.event_page(since=at(3, 0))) == ["role.changed"]
    assert shown(audit.event_page(until=at(2, 0))) == ["course.synced"]


def test_filters_combine(log):
    page = audit.event_page(action="certificate.issued", person_email="pat@example.org")
    assert shown(page) == []


def test_pages_of_fifty(app_ctx):
    for n in range(51):
        audit.record("course.synced", f"sync {n}").occurred_at = at(1) if n else at(1, 0)
    db.session.commit()

    first = audit.event_page()
    second = audit.event_page(cursor=first.page.next)

    assert len(first.events) == 50 and first.page.next and not first.page.previous
    assert [e.summary for e in second.events] == ["sync 0"]
    assert second.page.previous and not second.page.next
    assert audit.event_page(cursor=second.page.previous).events == first.events
