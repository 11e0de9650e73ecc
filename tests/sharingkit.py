"""A cohort of the sample course with certificates in every state, for the sharing tests (the
cohort zip and certificate emails): people made fast, certificates issued the way the app does."""

from datetime import date, timedelta

from sqlalchemy import select

from lms.extensions import db
from lms.models import Certificate, Course, User
from lms.models.types import utcnow
from lms.services.people import cohorts
from tests.records import certify, publish
from tests.unit.cohortkit import person

# Names that must not become paths, and names in other scripts.
TRICKY = "../../etc/Zoë O'Brien"
CHINESE = "李小龍"


def enrolled(cohort_id, email, name):
    user, _ = cohorts.enrol(cohort_id, email, name)
    return user


def build(courses_dir):
    """The sample course, a staff member and a cohort of it with: Ada (valid), a tricky name
    (valid), a Chinese name (expired), Rev (revoked), Nell (no certificate), and Out (certified
    but not in the cohort). Their ids and codes."""
    course = publish(courses_dir)
    cohort = cohorts.create_cohort("Spring 2027 / Leeds", date(2027, 3, 1), None, [course.id])
    world = {"course": course.id, "cohort": cohort.id}
    world["staff"] = person("pat@example.org", "Pat Staff", ["staff"]).id
    for key, email, name in (
        ("ada", "ada@example.org", "Ada Lovelace"),
        ("tricky", "zoe@example.org", TRICKY),
        ("chinese", "li@example.org", CHINESE),
        ("rev", "rev@example.org", "Rev Oked"),
        ("nell", "nell@example.org", "Nell None"),
    ):
        world[key] = enrolled(cohort.id, email, name).id
    out = person("out@example.org", "Out Sider", ["trainee"])
    world["out"] = out.id
    return world


def certify_all(world):
    """Certificates for the cohort's people (as build() describes) and the outsider; codes."""
    course = db.session.get(Course, world["course"])
    codes = {}
    for key in ("ada", "tricky", "chinese", "rev", "out"):
        codes[key] = certify(db.session.get(User, world[key]), course).code
    by_code = {
        c.code: c
        for c in db.session.scalars(select(Certificate).where(Certificate.code.in_(codes.values())))
    }
    by_code[codes["chinese"]].expires_on = utcnow().date() - timedelta(days=1)
    by_code[codes["rev"]].revoked_at = utcnow()
    by_code[codes["rev"]].revoked_reason = "Test"
    db.session.commit()
    return codes
