"""Each trainee page runs a fixed, small number of SQL statements, however big the course or the
trainee's history. The numbers may only go down: a change that adds a statement to a page every
trainee opens should say why here."""

import re

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import (
    Choice,
    Course,
    LiveSession,
    LiveSessionVersion,
    Module,
    ModuleVersion,
    QuizAttempt,
)
from lms.models.types import utcnow
from lms.services.authoring.publishing import sync_courses
from lms.services.learning import catalog_version
from lms.services.people import accounts
from tests import livekit, roster_data, transcriptkit
from tests.conftest import BUNDLED_COURSES, csrf_token, sign_in_as
from tests.statements import recorded_statements

# Statements per page once the worker holds the catalog: the account with its roles and the
# catalog version (one query), then the trainee's own rows.
COUNTS = {
    "/dashboard": 6,
    "/courses/big/": 2,
    "/courses/big/module-1": 2,
    "/courses/big/module-1/quiz": 4,
    "/courses/big/module-1/attempts/{attempt}": 4,
}
# Reading the whole catalog again after a publish: courses, current versions, questions, choices,
# live sessions.
CATALOG_RELOAD = 5
# A graded submission: the account, the trainee's row locked first (so that an erasure at the
# same moment waits rather than deadlocks), the attempt with what quiz_chance decides by (one
# query), the grade, the progress row (an upsert: made if missing, else updated). Questions and
# the module's course come from the catalog copy; nothing is read back. It was 12 before issue
# 13, then 7 (the attempt and quiz_chance apart, the progress row inserted, read and updated),
# then 4 until the lock.
SUBMISSION = 5
# A pass also asks whether the course's certificate is now due (certification.issue_if_due: no
# certificate yet, the trainee's turn taken, none issued meanwhile, quizzes passed: not all).
PASSING_SUBMISSION = SUBMISSION + 4

MODULE = """---
title: Module {n}
minutes: 10
domain: advocacy
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


def build(app, root, modules, attempts):
    folder = root / "big"
    folder.mkdir(parents=True)
    (folder / "course.md").write_text(
        "---\ntitle: Big\nsummary: Many modules.\ncertificate:\n  title: T\n"
        "  valid_for_months: 6\n---\nOverview.\n"
    )
    for n in range(1, modules + 1):
        (folder / f"{n:02d}-module-{n}.md").write_text(MODULE.format(n=n))
    with app.app_context():
        sync_courses(root)
        user = accounts.ensure_user("t@example.org", "T", ["trainee"], "a-long-passphrase")
        module = db.session.scalar(select(Module).where(Module.slug == "module-1"))
        version_id = db.session.scalar(
            select(ModuleVersion.id).where(ModuleVersion.module_id == module.id)
        )
        for _ in range(attempts):
            db.session.add(
                QuizAttempt(
                    user_id=user.id,
                    module_id=module.id,
                    module_version_id=version_id,
                    submitted_at=utcnow(),
                    answers={},
                    score=0,
                    passed=False,
                )  # fmt: skip
            )
        db.session.commit()
        last = db.session.scalar(select(QuizAttempt.id).order_by(QuizAttempt.id.desc()))
        return user.id, last


PAGES = [
    "/dashboard",
    "/courses/big/",
    "/courses/big/module-1",
    "/courses/big/module-1/quiz",
    "/courses/big/module-1/attempts/{attempt}",
]


@pytest.mark.parametrize(("modules", "attempts"), [(1, 1), (50, 100)])
def test_trainee_pages_run_a_fixed_number_of_statements(app, tmp_path, modules, attempts):
    user_id, attempt_id = build(app, tmp_path / "set", modules, attempts)
    client = sign_in_as(app.test_client(), user_id)
    counts = {}
    with recorded_statements(app) as statements:
        for page in PAGES:
            path = page.format(attempt=attempt_id)
            client.get(path)  # the first visit may create the progress row and the open attempt
            statements.clear()
            assert client.get(path).status_code == 200, path
            counts[page] = len(statements)

    assert counts == COUNTS, statements


def test_after_a_publish_the_next_page_reads_the_catalog_once_then_not_again(app, tmp_path):
    user_id, _ = build(app, tmp_path / "set", 3, 1)
    client = sign_in_as(app.test_client(), user_id)
    page = "/courses/big/module-1"
    client.get(page)
    with app.app_context():
        catalog_version.bump()
        db.session.commit()
    with recorded_statements(app) as statements:
        assert client.get(page).status_code == 200
        assert len(statements) == COUNTS[page] + CATALOG_RELOAD, statements
        statements.clear()
        assert client.get(page).status_code == 200
    assert len(statements) == COUNTS[page], statements


@pytest.mark.parametrize(
    ("right", "attempts", "expected"),
    [(False, 0, SUBMISSION), (False, 100, SUBMISSION), (True, 100, PASSING_SUBMISSION)],
)
def test_a_quiz_submission_runs_a_fixed_number_of_statements(
    app, tmp_path, right, attempts, expected
):
    user_id, _ = build(app, tmp_path / "set", 2, attempts)
    client = sign_in_as(app.test_client(), user_id)
    html = client.get("/courses/big/module-1/quiz").get_data(as_text=True)
    question = re.search(r'name="q(\d+)"', html).group(1)
    with app.app_context():
        choice = db.session.scalar(
            select(Choice.id).where(Choice.question_id == int(question), Choice.is_correct == right)
        )
    form = {
        "csrf_token": csrf_token(html),
        "attempt_id": re.search(r'name="attempt_id" value="(\d+)"', html).group(1),
        "shown": re.search(r'name="shown" value="([^"]+)"', html).group(1),
        "q" + question: str(choice),
    }
    with recorded_statements(app) as statements:
        response = client.post("/courses/big/module-1/quiz", data=form)

    assert response.status_code == 303
    assert ("certificate=1" in response.headers["Location"]) is False
    assert len(statements) == expected, statements
    with app.app_context():
        graded = db.session.get(QuizAttempt, int(form["attempt_id"]))
        assert (graded.score, graded.passed) == ((100, True) if right else (0, False))


# The course page of a course whose certificate asks for everything (Foundations: code of ethics,
# practice hours, training hours by domain, nine live sessions, two skills checklists), for a new
# trainee and for one with a history of each: the two above, then its checklist's: signatures,
# practice hours, the minutes of passed modules, the attendance that counts (read once for the
# training minutes and the required sessions: it was two queries) and the next meetings. The
# quizzes passed come from the progress, the sessions' current versions from the catalog.
# That is the first view: the worker then keeps the checklist it made
# (certification/kept_checklists.py), and the next views of the page, while the trainee's stamp
# and the catalog version (read with the account) stay as they were, are the two statements of
# any course page.
# The dashboard then has the certificates, their renewal standing and the meetings to come
# besides; it reads the attendance once for its training hours and the checklist alike, and
# takes each required session's next meeting from the meetings to come (it was a query more).
WITH_REQUIREMENTS = {
    ("/courses/peer-support-foundations/", "new", "first"): 7,
    ("/courses/peer-support-foundations/", "new", "again"): 2,
    ("/courses/peer-support-foundations/", "history", "first"): 7,
    ("/courses/peer-support-foundations/", "history", "again"): 2,
    ("/dashboard", "new", "first"): 8,
    ("/dashboard", "new", "again"): 8,
    ("/dashboard", "history", "first"): 8,
    ("/dashboard", "history", "again"): 8,
}


def add_history(user_id):
    """In a cohort with meetings to come, having passed modules, attended a session, signed the
    code of ethics and logged hours."""
    course = db.session.scalar(select(Course))
    supervisor_id = roster_data.person("S", roles=("supervisor",))
    cohort_id = roster_data.cohort("Spring", course.id)
    roster_data.enrol(cohort_id, user_id)
    modules = transcriptkit.module_ids(course.id)
    for module_id in modules[:5]:
        transcriptkit.pass_module(user_id, module_id)
    roster_data.progress(user_id, modules[6])
    roster_data.signature(user_id, course.id, course.ethics_hash)
    transcriptkit.hours(user_id, 300, reviewer_id=supervisor_id)
    transcriptkit.hours(user_id, 120, status="pending", kind="supervision")
    versions = db.session.scalars(
        select(LiveSessionVersion)
        .join(LiveSession)
        .where(LiveSessionVersion.number == LiveSession.current_version_number)
        .order_by(LiveSession.position)
    ).all()
    held = livekit.held_meeting(versions[0], cohort_id, supervisor_id, livekit.hours_ago(72))
    livekit.attend(held, user_id, skills=[0, 1])
    for days, version in enumerate(versions[1:3], start=3):
        livekit.held_meeting(version, cohort_id, supervisor_id, livekit.hours_ago(-24 * days))
    db.session.commit()


def test_the_course_page_of_a_course_with_requirements_runs_a_fixed_number_of_statements(app):
    with app.app_context():
        sync_courses(BUNDLED_COURSES / "peer-support-foundations")
        new = accounts.ensure_user("new@example.org", "N", ["trainee"], "a-long-passphrase").id
        old = accounts.ensure_user("old@example.org", "O", ["trainee"], "a-long-passphrase").id
        add_history(old)
    counts, texts = {}, {}
    for trainee, user_id in [("new", new), ("history", old)]:
        client = sign_in_as(app.test_client(), user_id)
        client.get("/")  # the catalog copy made, and the session's last-seen note
        for page in ("/courses/peer-support-foundations/", "/dashboard"):
            for view in ("first", "again"):
                with recorded_statements(app) as statements:
                    response = client.get(page)
                assert response.status_code == 200
                counts[page, trainee, view] = len(statements)
                texts[page, trainee, view] = response.get_data(as_text=True)
            # The same page but for the sign-out form's token, signed anew each second.
            first, again = (
                re.sub(r'name="csrf_token" value="[^"]*"', "", texts[page, trainee, view])
                for view in ("first", "again")
            )
            assert first == again

    assert counts == WITH_REQUIREMENTS, statements
    course_page = "/courses/peer-support-foundations/", "new", "first"
    assert "0 of 31 quizzes passed" in texts[course_page]
    course_page = "/courses/peer-support-foundations/", "history", "first"
    assert "5 of 31 quizzes passed" in texts[course_page]
    assert "Not yet; next session" in texts[course_page]
    # From the meetings to come:
    assert "Not yet; next session" in texts["/dashboard", "history", "first"]
    # The attendance read once serves the training hours and the required sessions alike.
    dashboard = re.sub(r"<[^>]+>|\s+", " ", texts["/dashboard", "history", "first"])
    assert "Mentoring and education: 3.5 of 10 hours" in dashboard
    assert "Attended on" in dashboard
