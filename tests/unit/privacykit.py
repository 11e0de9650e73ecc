"""One trainee with a record of every kind, for the tests of the data export (test_privacy) and of
erasing a trainee (test_erasure): their supervisor, an admin and another trainee beside them."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import (
    Certificate,
    Cohort,
    Enrolment,
    EthicsSignature,
    Module,
    ModuleVersion,
    PracticeSession,
    QuizAttempt,
)
from lms.services.certification.revocation import revoke
from lms.services.people import accounts, supervision
from tests.records import certify, person, publish

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
NOTE = "Co-facilitated the Tuesday group."


def count(model, **where):
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def one_of_every_record(courses_dir):
    """{"ada", "sam", "admin", "other": account ids, "code": Ada's certificate code}: Ada has
    progress, a passed attempt, an ethics signature, an approved practice session, a cohort, a
    supervisor, a failed sign-in and a revoked certificate."""
    course = publish(courses_dir)
    ada = person("ada.private@example.org", "Ada Lovelace")
    sam = person("sam@example.org", "Sam Supervisor", "supervisor")
    admin = person("alex@example.org", "Alex Admin", "admin")
    other = person("bo@example.org", "Bo Other")
    code = certify(ada, course).code
    certify(other, course)
    version = db.session.scalar(
        select(ModuleVersion).join(Module).where(Module.course_id == course.id).limit(1)
    )
    question = version.questions[0]
    right = next(c for c in question.choices if c.is_correct)
    db.session.add_all([
        QuizAttempt(
            user_id=ada.id, module_id=version.module_id, module_version_id=version.id,
            started_at=NOW, submitted_at=NOW, answers={str(question.id): [right.id]},
            score=100, passed=True,
        ),
        EthicsSignature(user_id=ada.id, course_id=course.id, text_hash="a" * 64,
                        typed_name="Ada Lovelace", signed_at=NOW),
        PracticeSession(user_id=ada.id, session_date=date(2026, 11, 20), minutes=90,
                        activity="group", notes=NOTE, status="approved",
                        reviewed_by_id=sam.id, reviewed_at=NOW, review_comment="Well done."),
    ])  # fmt: skip
    cohort = Cohort(name="Autumn 2026", starts_on=date(2026, 9, 1))
    db.session.add(cohort)
    db.session.flush()
    db.session.add(Enrolment(cohort_id=cohort.id, user_id=ada.id))
    db.session.commit()
    supervision.assign_supervisor(ada.id, sam.id)
    with pytest.raises(accounts.SignInRefused):
        accounts.authenticate("ada.private@example.org", "not the password")
    revoke(db.session.scalar(select(Certificate.id).where(Certificate.code == code)), admin.id,
           "Withdrawn while a complaint is looked into.")  # fmt: skip
    return {"ada": ada.id, "sam": sam.id, "admin": admin.id, "other": other.id, "code": code}
