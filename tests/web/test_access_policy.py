"""Walk every route in the URL map as each role and anonymously, and check the answer against the
policy the route declares (lms/web/access.py). A route without a policy fails."""

import re

import pytest
from werkzeug.routing import IntegerConverter

from lms.services.people import accounts
from lms.services.workspace import files
from tests.conftest import sign_in_as

ROLES = ("trainee", "supervisor", "author", "staff", "admin")


@pytest.fixture
def people(app):
    with app.app_context():
        return {
            role: accounts.ensure_user(f"{role}@example.org", role.title(), [role], "pw-" * 5).id
            for role in ROLES
        }


def routes(app):
    """(rule, method, path) for every route and method, with placeholder values for arguments:
    the policy is checked before a view looks at its arguments."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        values = {
            name: 1 if isinstance(converter, IntegerConverter) else "x"
            for name, converter in rule._converters.items()
        }
        path = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods & {"GET", "POST"}):
            yield rule, method, path


def csrf_for(client, signed_in):
    page = client.get("/" if signed_in else "/sign-in").get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def answer(app, people, role, method, path):
    client = app.test_client()
    if role:
        sign_in_as(client, people[role])
    data = {"csrf_token": csrf_for(client, role is not None)} if method == "POST" else None
    response = client.open(path, method=method, data=data)
    # As a WSGI server does: read the answer to its end and close it, so that a streamed one (a
    # CSV) ends its request context here rather than when it is garbage-collected.
    response.get_data()
    response.close()
    return response


def sent_to_sign_in(response):
    return response.status_code == 302 and "/sign-in" in response.headers.get("Location", "")


def test_every_route_answers_each_role_as_its_policy_declares(app, people):
    wrong = []
    walked = 0
    for rule, method, path in routes(app):
        policy = getattr(app.view_functions[rule.endpoint], "access_policy", None)
        if policy is None:
            wrong.append(f"{method} {rule.rule}: declares no access policy")
            continue
        for role in (None, *ROLES):
            response = answer(app, people, role, method, path)
            walked += 1
            status = response.status_code
            if status >= 500:
                wrong.append(f"{method} {path} as {role}: {status}")
            elif policy[0] == "public":
                if status == 403 or sent_to_sign_in(response):
                    wrong.append(f"{method} {path} as {role}: public, but got {status}")
            elif role is None:
                if not sent_to_sign_in(response):
                    wrong.append(f"{method} {path} anonymously: {status}, not sent to sign in")
            elif policy[0] == "signed_in" or role in policy[1:]:
                if status == 403 or sent_to_sign_in(response):
                    wrong.append(f"{method} {path} as {role}: allowed, but got {status}")
            elif status != 403:
                wrong.append(f"{method} {path} as {role}: not allowed, but got {status}")

    assert wrong == []
    assert walked > 250


# Who each area is for: a route added under these prefixes cannot quietly be opened to others.
# The longest prefix that matches decides.
AREAS = {
    "/staff/workspace/": {"author", "staff", "admin"},
    "/staff/": {"staff", "admin"},
    "/supervise/": {"supervisor", "staff", "admin"},
}


def test_staff_and_supervision_areas_are_declared_for_their_roles_only(app):
    wrong = []
    for rule in app.url_map.iter_rules():
        matching = [prefix for prefix in AREAS if rule.rule.startswith(prefix)]
        if not matching:
            continue
        allowed = AREAS[max(matching, key=len)]
        policy = getattr(app.view_functions[rule.endpoint], "access_policy", ("none",))
        if policy[0] != "role" or not set(policy[1:]) <= allowed:
            wrong.append(f"{rule.rule}: {policy}")

    assert wrong == []


def test_the_workspace_with_a_real_draft_course(app, people):
    """With a draft course there (so that no answer is a 404 for a missing course): trainees and
    supervisors get 403 on every workspace route; an author gets every page but Publish and
    Decline, which answer 403."""
    with app.app_context():
        files.create_course("real-course", people["staff"])
    wrong = []
    for rule, method, path in routes(app):
        if not rule.rule.startswith("/staff/workspace/"):
            continue
        path = path.replace("/x/", "/real-course/")
        for role in ("trainee", "supervisor", "author"):
            status = answer(app, people, role, method, path).status_code
            publishing = rule.endpoint in (
                "staff.workspace_publish_now",
                "staff.workspace_decline_request",
            )
            if role == "author" and not publishing:
                if status in (403, 401) or status >= 500:
                    wrong.append(f"{method} {path} as author: {status}")
            elif status != 403:
                wrong.append(f"{method} {path} as {role}: {status}, not 403")

    assert wrong == []
