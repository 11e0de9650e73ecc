"""Accounts and a cohort for the cohort and people tests: made fast, without the slow password
hash (these accounts sign in through sign_in_as when a test needs them to)."""

from datetime import date

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import AuditEvent, Course
from lms.services.authoring.publishing import sync_courses
from lms.services.people import accounts, cohorts

HEADER = "name,email,supervisor_email\n"
# The audit actions made here (publishing the courses writes one of its own).
OURS = AuditEvent.action.in_(["cohort.imported", "role.changed"])


def person(email, name, roles):
    [user] = accounts.add_accounts_without_password([(email, name)], list(roles))
    db.session.commit()
    return user


def build_world(courses_dir):
    """A published course, a staff member, an admin, two supervisors and a cohort; their ids."""
    sync_courses(courses_dir)
    course_id = db.session.scalar(select(Course.id))
    found = cohorts.create_cohort("Spring 2027", date(2027, 3, 1), date(2027, 6, 30), [course_id])
    return {
        "course": course_id,
        "cohort": found.id,
        "staff": person("pat@example.org", "Pat Staff", ["staff"]).id,
        "admin": person("alex@example.org", "Alex Admin", ["admin"]).id,
        "sam": person("sam@example.org", "Sam Supervisor", ["supervisor"]).id,
        "lee": person("lee@example.org", "Lee Supervisor", ["supervisor"]).id,
    }


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
