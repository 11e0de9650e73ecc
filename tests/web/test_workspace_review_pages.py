"""The author role and publish requests in the pages (lms/web/staff/workspace_publish.py): an
author signs in to the workspace, asks to publish, withdraws; staff see the requests, publish or
decline; the stale-preview guard and the two-person rule as people meet them. CSRF is on."""

import re

import pytest

from lms.services.workspace import reviewing, store
from lms.web.inputs import UNSTORABLE
from tests.auth import make_user, sign_in
from tests.conftest import csrf_token, sign_in_as
from tests.statements import recorded_statements
from tests.web.test_workspace_pages import seen, text
from tests.workspacekit import MODULE, ready_course, write

PUBLISH = "/staff/workspace/my-course/publish"


@pytest.fixture
def ids(app):
    return {
        "author": make_user(app, "ari@example.org", "Ari Author", roles=("author",)),
        "pat": make_user(app, "pat@example.org", "Pat Staff", roles=("staff",)),
        "sky": make_user(app, "sky@example.org", "Sky Staff", roles=("staff",)),
    }


@pytest.fixture
def course(app, ids):
    with app.app_context():
        ready_course("my-course", ids["author"])
    return "my-course"


def client_for(app, user_id):
    client = app.test_client()
    sign_in_as(client, user_id)
    return client


def post(client, url, data, page=PUBLISH):
    return client.post(url, data={"csrf_token": csrf_token(client.get(page).get_data(True)),
                                  **data})  # fmt: skip


def ask(client, note="A first module on listening."):
    return post(client, f"{PUBLISH}/request", {"note": note})


def change(app, author_id, n=2):
    with app.app_context():
        write(store.course_by_slug("my-course"), f"0{n}-more.md",
              MODULE.format(n=n, text="more."), author_id)  # fmt: skip


def test_an_author_signs_in_to_the_workspace_and_sees_no_other_staff_page(app, ids, course):
    client = app.test_client()
    landed = sign_in(client, "ari@example.org")
    assert landed.status_code == 302 and landed.headers["Location"].endswith("/staff/workspace/")
    page = client.get("/staff/workspace/")
    words = text(page)
    assert "Course workspace" in words and "my-course" in words and "Staff tools" not in words
    staff = app.test_client()
    assert sign_in(staff, "pat@example.org").headers["Location"].endswith("/staff/")
    # Pages that exist (staff open them), each refused to the author: a 404 would prove nothing.
    for url in ("/staff/", "/staff/people", "/staff/audit", "/staff/certificates", "/supervise/"):
        assert staff.get(url).status_code == 200, url
        assert client.get(url).status_code == 403, url


def breadcrumbs(page):
    found = re.search(r'<nav class="breadcrumb" aria-label="Breadcrumb">(.*?)</nav>',
                      page.get_data(True), re.S)  # fmt: skip
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else None


def test_the_workspace_breadcrumbs_lead_to_staff_tools_only_for_staff(app, ids, course):
    author, pat = client_for(app, ids["author"]), client_for(app, ids["pat"])
    course_url = "/staff/workspace/my-course/"
    expected = {  # url: (the author's breadcrumbs, staff's)
        "/staff/workspace/": (None, "Staff tools"),
        course_url: ("Course workspace", "Staff tools › Course workspace"),
        PUBLISH: ("Course workspace › my-course", "Staff tools › Course workspace › my-course"),
        f"{course_url}history/course.md": (
            "Course workspace › my-course",
            "Staff tools › Course workspace › my-course",
        ),
        f"{course_url}edit/course.md": (
            "Course workspace › my-course › course.md",
            "Staff tools › Course workspace › my-course › course.md",
        ),
    }
    for url, (authors, staffs) in expected.items():
        page = author.get(url)
        assert page.status_code == 200, url
        assert breadcrumbs(page) == authors, url
        assert "Staff tools" not in text(page), url
        assert breadcrumbs(pat.get(url)) == staffs, url


def test_staff_may_give_the_author_role(app, ids):
    page = client_for(app, ids["pat"]).get("/staff/users/new")
    assert "Course author" in text(page)


def test_an_author_sees_the_preview_and_asks_instead_of_publishing(app, ids, course):
    author = client_for(app, ids["author"])
    files_page = text(author.get("/staff/workspace/my-course/"))
    assert "Review the changes and ask to publish" in files_page
    page = text(author.get(PUBLISH))
    assert "introduction" in page and "Request publishing" in page
    assert 'class="button">Publish my-course' not in author.get(PUBLISH).get_data(True)
    token = csrf_token(author.get(PUBLISH).get_data(True))
    assert author.post(PUBLISH, data={"csrf_token": token}).status_code == 403


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("", "Say in the note what changed and why: the person who publishes reads it first."),
        ("x" * 2001, "Keep the note to 2000 characters or fewer: it has 2001."),
    ],
)
def test_a_request_needs_a_note(app, ids, course, note, message):
    refused = ask(client_for(app, ids["author"]), note)
    assert refused.status_code == 422 and message in text(refused)
    assert 'href="#request-note"' in refused.get_data(True)


def kept_text(response, field_id):
    """The text a refused page's text area holds again."""
    found = re.search(rf'<textarea[^>]*id="{field_id}"[^>]*>(.*?)</textarea>',
                      response.get_data(True), re.S)  # fmt: skip
    assert found, f"no text area {field_id} on the page"
    return found.group(1).strip()


def open_requests(app):
    with app.app_context():
        return [(s.request.id, s.request.note) for s in reviewing.open_requests()]


def test_a_note_the_form_refuses_comes_back_with_its_text_and_what_to_fix(app, ids, course):
    refused = ask(client_for(app, ids["author"]), "Adds a module\x0b on listening.")
    assert refused.status_code == 422
    assert UNSTORABLE in text(refused) and "Request publishing" in text(refused)
    assert 'href="#request-note"' in refused.get_data(True)
    assert kept_text(refused, "request-note") == "Adds a module on listening."
    assert open_requests(app) == []


def test_ask_see_it_pending_and_withdraw(app, ids, course):
    author = client_for(app, ids["author"])
    sent = ask(author, "<script>alert(1)</script> New module.")
    assert sent.status_code == 302
    page = author.get(PUBLISH)
    words = text(page)
    assert "Your request to publish my-course is sent" in words
    assert "You asked to publish this course on" in words and "Withdraw my request" in words
    assert "<script>alert(1)" not in page.get_data(True)
    # the form is gone while it is open; a second request sent anyway is refused
    again = ask(author, "Again.")
    assert again.status_code == 422
    assert "You already asked to publish this course: withdraw that request" in text(again)
    withdrawn = post(author, f"{PUBLISH}/withdraw", {})
    assert withdrawn.status_code == 302
    words = text(author.get(PUBLISH))
    assert "Your request to publish was withdrawn." in words and "You withdrew it" in words
    refused = post(author, f"{PUBLISH}/withdraw", {})
    assert refused.status_code == 422 and "You have no open request" in text(refused)


def test_a_request_is_refused_for_errors_and_for_no_change(app, ids, course):
    author, pat = client_for(app, ids["author"]), client_for(app, ids["pat"])
    with app.app_context():
        write(store.course_by_slug("my-course"), "02-broken.md", "no front matter\n", ids["pat"])
    assert "You cannot ask to publish it yet" in text(author.get(PUBLISH))
    refused = ask(author)
    assert refused.status_code == 422 and "The course has 1 error" in text(refused)
    post(pat, "/staff/workspace/my-course/delete", {"path": "02-broken.md", "confirmed": "yes"},
         "/staff/workspace/my-course/")  # fmt: skip
    assert post(pat, PUBLISH, {"seen": seen(pat, PUBLISH)}).status_code == 200
    assert "Nothing changed since the last publish" in text(author.get(PUBLISH))
    refused = ask(author)
    assert refused.status_code == 422 and "Nothing changed since the last publish" in text(refused)


def test_staff_see_the_requests_what_changed_since_and_publish(app, ids, course):
    author, pat = client_for(app, ids["author"]), client_for(app, ids["pat"])
    ask(author, "A first module on listening.")
    for url in ("/staff/workspace/", "/staff/"):
        words = text(pat.get(url))
        assert "Requests to publish" in words and "Ari Author" in words
        assert "A first module on listening." in words
    words = text(pat.get(PUBLISH))
    assert "Ari Author asked on" in words and "The draft is as it was when they asked." in words
    change(app, ids["pat"])
    words = text(pat.get(PUBLISH))
    assert "The draft changed since they asked" in words and "02-more.md, by Pat Staff" in words
    done = post(pat, PUBLISH, {"seen": seen(pat, PUBLISH)})
    assert done.status_code == 200 and "my-course is published" in text(done)
    words = text(author.get(PUBLISH))
    assert "It was published by Pat Staff" in words
    assert "None open." in text(pat.get("/staff/workspace/"))


def test_authors_see_every_open_request_on_the_list_and_the_publish_page(app, ids, course):
    """One rule in both places: an author sees each open request for a course, whoever made it,
    with its note; only staff get Decline."""
    other_id = make_user(app, "bo@example.org", "Bo Author", roles=("author",))
    author, other = client_for(app, ids["author"]), client_for(app, other_id)
    ask(author, "A first module on listening.")
    for url in ("/staff/workspace/", PUBLISH):
        words = text(other.get(url))
        assert "Requests to publish" in words and "Ari Author" in words, url
        assert "A first module on listening." in words, url
    page = other.get(PUBLISH).get_data(True)
    assert "Ari Author asked on" in text(other.get(PUBLISH))
    assert "Decline this request" not in page and "/publish/decline/" not in page
    assert "Decline this request" in client_for(app, ids["pat"]).get(PUBLISH).get_data(True)


def test_the_publish_page_reads_the_draft_once_however_many_requests(app, ids, course):
    """Its files once (previewed, checked and fingerprinted from one read), and what changed
    since each request in the same statements for one request as for three."""
    pat = client_for(app, ids["pat"])
    ask(client_for(app, ids["author"]))
    change(app, ids["pat"], 2)
    with recorded_statements(app) as statements:
        assert "The draft changed since they asked" in text(pat.get(PUBLISH))
        assert len([s for s in statements if s.startswith("SELECT draft_file.path")]) == 1, (
            statements
        )
        one_request = len(statements)
        for email in ("bo@example.org", "cy@example.org"):
            asker = make_user(app, email, email.split("@")[0].title(), roles=("author",))
            ask(client_for(app, asker))
        change(app, ids["sky"], 3)
        statements.clear()
        assert text(pat.get(PUBLISH)).count("The draft changed since they asked") == 3
        assert len(statements) == one_request, "\n".join(statements)


def test_decline_needs_a_reason_and_the_author_reads_it(app, ids, course):
    author, pat = client_for(app, ids["author"]), client_for(app, ids["pat"])
    ask(author)
    page = pat.get(PUBLISH).get_data(True)
    request_id = re.search(r"/publish/decline/(\d+)", page).group(1)
    url = f"{PUBLISH}/decline/{request_id}"
    token = re.search(rf'name="r{request_id}-csrf_token" type="hidden" value="([^"]+)"', page)
    refused = pat.post(url, data={f"r{request_id}-csrf_token": token.group(1),
                                  f"r{request_id}-reason": " "})  # fmt: skip
    assert refused.status_code == 422
    assert "Say why the request is declined: its author reads it" in text(refused)
    assert f'href="#r{request_id}-reason"' in refused.get_data(True)
    control = "The quiz\x0b gives it away."
    refused = pat.post(url, data={f"r{request_id}-csrf_token": token.group(1),
                                  f"r{request_id}-reason": control})  # fmt: skip
    assert refused.status_code == 422 and UNSTORABLE in text(refused)
    assert f'href="#r{request_id}-reason"' in refused.get_data(True)
    assert kept_text(refused, f"r{request_id}-reason") == "The quiz gives it away."
    assert " open>" in refused.get_data(True)  # the Decline details stay open on the reason
    assert [i for i, _ in open_requests(app)] == [int(request_id)]
    declined = pat.post(url, data={f"r{request_id}-csrf_token": token.group(1),
                                   f"r{request_id}-reason": "The quiz gives it away."})  # fmt: skip
    assert declined.status_code == 302
    words = text(author.get(PUBLISH))
    assert "It was declined by Pat Staff" in words and "The quiz gives it away." in words
    # a refused reason for a request no longer open says so rather than losing the message
    late = pat.post(url, data={f"r{request_id}-csrf_token": token.group(1),
                               f"r{request_id}-reason": "Also\x0b this."})  # fmt: skip
    assert late.status_code == 422 and reviewing.NOT_OPEN in text(late)
    assert post(author, url, {}).status_code == 403


def test_a_publish_of_a_draft_that_changed_since_the_preview_is_refused(app, ids, course):
    pat = client_for(app, ids["pat"])
    looked = seen(pat, PUBLISH)
    change(app, ids["author"])
    refused = post(pat, PUBLISH, {"seen": looked})
    assert refused.status_code == 409
    words = text(refused)
    assert "The draft changed since you looked: review the changes again" in words
    assert "more" in words  # the new preview shows the module added meanwhile
    assert post(pat, PUBLISH, {"seen": seen(pat, PUBLISH)}).status_code == 200


def test_the_two_person_rule_says_who_must_publish(app, ids, course):
    app.config["LMS_PUBLISH_REVIEW"] = "all"
    author, pat, sky = (client_for(app, ids[k]) for k in ("author", "pat", "sky"))
    assert "Two people publish this course" in text(pat.get(PUBLISH))
    refused = post(pat, PUBLISH, {"seen": seen(pat, PUBLISH)})
    assert refused.status_code == 403
    assert "Publishing needs a request from someone else first" in text(refused)
    ask(author)
    change(app, ids["pat"])
    refused = post(pat, PUBLISH, {"seen": seen(pat, PUBLISH)})
    assert refused.status_code == 403
    assert "You changed this draft since it was last published (besides you, by Ari Author)" in (
        text(refused)
    )
    assert "a member of staff who wrote none of the changes must publish it" in text(refused)
    assert post(sky, PUBLISH, {"seen": seen(sky, PUBLISH)}).status_code == 200
