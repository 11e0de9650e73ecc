"""The trainee pages that declare @autocommit run, on PostgreSQL, with no transaction of their
own (services/autocommit.py): what they write still lands, the pages that do not declare it
still run in one transaction, and a connection goes back to the pool transactional again."""

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url

from lms.extensions import db
from lms.models import Module, ModuleProgress, ModuleVersion, QuizAttempt
from lms.models.types import utcnow
from lms.services.authoring.publishing import sync_courses
from lms.services.people import accounts
from tests.conftest import sign_in_as
from tests.statements import recorded_statements

DECLARED = {"learn.home", "learn.dashboard", "learn.course", "learn.module", "learn.attempt"}


@pytest.fixture
def on_postgresql(app):
    if make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "postgresql":
        pytest.skip("autocommit is used on PostgreSQL only (LMS_TEST_DATABASE_URL)")
    return app


@pytest.fixture
def trainee(on_postgresql, courses_dir):
    app = on_postgresql
    with app.app_context():
        sync_courses(courses_dir)
        user = accounts.ensure_user("t@example.org", "T", ["trainee"], "a-long-passphrase")
        module = db.session.scalars(select(Module).order_by(Module.id)).first()
        return user.id, module.course.slug, module.slug, module.id


def test_only_the_trainee_reading_pages_declare_autocommit_and_only_for_get(app):
    declared = {
        rule.endpoint: rule.methods
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "autocommit", False)
    }

    assert set(declared) == DECLARED
    assert all(methods <= {"GET", "HEAD", "OPTIONS"} for methods in declared.values())


def test_a_module_page_runs_in_autocommit_and_its_first_opening_is_kept(app, trainee):
    user_id, course_slug, module_slug, module_id = trainee
    client = sign_in_as(app.test_client(), user_id)

    with recorded_statements(app) as statements:
        assert client.get(f"/courses/{course_slug}/{module_slug}").status_code == 200
    assert statements.in_autocommit and all(statements.in_autocommit), statements

    with app.app_context():
        kept = db.session.scalar(
            select(func.count())
            .select_from(ModuleProgress)
            .where(ModuleProgress.user_id == user_id, ModuleProgress.module_id == module_id)
        )
    assert kept == 1


@pytest.mark.parametrize("page", ["/", "/dashboard", "/courses/{course}/"])
def test_the_other_declared_pages_run_in_autocommit(app, trainee, page):
    user_id, course_slug, _, _ = trainee
    client = sign_in_as(app.test_client(), user_id)
    client.get(page.format(course=course_slug))  # a first visit may note the session as seen

    with recorded_statements(app) as statements:
        assert client.get(page.format(course=course_slug)).status_code == 200
    assert statements.in_autocommit and all(statements.in_autocommit), statements


def test_a_quiz_attempt_result_runs_in_autocommit(app, trainee):
    user_id, course_slug, module_slug, module_id = trainee
    with app.app_context():
        version_id = db.session.scalar(
            select(ModuleVersion.id).where(ModuleVersion.module_id == module_id)
        )
        attempt = QuizAttempt(
            user_id=user_id, module_id=module_id, module_version_id=version_id,
            submitted_at=utcnow(), answers={}, score=0, passed=False,
        )  # fmt: skip
        db.session.add(attempt)
        db.session.commit()
        page = f"/courses/{course_slug}/{module_slug}/attempts/{attempt.id}"
    client = sign_in_as(app.test_client(), user_id)
    client.get(page)

    with recorded_statements(app) as statements:
        assert client.get(page).status_code == 200
    assert statements.in_autocommit and all(statements.in_autocommit), statements


def test_a_page_that_does_not_declare_it_runs_in_a_transaction_after_one_that_does(app, trainee):
    user_id, course_slug, module_slug, _ = trainee
    client = sign_in_as(app.test_client(), user_id)
    module_page = f"/courses/{course_slug}/{module_slug}"
    client.get(module_page)

    for _ in range(3):  # each time on the connection the module page gave back to the pool
        with recorded_statements(app) as statements:
            assert client.get(module_page).status_code == 200
        on_module_page = list(statements.in_autocommit)
        with recorded_statements(app) as statements:
            assert client.get(f"{module_page}/quiz").status_code == 200
        on_quiz_page = list(statements.in_autocommit)

        assert on_module_page and all(on_module_page)
        assert on_quiz_page and not any(on_quiz_page)


def test_a_request_whose_session_has_begun_is_left_in_its_transaction(app, trainee):
    user_id, course_slug, module_slug, _ = trainee
    client = sign_in_as(app.test_client(), user_id)
    with app.app_context():  # the request shares this context's session, already begun
        db.session.execute(select(1))
        with recorded_statements(app) as statements:
            assert client.get(f"/courses/{course_slug}/{module_slug}").status_code == 200
        db.session.rollback()
    assert statements.in_autocommit and not any(statements.in_autocommit)


def test_a_signed_out_visitor_sent_to_sign_in_takes_no_connection(app, trainee):
    _, course_slug, module_slug, _ = trainee
    with app.app_context():
        engine = db.engine
    checkouts = []
    listener = lambda *_: checkouts.append(1)  # noqa: E731
    event.listen(engine, "checkout", listener)
    try:
        for page in ("/dashboard", f"/courses/{course_slug}/{module_slug}"):
            response = app.test_client().get(page)
            assert response.status_code == 302 and "/sign-in" in response.location
        assert checkouts == []
        assert app.test_client().get(f"/courses/{course_slug}/").status_code == 200  # public
        assert checkouts  # a page that reads still takes one
    finally:
        event.remove(engine, "checkout", listener)
