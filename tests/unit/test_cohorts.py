"""Cohorts as a service: creating them, enrolling one person, importing a CSV file (a preview that
names every problem by line, then all rows or none)."""

from datetime import date

import pytest
from sqlalchemy import func, select, update

from lms.extensions import db
from lms.models import AuditEvent, Course, Enrolment, SupervisorAssignment, User
from lms.services.people import cohort_import, cohorts, supervision
from lms.services.people.cohort_import import ImportRefused, confirm_import, preview_import
from tests.statements import recorded_statements
from tests.unit.cohortkit import HEADER, OURS, build_world, count, events, person


@pytest.fixture
def world(app_ctx, courses_dir):
    return build_world(courses_dir)


# --- creating a cohort ------------------------------------------------------------------------


def test_a_cohort_needs_a_unique_name_sensible_dates_and_a_published_course(world):
    course = world["course"]
    with pytest.raises(cohorts.CohortError) as caught:
        cohorts.create_cohort("  ", None, None, [])
    assert caught.value.problems == {
        "name": "Enter a name for the cohort, for example “Spring 2027, Leeds”.",
        "starts_on": "Enter the date the cohort starts.",
        "course_ids": "Choose at least one published course.",
    }
    with pytest.raises(cohorts.CohortError) as caught:
        cohorts.create_cohort("spring 2027", date(2027, 3, 1), date(2027, 2, 28), [course])
    assert caught.value.problems == {
        "name": "A cohort called “spring 2027” already exists. Choose another name.",
        "ends_on": "The end date is before the start date. Enter a later end date.",
    }
    db.session.execute(update(Course).values(retired_at=func.now()))
    db.session.commit()
    with pytest.raises(cohorts.CohortError) as caught:
        cohorts.create_cohort("Autumn", date(2027, 9, 1), None, [course])
    assert caught.value.problems == {
        "course_ids": "A course you chose is no longer published. Choose again."
    }


def test_a_cohort_is_created_with_its_courses_and_listed(world):
    made = cohorts.create_cohort(" Autumn 2027 ", date(2027, 9, 1), None, [world["course"]])

    listed = {summary.name: summary for summary in cohorts.cohorts()}
    assert made.name == "Autumn 2027" and made.ends_on is None
    assert listed["Autumn 2027"].course_titles == ("Sample Course",)
    assert listed["Autumn 2027"].member_count == 0
    assert [s.name for s in cohorts.cohorts()] == ["Autumn 2027", "Spring 2027"]


# --- the CSV preview --------------------------------------------------------------------------


def test_the_preview_names_every_bad_row_by_its_line(world):
    person("kim@example.org", "Kim Staff", ["staff"])
    text = (
        "Name,Email,Supervisor_Email\n"  # line 1
        "Dana Reyes,dana@example.org,sam@example.org\n"  # 2
        "\n"  # 3: blank lines are skipped but still counted
        "Bad Email,dana@,\n"  # 4
        ",new@example.org,\n"  # 5
        "No Email,,\n"  # 6
        "Ray Ortiz,ray@example.org,x@y.org\n"  # 7
        "Kim As Trainee,kim2@example.org,kim@example.org\n"  # 8
        "Dana Again,Dana@Example.org,\n"  # 9
        "Self,sam@example.org,sam@example.org\n"  # 10
        "Smith, Jo,jo@example.org,\n"  # 11
    )

    preview = preview_import(world["cohort"], text)

    assert preview.errors == (
        "line 2: dana@example.org appears twice (also on line 9)",
        "line 4: 'dana@' is not an email address",
        "line 5: a name is needed to create an account for new@example.org",
        "line 6: the email address is missing",
        "line 7: no supervisor has the email 'x@y.org'",
        "line 8: kim@example.org is not a supervisor: give that account the supervisor role first",
        "line 9: dana@example.org appears twice (also on line 2)",
        "line 10: sam@example.org cannot be their own supervisor",
        "line 11: has 4 values but the header row names 3 columns: put a name that contains a "
        "comma in double quotes",
    )
    assert not preview.is_clean and preview.rows_with_errors == 9
    assert [row.line for row in preview.rows] == [2, 4, 5, 6, 7, 8, 9, 10, 11]


def test_the_preview_says_what_each_clean_row_will_do(world):
    person("ari@example.org", "Ari Trainee", ["trainee"])
    text = (
        "\ufeffsupervisor email,EMAIL,name,notes\n"  # any order, any case; extra columns ignored
        'sam@example.org,ari@example.org,,"existing, named by email"\n'
        'lee@example.org,bo@example.org,"Bo\nBrown",new\n'  # a quoted name over two lines
        ",cy@example.org,Cy,\n"
        ",cy2@example.org,Cy Two,\n"
        ",dy@example.org,Dy,\n"
    )

    preview = preview_import(world["cohort"], text.encode("utf-8"))

    assert preview.errors == () and preview.is_clean
    assert [(r.line, r.email, r.status) for r in preview.rows] == [
        (2, "ari@example.org", "existing account"),
        (3, "bo@example.org", "new account"),
        (5, "cy@example.org", "new account"),
        (6, "cy2@example.org", "new account"),
        (7, "dy@example.org", "new account"),
    ]
    assert preview.to_enrol == 5 and preview.rows[0].supervisor_email == "sam@example.org"


def test_a_name_appearing_three_times_lists_the_other_lines(world):
    text = HEADER + "A,a@example.org,\nB,b@example.org,\nA2,a@example.org,\nA3,A@example.org,\n"

    errors = preview_import(world["cohort"], text).errors

    assert errors[0] == "line 2: a@example.org appears 3 times (also on lines 4 and 5)"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("", cohort_import.EMPTY),
        (b"  \n\n", cohort_import.EMPTY),
        (HEADER + "\n", cohort_import.NO_ROWS),
        (b"name,email,supervisor_email\nJos\xe9,jose@example.org,\n", cohort_import.NOT_TEXT),
        ("name,email,supervisor_email\n".encode("utf-16"), cohort_import.NOT_TEXT),
        ("name,email,supervisor_email\n".encode("utf-16-le"), cohort_import.NOT_TEXT),
        (
            "Name,Email\nDana,dana@example.org\n",
            "line 1: the header row has no 'supervisor_email' column. The first row must name the "
            "columns name, email and supervisor_email (in any order; other columns are ignored).",
        ),
        (
            "\nDana,dana@example.org,sam@example.org\n",
            "line 2: the header row has no 'name' and 'email' and 'supervisor_email' columns. The "
            "first row must name the columns name, email and supervisor_email (in any order; other "
            "columns are ignored).",
        ),
        (
            "name,email,Email,supervisor_email\n",
            "line 1: the header row names the 'email' column twice.",
        ),
        (
            HEADER + "x\n" * 2001,
            "The file has 2,001 trainees; at most 2,000 can be imported at once. "
            "Split it into smaller files.",
        ),
        (
            HEADER + "x" * 400_000,
            "The file is larger than 400 kB. Split it into smaller files of at most 2,000 "
            "trainees.",
        ),
    ],
)
def test_problems_with_the_whole_file(world, data, message):
    preview = preview_import(world["cohort"], data)

    assert preview.file_errors == (message,)
    assert preview.rows == () and not preview.is_clean


def test_the_preview_of_an_unknown_cohort_is_refused(world):
    with pytest.raises(cohorts.NoSuchCohort):
        preview_import(999, HEADER + "A,a@example.org,\n")


# --- confirming an import ---------------------------------------------------------------------


def test_a_file_with_one_bad_row_imports_nothing(world):
    text = HEADER + "Ann,ann@example.org,sam@example.org\nBo,bo@example.org,nobody@example.org\n"

    with pytest.raises(ImportRefused) as caught:
        confirm_import(world["cohort"], text, world["staff"])

    assert str(caught.value) == (
        "Nothing was imported: the file has problems. Correct them and check it again."
    )
    assert caught.value.preview.errors == (
        "line 3: no supervisor has the email 'nobody@example.org'",
    )
    assert count(User, User.email == "ann@example.org") == 0
    assert (
        count(Enrolment) == 0 and count(SupervisorAssignment) == 0 and count(AuditEvent, OURS) == 0
    )


def test_a_clean_import_enrols_every_row_at_once_with_one_audit_event(world):
    existing = person("ari@example.org", "Ari", ["supervisor"]).id  # enrolled: becomes a trainee
    text = HEADER + (
        "Ann Lee,Ann@Example.org,sam@example.org\n"
        "Bo Brown,bo@example.org,\n"
        "Whatever,ari@example.org,lee@example.org\n"
    )

    result = confirm_import(world["cohort"], text, world["staff"])

    assert (result.enrolled, result.created, result.existing, result.already) == (3, 2, 1, 0)
    ann = db.session.scalar(select(User).where(User.email == "ann@example.org"))
    ari = db.session.get(User, existing)
    assert ann.name == "Ann Lee" and ann.role_names == {"trainee"}
    assert ari.name == "Ari" and ari.role_names == {"supervisor", "trainee"}
    assert count(Enrolment, Enrolment.cohort_id == world["cohort"]) == 3
    assert supervision.current_supervisor_id(ann.id) == world["sam"]
    assert supervision.current_supervisor_id(ari.id) == world["lee"]
    assignment = supervision.assignment_history(ann.id)[0]
    assert assignment.assigned_by_id == world["staff"]
    [imported] = events("cohort.imported")
    assert imported.actor_id == world["staff"]
    assert imported.summary == (
        "Imported 3 trainees into Spring 2027: 2 new accounts, 1 existing account"
    )
    assert imported.details == {
        "cohort_id": world["cohort"],
        "cohort": "Spring 2027",
        "rows": 3,
        "enrolled": 3,
        "created": 2,
        "already_in_cohort": 0,
        "account_ids": sorted(
            db.session.scalars(
                select(User.id).where(
                    User.email.in_(["ann@example.org", "bo@example.org", "ari@example.org"])
                )
            )
        ),
    }
    assert "@" not in str(imported.details)
    [changed] = events("role.changed")
    assert (changed.subject_id, changed.actor_id) == (existing, world["staff"])
    assert changed.details == {"before": ["supervisor"], "after": ["trainee", "supervisor"]}


def test_a_failure_part_way_leaves_nothing_behind(world, monkeypatch):
    def enrol_then_fail(*args):
        cohorts.enrol_rows(*args)  # every row written, then something goes wrong
        raise supervision.SupervisionError("the last step fails")

    monkeypatch.setattr(cohort_import, "enrol_rows", enrol_then_fail)
    text = HEADER + "Ann,ann@example.org,sam@example.org\nBo,bo@example.org,\n"

    with pytest.raises(ImportRefused) as caught:
        confirm_import(world["cohort"], text, world["staff"])

    assert "Nothing was imported" in str(caught.value)
    assert count(User, User.email.in_(["ann@example.org", "bo@example.org"])) == 0
    assert (
        count(Enrolment) == 0 and count(SupervisorAssignment) == 0 and count(AuditEvent, OURS) == 0
    )


def test_importing_the_same_file_again_changes_nothing(world):
    text = HEADER + "Ann,ann@example.org,sam@example.org\nBo,bo@example.org,lee@example.org\n"
    confirm_import(world["cohort"], text, world["staff"])
    before = (count(User), count(Enrolment), count(SupervisorAssignment), count(AuditEvent, OURS))

    preview = preview_import(world["cohort"], text)
    result = confirm_import(world["cohort"], text, world["staff"])

    assert [row.status for row in preview.rows] == ["already in cohort", "already in cohort"]
    assert preview.is_clean and preview.to_enrol == 0
    assert result.enrolled == 0 and result.already == 2
    after = (count(User), count(Enrolment), count(SupervisorAssignment), count(AuditEvent, OURS))
    assert after == before and len(events("cohort.imported")) == 1


def test_a_big_import_checks_its_rows_in_a_few_queries(world, app):
    rows = "".join(f"T {n},t{n}@example.org,sam@example.org\n" for n in range(300))
    with recorded_statements() as statements:
        preview = preview_import(world["cohort"], HEADER + rows)

    assert preview.is_clean and preview.to_enrol == 300
    assert len(statements) <= 5


# --- one by one -------------------------------------------------------------------------------


def test_enrol_one_person_new_or_existing_and_remove_them(world):
    cohort_id = world["cohort"]
    user, created = cohorts.enrol(cohort_id, " New@Example.org ", "Nia New", "sam@example.org",
                                  actor_id=world["staff"])  # fmt: skip
    assert created and user.email == "new@example.org" and user.role_names == {"trainee"}
    lee, created = cohorts.enrol(cohort_id, "lee@example.org", actor_id=world["staff"])
    assert not created and lee.role_names == {"supervisor", "trainee"}

    members = cohorts.cohort_detail(cohort_id).members
    assert [(m.name, m.supervisor_name) for m in members] == [
        ("Lee Supervisor", None),
        ("Nia New", "Sam Supervisor"),
    ]
    with pytest.raises(cohorts.CohortError) as caught:
        cohorts.enrol(cohort_id, "new@example.org", actor_id=world["staff"])
    assert caught.value.problems == {"email": "new@example.org is already in this cohort."}
    with pytest.raises(cohorts.CohortError) as caught:
        cohorts.enrol(cohort_id, "other@example.org", "", "x@y.org", actor_id=world["staff"])
    assert caught.value.problems == {
        "name": "A name is needed to create an account for other@example.org.",
        "supervisor_email": "No supervisor has the email 'x@y.org'.",
    }

    cohorts.remove(cohort_id, user.id)
    assert [m.name for m in cohorts.cohort_detail(cohort_id).members] == ["Lee Supervisor"]
    assert supervision.current_supervisor_id(user.id) == world["sam"]  # the supervisor stays
    with pytest.raises(cohorts.NotAMember):
        cohorts.remove(cohort_id, user.id)


def test_the_member_list_takes_the_same_queries_for_3_or_30_members(world):
    def statements_for(members):
        text = HEADER + "".join(f"M{n},m{n}@example.org,sam@example.org\n" for n in members)
        confirm_import(world["cohort"], text, world["staff"])
        db.session.expire_all()
        with recorded_statements() as seen:
            detail = cohorts.cohort_detail(world["cohort"])
        return len(seen), len(detail.members)

    assert statements_for(range(3)) == (4, 3)  # the cohort, its courses, a page, the count
    assert statements_for(range(3, 30)) == (4, 30)


def test_an_import_naming_a_new_supervisor_reassigns_and_keeps_the_history(world):
    tia = person("tia@example.org", "Tia", ["trainee"]).id
    supervision.assign_supervisor(tia, world["sam"])

    confirm_import(
        world["cohort"], HEADER + "Tia,tia@example.org,lee@example.org\n", world["staff"]
    )

    history = supervision.assignment_history(tia)
    assert [(a.supervisor_id, a.ended_at is None) for a in history] == [
        (world["lee"], True),
        (world["sam"], False),
    ]
    assert events("role.changed") == []  # already a trainee
