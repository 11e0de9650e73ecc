"""Records for the revocation, audit and privacy tests: the sample course published, people, and
a certificate issued the way the app issues it (every module passed, then issue_if_due)."""

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import AuditEvent, Certificate, Course, Module, ModuleProgress
from lms.models.types import utcnow
from lms.services.authoring.publishing import sync_courses
from lms.services.certification.certification import issue_if_due
from lms.services.people import accounts

PASSWORD = "a calm river at dawn"


def publish(courses_dir):
    """Publish the fixture courses and return the sample course."""
    sync_courses(courses_dir)
    return db.session.scalar(select(Course).where(Course.slug == "sample-course"))


def person(email, name, *roles):
    """An account (committed) with these roles (trainee by default); returns it."""
    user, _ = accounts.create_account(email, name, list(roles or ("trainee",)), PASSWORD)
    return user


def certify(user, course):
    """Pass every module of the course for this trainee, then issue their certificate."""
    now = utcnow()
    for module_id in db.session.scalars(select(Module.id).where(Module.course_id == course.id)):
        db.session.add(
            ModuleProgress(user_id=user.id, module_id=module_id, read_at=now, passed_at=now)
        )
    db.session.flush()
    certificate = issue_if_due(user.id, course.id)
    assert certificate is not None, "the sample course should need only passed modules"
    return certificate


def certificate(code):
    """The certificate with this code, read afresh from the database."""
    return db.session.scalar(
        select(Certificate)
        .where(Certificate.code == code)
        .execution_options(populate_existing=True)
    )


def audit_count(action=None, subject_id=None):
    query = select(func.count(AuditEvent.id))
    if action:
        query = query.where(AuditEvent.action == action)
    if subject_id:
        query = query.where(AuditEvent.subject_id == subject_id)
    return db.session.scalar(query)
