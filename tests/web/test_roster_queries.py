"""The roster (sorted by name or by a computed column, filtered by status or not) and the cohort
picture run a bounded number of SQL statements, the same for 20 trainees as for 2,000 (12
modules each, with progress, attempts, certificates, practice hours and signatures, and a live
session the certificate requires), whether a supervisor or staff is looking."""

from lms.extensions import db
from lms.models import Course, User
from lms.services import roster
from tests import livekit
from tests import roster_data as rd
from tests.conftest import sign_in_as
from tests.statements import count_statements

BOUND = 15


def measure(app, client, ids):
    """Statements for each service call and page, as staff and as a supervisor."""

    def service(call, who):
        with app.app_context():
            viewer = db.session.get(User, who)  # loaded with its roles before counting starts
            return count_statements(app, lambda: call(viewer))

    counts = {}
    for who in ("staff", "supervisor"):
        counts[f"roster as {who}"] = service(lambda v: roster.roster(v, today=rd.TODAY), ids[who])
        counts[f"picture as {who}"] = service(
            lambda v: roster.cohort_picture(v, ids["cohort"]), ids[who]
        )
        sign_in_as(client, ids[who])
        for page in (
            "/supervise/",
            "/supervise/?sort=percent&dir=desc",  # a computed sort: found in SQL, then built
            "/supervise/?sort=status&status=waiting",
            "/supervise/?status=in_progress",
            f"/supervise/cohorts/{ids['cohort']}",
        ):
            statuses = []
            counts[f"{page} as {who}"] = count_statements(
                app,
                lambda page=page, statuses=statuses: statuses.append(client.get(page).status_code),
            )
            assert statuses == [200], page
    return counts


def test_the_roster_and_the_cohort_picture_run_the_same_few_statements_at_any_size(app):
    client = app.test_client()
    with app.app_context():
        ids = {
            "staff": rd.person("Sam Staff", roles=("staff",)),
            "supervisor": rd.person("Sue Supervisor", roles=("supervisor",)),
            "other": rd.person("Sid Supervisor", roles=("supervisor",)),
        }
        course_id, modules = rd.bulk_course(modules=12)
        course = db.session.get(Course, course_id)
        livekit.session_version(course_id)
        course.required_sessions = ["role-play-listening"]
        ids["cohort"] = rd.cohort("Everyone", course_id)
        supervisors = [ids["supervisor"], ids["other"]]
        rd.bulk_trainees(20, course_id, modules, supervisors, ids["cohort"], prefix="a")
        db.session.commit()
    small = measure(app, client, ids)
    with app.app_context():
        rd.bulk_trainees(1980, course_id, modules, supervisors, ids["cohort"], prefix="b")
        db.session.commit()
        assert len(roster.roster(db.session.get(User, ids["staff"]))) == 2000

    large = measure(app, client, ids)

    assert all(count <= BOUND for count in large.values()), large
    assert large == small
