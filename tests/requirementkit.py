"""A course whose certificate asks for more than quizzes: a copy of the sample course with a code
of ethics and supervised hours, published. Shared by the unit and web tests of requirements."""

import shutil
from datetime import UTC, datetime

from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEvent, Course, Module, ModuleProgress, User, UserRole
from lms.services.authoring.publishing import sync_courses
from lms.services.certification import certification
from lms.services.logbook import practice
from lms.services.people import supervision
from tests.conftest import FIXTURES

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
TODAY = NOW.date()

ETHICS = """## Respect

We treat every person with warmth and respect.

## Confidentiality

What people tell us stays private, within the limits our program explains.
"""
HOURS = 3


def publish_course_with_requirements(
    root, ethics=ETHICS, hours=HOURS, hours_keys=None, training=False
):
    """Copy the sample course into `root`/sample-course, require a signed code of ethics and
    `hours` supervised hours (or the `hours_keys` given, e.g. {"work_hours": 2}), and with
    `training` 1 training hour (its first module made 45 minutes long so that the two modules
    give 65), and publish it. Returns the course folder."""
    hours_keys = hours_keys or {"supervised_hours": hours}
    folder = root / "sample-course"
    shutil.copytree(FIXTURES / "courses" / "sample-course", folder)
    course_md = folder / "course.md"
    course_md.write_text(
        course_md.read_text().replace(
            "  valid_for_months: 12\n",
            "  valid_for_months: 12\n  requires:\n    code_of_ethics: true\n"
            + "".join(f"    {key}: {value}\n" for key, value in hours_keys.items())
            + ("    training_hours: {total: 1}\n" if training else ""),
        )
    )
    if training:
        first = folder / "01-first-steps.md"
        first.write_text(first.read_text().replace("minutes: 15", "minutes: 45"))
    (folder / "code-of-ethics.md").write_text(ethics)
    sync_courses(folder)
    return folder


def change_ethics(folder, addition="## Boundaries\n\nWe never lend money.\n"):
    """Add a section to the course's code of ethics and publish the change."""
    path = folder / "code-of-ethics.md"
    path.write_text(path.read_text() + "\n" + addition)
    sync_courses(folder)


def published_course():
    return db.session.scalar(select(Course).where(Course.slug == "sample-course"))


def person(name, email, *roles):
    user = User(email=email, name=name, password_hash="x")
    user.roles = [UserRole(role=role) for role in roles]
    db.session.add(user)
    db.session.commit()
    return user


def make_people():
    """A trainee supervised by Sam, and another supervisor, staff member and trainee."""
    found = {
        "ada": person("Ada Trainee", "ada@example.org", "trainee"),
        "sam": person("Sam Supervisor", "sam@example.org", "supervisor"),
        "pat": person("Pat Supervisor", "pat@example.org", "supervisor"),
        "stella": person("Stella Staff", "stella@example.org", "staff"),
        "bo": person("Bo Trainee", "bo@example.org", "trainee"),
    }
    supervision.assign_supervisor(found["ada"].id, found["sam"].id, now=NOW)
    return found


def pass_quizzes(user, course):
    """Pass every module of the course, then ask for the certificate as a passed quiz does."""
    for module in db.session.scalars(select(Module).where(Module.course_id == course.id)):
        db.session.add(ModuleProgress(user_id=user.id, module_id=module.id, passed_at=NOW))
    db.session.flush()
    return certification.issue_if_due(user.id, course.id, now=NOW)


def log(user, hours="1.5", on=TODAY, activity="Group facilitation", notes="", kind="work"):
    return practice.log_session(user.id, on, hours, activity, notes, now=NOW, kind=kind)


def approve(supervisor, session, comment=""):
    return practice.review_session(supervisor, session.id, "approve", comment, now=NOW)


def audit_events(action):
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )
