"""People as a service: reassigning a trainee's supervisor (with history), changing roles (admins
only, audited) and finding accounts."""

import pytest

from lms.extensions import db
from lms.models import User
from lms.services.people import people, supervision
from tests.unit.cohortkit import build_world, events, person


@pytest.fixture
def world(app_ctx, courses_dir):
    return build_world(courses_dir)


# --- supervisors and roles --------------------------------------------------------------------


def test_reassigning_a_supervisor_keeps_the_history(world):
    trainee = person("tia@example.org", "Tia", ["trainee"]).id
    people.reassign(trainee, world["sam"], world["staff"])
    people.reassign(trainee, world["lee"], world["staff"])

    history = supervision.assignment_history(trainee)
    assert [a.supervisor_id for a in history] == [world["lee"], world["sam"]]
    assert history[0].ended_at is None and history[1].ended_at is not None
    detail = people.person(trainee)
    assert detail.supervisor.id == world["lee"] and len(detail.history) == 2
    with pytest.raises(people.PeopleError) as caught:
        people.reassign(trainee, world["staff"], world["staff"])
    assert caught.value.problems == {
        "supervisor_id": "That account is not a supervisor: give it the supervisor role first."
    }
    with pytest.raises(people.PeopleError) as caught:
        people.reassign(world["staff"], world["sam"], world["staff"])
    assert caught.value.problems == {
        "supervisor_id": "Pat Staff is not a trainee, so cannot have a supervisor."
    }


def test_only_an_admin_changes_roles_and_never_their_own_admin_role(world):
    trainee = person("tia@example.org", "Tia", ["trainee"]).id
    with pytest.raises(people.AdminsOnly, match="^Only an admin can change roles.$"):
        people.set_roles(world["staff"], trainee, ["trainee", "supervisor"])
    with pytest.raises(people.PeopleError) as caught:
        people.set_roles(world["admin"], world["admin"], ["staff"])
    assert caught.value.problems == {
        "roles": "You cannot remove your own admin role. If it must go, ask another admin to do it."
    }
    with pytest.raises(people.PeopleError) as caught:
        people.set_roles(world["admin"], trainee, [])
    assert caught.value.problems == {"roles": "Choose at least one role."}
    with pytest.raises(people.PeopleError) as caught:
        people.set_roles(world["admin"], trainee, ["boss"])
    assert caught.value.problems == {
        "roles": "There is no role 'boss': use one of trainee, supervisor, author, staff, admin."
    }
    assert events("role.changed") == []

    people.set_roles(world["admin"], trainee, ["supervisor", "trainee"])
    people.set_roles(world["admin"], trainee, ["trainee", "supervisor"])  # no change: no event

    assert db.session.get(User, trainee).role_names == {"trainee", "supervisor"}
    [changed] = events("role.changed")
    assert (changed.actor_id, changed.subject_id) == (world["admin"], trainee)
    assert changed.details == {"before": ["trainee"], "after": ["trainee", "supervisor"]}
    assert changed.summary == "Roles changed from trainee to trainee, supervisor"


def test_a_supervisor_keeps_the_role_while_trainees_are_assigned(world):
    trainee = person("tia@example.org", "Tia", ["trainee"]).id
    people.reassign(trainee, world["sam"], world["staff"])

    with pytest.raises(people.PeopleError) as caught:
        people.set_roles(world["admin"], world["sam"], ["staff"])

    assert caught.value.problems == {
        "roles": "Sam Supervisor supervises 1 trainee. Give them another supervisor first, then "
        "remove the supervisor role."
    }


def test_finding_people_by_part_of_a_name_or_email_a_page_at_a_time(world):
    for n in range(30):
        person(f"t{n:02d}@example.org", f"Trainee {n:02d}", ["trainee"])

    first = people.find_people("trainee", per=25)
    second = people.find_people("TRAINEE", first.page.next, per=25)
    back = people.find_people("trainee", second.page.previous, per=25)
    by_email = people.find_people("sam@")

    assert (first.total, len(first.people), len(second.people)) == (30, 25, 5)
    assert second.people[-1].name == "Trainee 29" and second.people[-1].roles == ("trainee",)
    assert second.page.first_number == 26 and second.page.next is None
    assert back.people == first.people and back.page.start == 0 and back.page.previous is None
    assert [p.name for p in by_email.people] == ["Sam Supervisor"]
    assert people.find_people("100%_").total == 0  # % and _ are taken literally
