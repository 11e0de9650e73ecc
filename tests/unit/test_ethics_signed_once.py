"""A code of ethics is signed once per text, however the signings arrive: a double click or a
second tab whose signing lands between the first's check and its write (which PostgreSQL's row
lock prevents and SQLite's absent one did not), or two at the same moment. The unique index on
(user, course, text) keeps one row, and the second signing is told it signed, as the first is.
And the migration that adds the index keeps the earliest of signatures already stored twice."""

from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import event, func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.extensions import db
from lms.models import Certificate, EthicsSignature
from lms.services.authoring.publishing import sync_courses
from lms.services.certification import requirements
from tests.requirementkit import (
    NOW,
    audit_events,
    change_ethics,
    make_people,
    publish_course_with_requirements,
    published_course,
)
from tests.unit.test_commands import empty_app  # noqa: F401 (a fixture)
from tests.unit.test_logbook_sent_twice import _at_once


@pytest.fixture
def folder(app_ctx, tmp_path):
    return publish_course_with_requirements(tmp_path / "required")


@pytest.fixture
def course(folder):
    return published_course()


def signatures():
    return db.session.scalar(select(func.count(EthicsSignature.id)))


def signed_elsewhere_before_the_write(user_id, course, at):
    """Make the next flush find a signature of the same text stored and committed a moment
    before, by another connection (another request): the race a second tab can win."""
    row = {"user_id": user_id, "course_id": course.id, "text_hash": course.ethics_hash,
           "typed_name": "Ada Trainee", "signed_at": at}  # fmt: skip

    @event.listens_for(Session, "before_flush", once=True)
    def other_request_signs(session, flush_context, instances):
        with db.engine.begin() as connection:
            connection.execute(insert(EthicsSignature).values(**row))


def test_a_signing_that_lands_after_another_tabs_is_told_it_signed(course):
    ada = make_people()["ada"]
    signed_elsewhere_before_the_write(ada.id, course, NOW - timedelta(seconds=1))

    signature, certificate = requirements.sign_ethics(ada.id, course.id, "Ada Trainee", NOW)

    assert signatures() == 1
    assert signature.id == db.session.scalar(select(EthicsSignature.id))
    assert signature.signed_at == NOW - timedelta(seconds=1)  # the one that was stored
    assert certificate is None
    # Nothing of this signing was written: no audit event of its own, no certificate
    assert audit_events("ethics.signed") == []
    assert db.session.scalar(select(func.count(Certificate.id))) == 0
    # Signing again is the ordinary "already signed"
    assert requirements.sign_ethics(ada.id, course.id, "Ada Trainee")[0].id == signature.id


def test_the_database_refuses_a_second_signature_of_the_same_text(course):
    ada = make_people()["ada"]
    requirements.sign_ethics(ada.id, course.id, "Ada Trainee", NOW)

    with pytest.raises(IntegrityError):
        db.session.add(
            EthicsSignature(
                user_id=ada.id,
                course_id=course.id,
                text_hash=course.ethics_hash,
                typed_name="Ada Trainee",
                signed_at=NOW,
            )  # fmt: skip
        )
        db.session.flush()
    db.session.rollback()
    assert signatures() == 1


def test_a_changed_code_is_still_signed_anew(folder, course):
    ada = make_people()["ada"]
    first, _ = requirements.sign_ethics(ada.id, course.id, "Ada Trainee", NOW)
    change_ethics(folder)

    second, _ = requirements.sign_ethics(ada.id, course.id, "Ada Trainee", NOW + timedelta(days=1))

    assert second.id != first.id and second.text_hash != first.text_hash
    assert signatures() == 2


def test_two_signings_at_the_same_moment_store_one(app, tmp_path):
    with app.app_context():
        publish_course_with_requirements(tmp_path / "required")
        course_id = published_course().id
        ada_id = make_people()["ada"].id

    def sign():
        return requirements.sign_ethics(ada_id, course_id, "Ada Trainee")[0].id

    for _ in range(3):  # a race is not won the same way every time
        signed, errors = _at_once(app, sign)
        assert not errors, errors
        with app.app_context():
            assert signatures() == 1
            assert set(signed) == {db.session.scalar(select(EthicsSignature.id))}
            assert len(audit_events("ethics.signed")) == 1


def test_upgrading_keeps_the_earliest_of_signatures_stored_twice(empty_app, courses_dir):  # noqa: F811
    with empty_app.app_context():
        upgrade(revision="0016t")
        sync_courses(courses_dir)
        course_id = db.session.scalar(text("SELECT min(id) FROM course"))
        rows = [  # id, user, text, signed at
            (11, 1, "a" * 64, "2026-01-02 12:00:00"),
            (12, 1, "a" * 64, "2026-01-01 12:00:00"),  # the earliest of the three
            (13, 1, "a" * 64, "2026-01-03 12:00:00"),
            (14, 1, "b" * 64, "2026-02-01 12:00:00"),  # a changed code, signed anew
            (15, 2, "a" * 64, "2026-01-02 12:00:00"),  # the same moment twice: the lower id
            (16, 2, "a" * 64, "2026-01-02 12:00:00"),
        ]
        for user_id in (1, 2):
            db.session.execute(
                text(
                    "INSERT INTO user_account (id, email, name, password_hash, created_at,"
                    f" quiet_emails) VALUES ({user_id}, 'u{user_id}@example.org', 'U', 'x',"
                    " '2026-01-01 00:00:00', false)"
                )
            )
        for row_id, user_id, text_hash, signed_at in rows:
            db.session.execute(
                text(
                    "INSERT INTO ethics_signature (id, user_id, course_id, text_hash, typed_name,"
                    " signed_at) VALUES (:id, :user, :course, :hash, 'U', :at)"
                ),
                {
                    "id": row_id,
                    "user": user_id,
                    "course": course_id,
                    "hash": text_hash,
                    "at": signed_at,
                },  # fmt: skip
            )
        db.session.commit()

        upgrade()

        kept = db.session.scalars(text("SELECT id FROM ethics_signature ORDER BY id")).all()
        assert kept == [12, 14, 15]
        with pytest.raises(IntegrityError):
            db.session.execute(
                text(
                    "INSERT INTO ethics_signature (user_id, course_id, text_hash, typed_name,"
                    " signed_at) VALUES (1, :course, :hash, 'U', '2026-03-01 12:00:00')"
                ),
                {"course": course_id, "hash": "a" * 64},
            )
        db.session.rollback()
        db.session.remove()
