"""Certificates as a service: codes and their check character, dates, when one is due, issuing
it once, and its status."""

import re
import shutil
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import OperationalError

from lms.extensions import db
from lms.jobs import jobs_of
from lms.models import Certificate, Course, Module, ModuleProgress, User
from lms.services.authoring.publishing import sync_courses
from lms.services.certification import certificate_lookup, certification
from lms.services.certification.certificate_lookup import (
    MistypedCode,
    NotFound,
    certificate_by_code,
    certificates_for_user,
)
from lms.services.certification.certification import (
    add_months,
    certificate_due,
    certificate_status,
    code_prefix,
    issue_if_due,
    new_code,
)
from lms.services.certification.codes import ALPHABET, is_well_formed, normalise_code
from tests.conftest import run_jobs
from tests.requirementkit import audit_events

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
SAMPLE = [new_code("peer-support-foundations") for _ in range(150)]


def _with(code, index, character):
    """The code with the body character at `index` (0..11, hyphens not counted) replaced."""
    prefix, body = code.split("-", 1)[0], code.split("-", 1)[1].replace("-", "")
    body = body[:index] + character + body[index + 1 :]
    return normalise_code(prefix + body)


# --- codes ---------------------------------------------------------------------------------------


def test_a_code_is_the_course_initials_then_three_groups_of_four():
    code = new_code("peer-support-foundations")

    assert re.fullmatch(
        r"PSF-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", code
    )
    assert is_well_formed(code)


@pytest.mark.parametrize(
    ("slug", "prefix"),
    [
        ("peer-support-foundations", "PSF"),
        ("running-a-peer-support-program", "RAPS"),
        ("sample-course", "SC"),
        ("ethics", "E"),
        ("level-2-skills", "L2S"),
    ],
)
def test_the_prefix_is_up_to_four_initials_of_the_slug(slug, prefix):
    assert code_prefix(slug) == prefix
    assert new_code(slug).startswith(prefix + "-")


def test_codes_are_random_enough_never_to_repeat_in_a_sample():
    assert len(set(SAMPLE)) == len(SAMPLE)
    # Every alphabet character turns up in the random part, and no others.
    used = set("".join(code[4:] for code in SAMPLE).replace("-", ""))
    assert used == set(ALPHABET)


def test_the_check_character_catches_every_single_character_typo():
    for code in SAMPLE:
        body = code[4:].replace("-", "")
        for index in range(12):
            for character in ALPHABET:
                if character != body[index]:
                    assert not is_well_formed(_with(code, index, character)), (code, index)


def test_the_check_character_catches_every_swap_of_neighbours():
    for code in SAMPLE:
        body = code[4:].replace("-", "")
        for index in range(11):
            if body[index] != body[index + 1]:
                swapped = body[:index] + body[index + 1] + body[index] + body[index + 2 :]
                assert not is_well_formed(normalise_code("PSF" + swapped)), (code, index)


def test_normalising_forgives_case_spaces_dashes_and_lookalike_letters():
    code = new_code("peer-support-foundations")
    typed = " " + code.lower().replace("-", " ") + "  "

    assert normalise_code(typed) == code
    assert normalise_code(code.replace("-", "")) == code
    assert normalise_code(code.replace("-", " – ")) == code
    assert normalise_code("psf 7k3q 9xwm 4rt2") == "PSF-7K3Q-9XWM-4RT2"
    assert normalise_code("psf-7k3o-9xwi-4rtl") == "PSF-7K30-9XW1-4RT1"
    # The prefix is the course's initials, not random characters: its letters stay as typed.
    assert normalise_code("lio-7k3q-9xwm-4rt2") == "LIO-7K3Q-9XWM-4RT2"
    assert normalise_code("  abc ") == "ABC"


def test_a_code_of_the_wrong_shape_is_not_well_formed():
    code = new_code("sample-course")

    assert not is_well_formed(code[:-1])
    assert not is_well_formed(code[3:])  # no prefix
    assert not is_well_formed("ABCDE" + code[2:])  # prefix too long
    assert not is_well_formed(code.replace("-", ""))
    assert not is_well_formed("")


# --- dates and status ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 11, 21), 24, date(2028, 11, 21)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2028, 2, 29), 48, date(2032, 2, 29)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 5, 1), 0, date(2026, 5, 1)),
    ],
)
def test_adding_calendar_months_keeps_the_day_or_uses_the_last_of_a_short_month(
    start, months, expected
):
    assert add_months(start, months) == expected


def test_status_is_valid_until_the_expiry_date_then_expired_and_revoked_overrides_both():
    certificate = Certificate(expires_on=date(2028, 11, 21), revoked_at=None)

    assert certificate_status(certificate, date(2028, 11, 20)) == "valid"
    assert certificate_status(certificate, date(2028, 11, 21)) == "expired"
    assert certificate_status(certificate, date(2030, 1, 1)) == "expired"
    certificate.revoked_at = NOW
    assert certificate_status(certificate, date(2027, 1, 1)) == "revoked"
    assert certificate_status(certificate, date(2030, 1, 1)) == "revoked"


# --- due, issued, found --------------------------------------------------------------------------


@pytest.fixture
def course(app_ctx, courses_dir):
    sync_courses(courses_dir)
    return db.session.scalar(select(Course).where(Course.slug == "sample-course"))


def make_user(name="Ada Trainee", email="ada@example.org"):
    user = User(email=email, name=name, password_hash="x")
    db.session.add(user)
    db.session.commit()
    return user


def modules_of(course):
    return list(
        db.session.scalars(
            select(Module).where(Module.course_id == course.id).order_by(Module.position)
        )
    )


def pass_modules(user, modules, at=NOW):
    for module in modules:
        db.session.add(
            ModuleProgress(user_id=user.id, module_id=module.id, read_at=at, passed_at=at)
        )
    db.session.commit()


def certificate_count():
    return db.session.scalar(select(func.count(Certificate.id)))


def test_a_certificate_is_due_only_when_every_module_is_passed(course):
    user = make_user()
    first, second = modules_of(course)

    assert not certificate_due(user.id, course.id)
    pass_modules(user, [first])
    assert not certificate_due(user.id, course.id)
    db.session.add(ModuleProgress(user_id=user.id, module_id=second.id, read_at=NOW))
    db.session.commit()
    assert not certificate_due(user.id, course.id)  # read, but the quiz is not passed
    db.session.execute(update(ModuleProgress).values(passed_at=NOW))
    db.session.commit()
    assert certificate_due(user.id, course.id)


def test_another_trainees_progress_does_not_count(course):
    done, other = make_user(), make_user("Bo", "bo@example.org")
    pass_modules(done, modules_of(course))

    assert certificate_due(done.id, course.id)
    assert not certificate_due(other.id, course.id)


def test_a_retired_module_is_not_required(course):
    user = make_user()
    first, second = modules_of(course)
    pass_modules(user, [first])
    second.retired_at = NOW
    db.session.commit()

    assert certificate_due(user.id, course.id)


def test_a_sync_that_completes_a_trainees_requirements_issues_their_certificate(
    app, course, courses_dir
):
    """Ada passed the first module; the second is removed from disk. Nothing she does will ask
    for her certificate again, so the worker issues it after the sync (and only what is due)."""
    ada, bo = make_user(), make_user("Bo", "bo@example.org")
    first, second = modules_of(course)
    pass_modules(ada, [first])
    db.session.add(ModuleProgress(user_id=bo.id, module_id=first.id, read_at=NOW))  # not passed
    db.session.commit()
    assert run_jobs(app) == 0
    shutil.copytree(courses_dir / "sample-course", courses_dir / "second-course")
    sync_courses(courses_dir)  # a course added: it has no trainees, so nothing to look at
    assert run_jobs(app) == 0
    _retire_the_second_module(courses_dir)

    report = sync_courses(courses_dir)

    assert report.modules_retired and certificate_count() == 0  # the sync itself issues nothing
    [task] = jobs_of(app).huey.pending()  # for the course the sync changed, not every course
    assert task.args == (["sample-course"],)
    assert run_jobs(app) == 1
    [certificate] = db.session.scalars(select(Certificate)).all()
    assert certificate.user_id == ada.id and certificate.course_id == course.id
    assert [e.subject_id for e in audit_events("certificate.issued")] == [ada.id]
    sync_courses(courses_dir)  # nothing changed: nothing to look at again
    assert run_jobs(app) == 0
    assert certification.issue_due_certificates(course.slug) == []  # and once issued, never twice


def _retire_the_second_module(courses_dir):
    """Remove the sample course's second module from disk (and the first's link to it)."""
    folder = courses_dir / "sample-course"
    (folder / "02-listening.md").unlink()
    first_file = folder / "01-first-steps.md"
    text = first_file.read_text(encoding="utf-8")
    first_file.write_text(text.replace("[Listening](02-listening.md#open-questions)", "Listening"))


def test_a_recheck_cut_short_is_tried_again_and_issues_the_rest(app, course, courses_dir):
    """The worker's recheck after a sync loses its database connection after issuing Ada's
    certificate, before Bo's: the task is tried again a minute later and issues Bo's, and Ada's
    is not issued twice."""
    ada, bo = make_user(), make_user("Bo", "bo@example.org")
    first, _ = modules_of(course)
    pass_modules(ada, [first])
    pass_modules(bo, [first])
    db.session.commit()
    _retire_the_second_module(courses_dir)
    sync_courses(courses_dir)
    inserts = []

    def connection_lost_at_the_second_certificate(connection, cursor, statement, *_):
        if statement.lstrip().upper().startswith("INSERT INTO CERTIFICATE "):
            inserts.append(statement)
            if len(inserts) == 2:
                lost = ConnectionError("server closed the connection unexpectedly")
                raise OperationalError(statement, None, lost)

    event.listen(db.engine, "before_cursor_execute", connection_lost_at_the_second_certificate)
    try:
        assert run_jobs(app) == 1
    finally:
        event.remove(db.engine, "before_cursor_execute", connection_lost_at_the_second_certificate)
    db.session.expire_all()
    assert [c.user_id for c in db.session.scalars(select(Certificate))] == [ada.id]
    queue = jobs_of(app)
    assert queue.huey.scheduled_count() == 1  # the retry, due a minute later
    [retry] = queue.huey.scheduled()
    assert retry.args == (["sample-course"],)

    assert queue.run_scheduled(datetime(2100, 1, 1)) == 1

    db.session.expire_all()
    holders = db.session.scalars(select(Certificate.user_id).order_by(Certificate.user_id))
    assert list(holders) == [ada.id, bo.id]
    assert sorted(e.subject_id for e in audit_events("certificate.issued")) == [ada.id, bo.id]
    assert queue.huey.scheduled_count() == 0 and run_jobs(app) == 0


def test_a_course_without_current_modules_or_retired_is_not_due(course):
    user = make_user()
    pass_modules(user, modules_of(course))
    course.retired_at = NOW
    db.session.commit()

    assert not certificate_due(user.id, course.id)


def test_nothing_is_issued_before_the_course_is_complete(course):
    user = make_user()
    pass_modules(user, modules_of(course)[:1])

    assert issue_if_due(user.id, course.id, now=NOW) is None
    assert certificate_count() == 0


def test_issuing_records_code_version_title_and_dates(course):
    user = make_user()
    pass_modules(user, modules_of(course))

    certificate = issue_if_due(user.id, course.id, now=NOW)

    assert certificate.code.startswith("SC-") and is_well_formed(certificate.code)
    assert certificate.course_version == course.version
    assert certificate.title == "Sample Certificate"
    assert certificate.issued_at == NOW
    assert certificate.issued_on == date(2026, 11, 21)
    assert certificate.expires_on == date(2027, 11, 21)  # valid_for_months: 12
    assert certificate.revoked_at is None
    db.session.rollback()  # it was committed: it is still there
    assert certificate_count() == 1


def test_the_issue_date_is_the_day_in_the_programs_time_zone(course):
    user = make_user()
    pass_modules(user, modules_of(course))
    evening_in_new_york = datetime(2028, 2, 28, 20, 30, tzinfo=timezone(timedelta(hours=-5)))

    certificate = issue_if_due(user.id, course.id, now=evening_in_new_york)

    # February 29 in UTC, but the program (LMS_TIMEZONE, New York) is still on the 28th.
    assert certificate.issued_on == date(2028, 2, 28)
    assert certificate.expires_on == date(2029, 2, 28)


def test_a_leap_day_certificate_expires_on_the_last_day_of_february(course):
    user = make_user()
    pass_modules(user, modules_of(course))

    certificate = issue_if_due(user.id, course.id, now=datetime(2028, 2, 29, 15, tzinfo=UTC))

    assert certificate.issued_on == date(2028, 2, 29)
    assert certificate.expires_on == date(2029, 2, 28)


def test_expiry_follows_the_courses_months_and_clamps_the_day(course):
    course.certificate_valid_for_months = 1
    db.session.commit()
    user = make_user()
    pass_modules(user, modules_of(course))

    certificate = issue_if_due(user.id, course.id, now=datetime(2027, 1, 31, 12, tzinfo=UTC))

    assert certificate.expires_on == date(2027, 2, 28)


def test_issuing_again_returns_the_same_certificate_and_adds_nothing(course):
    user = make_user()
    pass_modules(user, modules_of(course))
    first = issue_if_due(user.id, course.id, now=NOW)

    again = issue_if_due(user.id, course.id, now=NOW + timedelta(days=3))

    assert again.id == first.id and again.issued_on == date(2026, 11, 21)
    assert certificate_count() == 1


def test_a_code_collision_draws_a_new_code(course, monkeypatch):
    holder, user = make_user(), make_user("Bo", "bo@example.org")
    pass_modules(holder, modules_of(course))
    pass_modules(user, modules_of(course))
    taken = issue_if_due(holder.id, course.id, now=NOW).code
    fresh = new_code("sample-course")
    codes = iter([taken, fresh])
    monkeypatch.setattr(certification, "new_code", lambda slug: next(codes))

    certificate = issue_if_due(user.id, course.id, now=NOW)

    assert certificate.code == fresh
    assert certificate_count() == 2


def test_certificates_for_user_lists_only_theirs_newest_first(course):
    user, other = make_user(), make_user("Bo", "bo@example.org")
    pass_modules(user, modules_of(course))
    pass_modules(other, modules_of(course))
    issue_if_due(other.id, course.id, now=NOW)
    older = issue_if_due(user.id, course.id, now=NOW - timedelta(days=400))
    other_course = Course(
        slug="other-course", title="Other Course", summary="", overview_html="", pass_mark=80,
        certificate_title="Later", certificate_valid_for_months=12, content_hash="x",
    )  # fmt: skip
    db.session.add(other_course)
    db.session.flush()
    db.session.add(
        Certificate(
            code=new_code("other-course"), user_id=user.id, course_id=other_course.id,
            course_version=1, title="Later", issued_at=NOW, issued_on=NOW.date(),
            expires_on=NOW.date(),
        )
    )  # fmt: skip
    db.session.commit()

    listed = certificates_for_user(user.id)

    assert [c.title for c in listed] == ["Later", "Sample Certificate"]
    assert listed[1].id == older.id and listed[1].course.title == "Sample Course"
    assert certificates_for_user(make_user("Cy", "cy@example.org").id) == []


def test_a_certificate_is_found_by_its_code_typed_loosely(course):
    user = make_user()
    pass_modules(user, modules_of(course))
    issued = issue_if_due(user.id, course.id, now=NOW)

    found = certificate_by_code(" " + issued.code.lower().replace("-", " "))

    assert found.id == issued.id and found.user.name == "Ada Trainee"


def test_an_unknown_code_and_a_mistyped_code_are_told_apart(course):
    user = make_user()
    pass_modules(user, modules_of(course))
    issued = issue_if_due(user.id, course.id, now=NOW)
    body = issued.code[3:].replace("-", "")
    typo = _with(issued.code, 5, "X" if body[5] != "X" else "Y")

    with pytest.raises(MistypedCode):
        certificate_by_code(typo)
    with pytest.raises(NotFound) as unknown:
        certificate_by_code(new_code("sample-course"))
    assert not isinstance(unknown.value, MistypedCode)
    with pytest.raises(MistypedCode):
        certificate_by_code("hello")


def test_only_the_holder_or_staff_may_open_a_certificate(course):
    user, other = make_user(), make_user("Bo", "bo@example.org")
    pass_modules(user, modules_of(course))
    code = issue_if_due(user.id, course.id, now=NOW).code

    assert certificate_lookup.certificate_for_viewer(code, user.id, {"trainee"}).code == code
    assert certificate_lookup.certificate_for_viewer(code, other.id, {"staff"}).code == code
    assert certificate_lookup.certificate_for_viewer(code, other.id, {"admin"}).code == code
    for roles in ({"trainee"}, {"supervisor"}, set()):
        with pytest.raises(NotFound):
            certificate_lookup.certificate_for_viewer(code, other.id, roles)


def test_verification_says_only_the_public_facts(course):
    user = make_user()
    pass_modules(user, modules_of(course))
    code = issue_if_due(user.id, course.id, now=NOW).code

    result = certificate_lookup.verify(code, today=date(2027, 11, 21))

    assert result == certificate_lookup.Verification(
        code=code,
        holder="Ada Trainee",
        title="Sample Certificate",
        issued_on=date(2026, 11, 21),
        expires_on=date(2027, 11, 21),
        status="expired",
    )
