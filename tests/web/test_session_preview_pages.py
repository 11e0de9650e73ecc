"""Staff preview of live sessions: the list on the courses page, each facilitator guide with its
skills checklist, and nobody else reaching them."""

import html
import re
from urllib.parse import urljoin

import pytest

from lms.services.authoring.publishing import sync_courses
from tests.auth import make_user
from tests.conftest import sign_in_as
from tests.xss import assert_no_script

COURSES = "/staff/courses"
SESSION_PAGE = "/staff/courses/sample-course/sessions/role-play"
SESSION = """---
title: Role-play practice
minutes: 90
domains: {mentoring-education: 60, advocacy: 30}
objectives:
  - Practise reflective listening.
requires: [listening]
---

## Plan

Guide text: split into **groups of three**. ![Chairs](../media/circle.png)
Read [the module](../02-listening.md) first.

## Skills checklist

- [ ] Reflects *feelings* back before giving information.
- [ ] Asks open questions.
"""


def text(response):
    words = html.unescape(re.sub(r"<[^>]+>", "", response.get_data(as_text=True)))
    return re.sub(r"\s+", " ", words)


@pytest.fixture
def session_file(courses_dir):
    folder = courses_dir / "sample-course" / "sessions"
    folder.mkdir()
    path = folder / "01-role-play.md"
    path.write_text(SESSION)
    return path


@pytest.fixture
def staff(app, client):
    return sign_in_as(client, make_user(app, "pat@example.org", "Pat Staff", roles=("staff",)))


def test_the_courses_page_lists_each_session_with_its_length_and_domains(staff, session_file):
    response = staff.get(COURSES)
    page, shown = response.get_data(as_text=True), text(response)
    assert f'<a href="{SESSION_PAGE}">Facilitator guide: Role-play practice</a>' in page
    assert (
        "· 90 minutes · Advocacy (30 minutes), Mentoring and education (60 minutes) · 2 skills to "
        "check" in shown
    )


def test_the_published_courses_table_counts_live_sessions(app, staff, session_file):
    with app.app_context():
        sync_courses(session_file.parent.parent.parent)
    page = staff.get(COURSES).get_data(as_text=True)

    assert '<th scope="col">Modules</th><th scope="col">Live sessions</th>' in page
    row = re.search(r"<th scope=\"row\">Sample Course .*?</tr>", page, re.S)[0]
    assert re.findall(r"<td>(\d+)</td>", row) == ["1", "2", "1"]  # version, modules, sessions


def test_a_course_without_sessions_lists_none(staff):
    assert "Live sessions" not in text(staff.get(COURSES))


def test_the_preview_shows_the_guide_and_the_checklist(staff, session_file):
    response = staff.get(SESSION_PAGE)
    page, shown = response.get_data(as_text=True), text(response)
    assert response.status_code == 200
    assert "<h1>Role-play practice</h1>" in page
    assert "Live session 1 of 1" in shown
    assert "Staff and facilitators see it; trainees never do." in shown
    assert "Guide text: split into groups of three." in shown
    assert "<strong>groups of three</strong>" in page
    checklist = shown.split("Facilitator guide")[-1].split("Skills checklist")[-1]
    assert "Reflects feelings back before giving information." in checklist
    assert "Asks open questions." in checklist
    assert "Practise reflective listening." in shown
    assert "Trainees should pass these modules first: Listening." in shown
    # the guide's links reach the module's preview and the image on disk
    image = urljoin(SESSION_PAGE, re.search(r'<img alt="Chairs" src="([^"]+)"', page)[1])
    assert image == "/staff/courses/sample-course/media/circle.png"
    with staff.get(image) as response:
        assert response.status_code == 200
    link = urljoin(SESSION_PAGE, re.search(r'<a href="([^"]+)"[^>]*>the module</a>', page)[1])
    assert link == "/staff/courses/sample-course/preview/listening"
    assert staff.get(link).status_code == 200


def test_a_session_without_a_checklist_says_so(staff, session_file):
    session_file.write_text(SESSION.split("## Skills checklist")[0])
    assert "This session has no skills checklist." in text(staff.get(SESSION_PAGE))


@pytest.mark.parametrize(
    "path",
    [
        "/staff/courses/sample-course/sessions/no-such-session",
        "/staff/courses/no-such-course/sessions/role-play",
    ],
)
def test_unknown_sessions_are_not_found(staff, session_file, path):
    assert staff.get(path).status_code == 404


def test_a_session_with_errors_shows_the_errors_instead(staff, session_file):
    session_file.write_text(SESSION.replace("- [ ] Asks open questions.", "- [x] Asks."))
    shown = text(staff.get(SESSION_PAGE))
    assert "Cannot preview sample-course" in shown
    assert (
        "Error: courses/sample-course/sessions/01-role-play.md:18: write every skill unticked: "
        "- [ ] Asks." in shown
    )


@pytest.mark.parametrize("role", ["trainee", "supervisor"])
def test_only_staff_reach_the_preview(app, client, session_file, role):
    sign_in_as(client, make_user(app, f"{role}@example.org", role.title(), roles=(role,)))
    response = client.get(SESSION_PAGE)
    assert response.status_code == 403
    assert "Guide text" not in response.get_data(as_text=True)


def test_hostile_text_in_a_session_is_shown_as_text(staff, session_file):
    payload = '<script>alert(1)</script><img src=x onerror=alert(2)>"><svg onload=alert(3)>'
    session_file.write_text(
        SESSION.replace("title: Role-play practice", "title: 'Role <b>play</b> <script>x'")
        .replace("Practise reflective listening.", "Listen <script>alert(4)</script>")
        .replace("Asks open questions.", f"Asks {payload}")
        .replace("Guide text:", f"Guide {payload} text:")
    )  # fmt: skip
    for path in (COURSES, SESSION_PAGE):
        page = staff.get(path).get_data(as_text=True)
        assert_no_script(page, path, page=True, allow_tags=("form", "input", "button"))
    assert "Role &lt;b&gt;play&lt;/b&gt; &lt;script&gt;x" in staff.get(SESSION_PAGE).get_data(
        as_text=True
    )
