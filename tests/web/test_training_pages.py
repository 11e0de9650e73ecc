"""Training hours by domain on the trainee's dashboard and the supervisor's trainee record: in
words, with a bar where the certificate requires hours, and in a fixed number of statements."""

import re
import shutil

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import Course, Module, ModuleProgress, ModuleVersion, QuizAttempt, User
from lms.models.types import utcnow
from lms.services.authoring.publishing import sync_courses
from lms.services.people import accounts
from tests import livekit, roster_data, transcriptkit
from tests.conftest import FIXTURES, sign_in_as
from tests.requirementkit import make_people, published_course
from tests.statements import recorded_statements


def words(html):
    """The page's text as a person reads it: tags (and a bar's fallback text, which a browser
    does not show) dropped, spaces collapsed."""
    html = re.sub(r"<progress[^>]*>.*?</progress>", " ", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def people(app, tmp_path):
    """The sample course, its first module 75 minutes (15 recovery-wellness, 60 advocacy), its
    certificate requiring 1 hour of advocacy and 1 in total; Ada has passed only 'listening'."""
    folder = tmp_path / "sample-course"
    shutil.copytree(FIXTURES / "courses" / "sample-course", folder)
    first = folder / "01-first-steps.md"
    first.write_text(
        first.read_text()
        .replace("minutes: 15", "minutes: 75")
        .replace("domain: recovery-wellness", "domains: {recovery-wellness: 15, advocacy: 60}")
    )
    course_md = folder / "course.md"
    course_md.write_text(
        course_md.read_text().replace(
            "  valid_for_months: 12\n",
            "  valid_for_months: 12\n  requires:\n    training_hours: {total: 1, advocacy: 1}\n",
        )
    )
    with app.app_context():
        sync_courses(folder)
        found = make_people()
        course = published_course()
        listening = db.session.scalar(select(Module).where(Module.slug == "listening"))
        db.session.add(ModuleProgress(user_id=found["ada"].id, module_id=listening.id,
                                      passed_at=utcnow()))  # fmt: skip
        db.session.commit()
        assert course.training_hours == {"total": 1, "advocacy": 1}
        return {name: user.id for name, user in found.items()}


EXPECTED = (
    "Training hours by domain "
    "Advocacy: 0 of 1 hour (still to do) "
    "Mentoring and education: 0.3 hours "
    "Recovery and wellness support: 0 hours "
    "Ethical responsibility: 0 hours "
    "Total: 0.3 of 1 hour (still to do)"
)


def test_the_dashboard_shows_training_hours_by_domain_in_words_and_bars(app, people):
    client = sign_in_as(app.test_client(), people["ada"])
    html = client.get("/dashboard").get_data(as_text=True)

    assert EXPECTED in words(html)
    # a bar only where hours are required, named by the words beside it
    bars = re.findall(r'<progress max="100" value="(\d+)" aria-labelledby="([^"]+)"', html)
    assert ("0", "dash-sample-course-advocacy") in bars
    assert ("33", "dash-sample-course-total") in bars
    assert not any(label.endswith("mentoring-education") for _, label in bars)


def test_the_trainee_record_shows_the_same_hours(app, people):
    client = sign_in_as(app.test_client(), people["sam"])  # Ada's supervisor
    response = client.get(f"/supervise/trainees/{people['ada']}")

    assert response.status_code == 200
    text = words(response.get_data(as_text=True))
    assert EXPECTED in text
    assert (
        "Also needed for the certificate: training hours: advocacy 0 of 1, total 0.3 of 1." in text
    )


def test_passed_modules_fill_the_bars(app, people):
    with app.app_context():
        first = db.session.scalar(select(Module).where(Module.slug == "first-steps"))
        db.session.add(ModuleProgress(user_id=people["ada"], module_id=first.id,
                                      passed_at=utcnow()))  # fmt: skip
        db.session.commit()
    client = sign_in_as(app.test_client(), people["ada"])
    text = words(client.get("/dashboard").get_data(as_text=True))
    assert "Advocacy: 1 of 1 hour (done)" in text
    assert "Total: 1.5 of 1 hour (done)" in text


def test_the_module_page_names_each_domain_of_a_split_module(app, people):
    client = sign_in_as(app.test_client(), people["ada"])
    text = words(client.get("/courses/sample-course/first-steps").get_data(as_text=True))
    assert "About 75 minutes · Advocacy 60 min, Recovery and wellness support 15 min ·" in text


MODULE = """---
title: Module {n}
minutes: 40
domains: {{advocacy: 30, ethical-responsibility: 10}}
objectives:
  - Learn thing {n}.
---

Lesson {n}.

## Quiz

### Question {n}?

- [x] Right {n}
- [ ] Wrong {n}

> Because {n}.
"""


def grow(app, folder, modules):
    """The course in `folder` with `modules` modules, every one passed by the trainee (twice, as
    if under two versions). Returns the trainee's id."""
    if not (folder / "course.md").exists():
        folder.mkdir(parents=True)
        (folder / "course.md").write_text(
            "---\ntitle: Big\nsummary: Many modules.\ncertificate:\n  title: T\n"
            "  valid_for_months: 6\n  requires:\n    training_hours: {total: 1, advocacy: 1}\n"
            "---\nOverview.\n"
        )
    for n in range(1, modules + 1):
        (folder / f"{n:02d}-module-{n}.md").write_text(MODULE.format(n=n))
    with app.app_context():
        sync_courses(folder)
        user = db.session.scalar(select(User).where(User.email == "t@example.org"))
        if user is None:
            user = accounts.ensure_user("t@example.org", "T", ["trainee"], "a-long-passphrase")
        passed = set(
            db.session.scalars(
                select(ModuleProgress.module_id).where(ModuleProgress.user_id == user.id)
            )
        )
        for module in db.session.scalars(select(Module)):
            if module.id in passed:
                continue
            version_id = db.session.scalar(
                select(ModuleVersion.id).where(ModuleVersion.module_id == module.id)
            )
            for _ in range(2):
                db.session.add(
                    QuizAttempt(user_id=user.id, module_id=module.id, module_version_id=version_id,
                                submitted_at=utcnow(), answers={}, score=100, passed=True)
                )  # fmt: skip
            db.session.add(ModuleProgress(user_id=user.id, module_id=module.id, passed_at=utcnow()))
        db.session.commit()
        return user.id


def dashboard(app, client):
    """(the SQL statements the dashboard runs, its words)."""
    client.get("/dashboard")
    with recorded_statements(app) as statements:
        response = client.get("/dashboard")
    assert response.status_code == 200
    return statements, words(response.get_data(as_text=True))


def add_history(user_id):
    """200 approved practice entries and 40 live sessions attended (90 minutes each, mentoring
    and education), in a cohort taking the course."""
    course = db.session.scalar(select(Course))
    supervisor = accounts.ensure_user("s@example.org", "S", ["supervisor"], "a-long-passphrase")
    cohort_id = roster_data.cohort("Big cohort", course.id)
    roster_data.enrol(cohort_id, user_id)
    for n in range(200):
        transcriptkit.hours(
            user_id, 60, kind=("work", "supervision")[n % 2], reviewer_id=supervisor.id
        )
    for n in range(40):
        version = livekit.session_version(course.id, slug=f"session-{n}", position=n + 1)
        meeting = livekit.held_meeting(version, cohort_id, supervisor.id, livekit.hours_ago(n + 2))
        livekit.attend(meeting, user_id)
    db.session.commit()


def test_the_dashboard_runs_as_many_statements_with_60_modules_passed_as_with_2(app, tmp_path):
    folder = tmp_path / "big"
    client = sign_in_as(app.test_client(), grow(app, folder, 2))
    few, text = dashboard(app, client)
    assert "Advocacy: 1 of 1 hour (done)" in text
    assert "Total: 1.3 of 1 hour (done)" in text

    grow(app, folder, 60)
    with app.app_context():
        add_history(db.session.scalar(select(User.id).where(User.email == "t@example.org")))
    many, text = dashboard(app, client)
    assert "Advocacy: 30 of 1 hour (done)" in text
    assert "Mentoring and education: 60 hours" in text  # 40 live sessions of 90 minutes
    assert "Ethical responsibility: 10 hours" in text
    assert "Total: 100 of 1 hour (done)" in text
    assert len(many) == len(few)
    # The hours by domain are read once, for the bars and the checklist alike: one statement for
    # passed modules, one for attended live sessions.
    hours = [
        s for s in many if "domain_minutes" in s and ("quiz_attempt" in s or "attendance" in s)
    ]
    assert len(hours) == 2
