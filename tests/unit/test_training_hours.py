"""Training hours by domain: what passed modules add up to, once per module whatever its later
versions, and the training hours a certificate requires."""

import shutil

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import Certificate, ModuleVersion
from lms.services.authoring.publishing import sync_courses
from lms.services.certification import certification, requirements
from lms.services.learning import attempts, training
from tests.conftest import FIXTURES
from tests.requirementkit import NOW, person, published_course

SPLIT = "domains: {recovery-wellness: 10, advocacy: 5}"


@pytest.fixture
def folder(app_ctx, tmp_path):
    """The sample course with its first module's 15 minutes split across two domains."""
    folder = tmp_path / "sample-course"
    shutil.copytree(FIXTURES / "courses" / "sample-course", folder)
    edit(folder, "01-first-steps.md", "domain: recovery-wellness", SPLIT)
    sync_courses(folder)
    return folder


def edit(folder, name, old, new):
    path = folder / name
    text = path.read_text()
    assert text.count(old) == 1
    path.write_text(text.replace(old, new))


def require(folder, block):
    edit(folder, "course.md", "  valid_for_months: 12\n", "  valid_for_months: 12\n" + block)
    sync_courses(folder)


def pass_module(user, slug):
    """Pass the module's quiz the way a trainee does: open an attempt, answer it right."""
    _, version, attempt, questions, _ = attempts.start_attempt(user.id, "sample-course", slug, NOW)
    answers = {q.id: [c.id for c in q.choices if c.is_correct] for q in questions}
    attempt, certificate = attempts.submit_attempt(user.id, attempt.id, answers, now=NOW)
    assert attempt.passed
    return version, certificate


def hours(user):
    course = published_course()
    return training.minutes_by_domain(user.id, [course.id])[course.id]


def test_a_split_module_counts_its_minutes_in_each_of_its_domains(folder):
    ada = person("Ada Trainee", "ada@example.org", "trainee")
    assert hours(ada) == {}

    pass_module(ada, "first-steps")
    pass_module(ada, "listening")

    assert hours(ada) == {"recovery-wellness": 10, "advocacy": 5, "mentoring-education": 20}
    rows = training.progress_for(ada.id, [published_course()])[published_course().id]
    assert [(row.label, row.text) for row in rows] == [
        ("Advocacy", "0 hours"),  # 5 minutes: rounded down to a tenth of an hour
        ("Mentoring and education", "0.3 hours"),
        ("Recovery and wellness support", "0.1 hours"),
        ("Ethical responsibility", "0 hours"),
        ("Total", "0.5 hours"),
    ]


def test_a_module_passed_under_two_versions_counts_once_with_the_version_first_passed(folder):
    ada = person("Ada Trainee", "ada@example.org", "trainee")
    first, _ = pass_module(ada, "first-steps")
    edit(folder, "01-first-steps.md", "minutes: 15", "minutes: 45")
    edit(folder, "01-first-steps.md", SPLIT, "domains: {recovery-wellness: 10, advocacy: 35}")
    sync_courses(folder)

    assert hours(ada) == {"recovery-wellness": 10, "advocacy": 5}  # the new version: no change
    second, _ = pass_module(ada, "first-steps")  # and passing it again adds nothing

    assert second.id != first.id and second.domain_minutes == {
        "recovery-wellness": 10,
        "advocacy": 35,
    }
    assert hours(ada) == {"recovery-wellness": 10, "advocacy": 5}
    # someone who passes only the new version earns its minutes
    bo = person("Bo Trainee", "bo@example.org", "trainee")
    pass_module(bo, "first-steps")
    assert hours(bo) == {"recovery-wellness": 10, "advocacy": 35}
    assert hours(ada) == {"recovery-wellness": 10, "advocacy": 5}


def test_versions_published_before_splits_count_their_one_domain(folder):
    [version] = db.session.scalars(
        select(ModuleVersion).where(ModuleVersion.domain == "mentoring-education")
    ).all()
    assert version.domain_minutes == {"mentoring-education": 20}


def test_the_certificate_waits_for_training_hours_and_is_issued_once_they_are_met(folder):
    ada = person("Ada Trainee", "ada@example.org", "trainee")
    pass_module(ada, "first-steps")  # 15 minutes, under the version of that day
    # The course then asks for 1 hour of training in total and lengthens the first module: the
    # modules can supply it, but Ada passed the shorter version.
    edit(folder, "01-first-steps.md", "minutes: 15", "minutes: 40")
    edit(folder, "01-first-steps.md", SPLIT, "domains: {recovery-wellness: 35, advocacy: 5}")
    require(folder, "  requires:\n    training_hours: {total: 1}\n")
    course = published_course()

    _, certificate = pass_module(ada, "listening")  # every quiz passed: 35 of 60 minutes
    assert certificate is None
    assert not certification.certificate_due(ada.id, course.id)
    [item] = [i for i in requirements.checklist(ada.id, course) if i.kind == "training"]
    assert (item.what, item.met, item.detail) == (
        "Training hours from modules and live sessions",
        False,
        "Total 0.5 of 1 hour",
    )

    # A new module supplies the rest: passing it is the last requirement met.
    shutil.copy(folder / "02-listening.md", folder / "03-more-listening.md")
    edit(folder, "03-more-listening.md", "minutes: 20", "minutes: 30")
    sync_courses(folder)
    _, certificate = pass_module(ada, "more-listening")

    assert certificate is not None
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
    assert certification.issue_if_due(ada.id, course.id, now=NOW).id == certificate.id
    [item] = [i for i in requirements.checklist(ada.id, course) if i.kind == "training"]
    assert (item.met, item.detail) == (True, "Total 1 of 1 hour")
