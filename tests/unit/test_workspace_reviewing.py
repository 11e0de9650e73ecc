"""Requests to publish a draft course and the two-person rule (services.workspace.reviewing): ask,
refuse with the messages people see, withdraw, decline, a publish closing the requests in its own
transaction, each LMS_PUBLISH_REVIEW mode, and the fingerprint that stops a stale publish."""

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import Course, PublishRequest
from lms.services import audit
from lms.services.workspace import checking, files, publishing, reviewing
from lms.services.workspace.errors import NotPublishable
from tests import cekit
from tests.records import person
from tests.workspacekit import MODULE, ready_course, write


@pytest.fixture
def people(app_ctx):
    return {
        "author": person("ari@example.org", "Ari Author", "author"),
        "pat": person("pat@example.org", "Pat Staff", "staff"),
        "sky": person("sky@example.org", "Sky Staff", "staff"),
    }


def ask(course, user, note="New module on listening."):
    return reviewing.request_publishing(course, user.id, note, publishing.preview(course))


def certifying(course, author_id):
    """Make the draft's certificate require practice hours: certification weight."""
    text, _ = files.open_file(course, "course.md")
    write(course, "course.md",
          text.replace("  valid_for_months: 24\n",
                       "  valid_for_months: 24\n  requires:\n    supervised_hours: 10\n"),
          author_id)  # fmt: skip


def test_a_request_records_the_revisions_and_is_audited(people):
    course = ready_course("my-course", people["author"].id)
    request = ask(course, people["author"], "  First version of the course.  ")
    assert request.status == "open" and request.note == "First version of the course."
    assert request.revisions == {"course.md": 2, "01-introduction.md": 1}
    (event,) = audit.events(action="course.publish_requested")
    assert event.actor_id == people["author"].id and event.details["request"] == request.id
    assert audit.ACTION_LABELS["course.publish_requested"]


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("   ", "Say in the note what changed and why: the person who publishes reads it first."),
        ("x" * 2001, "Keep the note to 2000 characters or fewer: it has 2001."),
    ],
)
def test_a_request_needs_a_short_note(people, note, message):
    course = ready_course("my-course", people["author"].id)
    with pytest.raises(reviewing.RequestRefused) as refused:
        ask(course, people["author"], note)
    assert refused.value.problems == {"note": message}
    assert db.session.scalars(select(PublishRequest)).all() == []


def test_a_request_is_refused_with_errors_with_no_change_and_twice(people):
    author = people["author"]
    course = files.create_course("my-course", author.id)  # summary empty: an error
    with pytest.raises(reviewing.RequestRefused, match="The course has 1 error: fix them, then"):
        ask(course, author)
    course = ready_course("other", author.id)
    publishing.publish(course, people["pat"].id)
    with pytest.raises(reviewing.RequestRefused, match="Nothing changed since the last publish"):
        ask(course, author)
    files.add_module(course, "Second", author.id)
    ask(course, author)
    with pytest.raises(reviewing.RequestRefused, match="You already asked to publish this course: "
                                                       "withdraw that request"):  # fmt: skip
        ask(course, author)
    assert len(reviewing.open_requests(course)) == 1


def test_withdraw_then_ask_again(people):
    author = people["author"]
    course = ready_course("my-course", author.id)
    first = ask(course, author)
    assert reviewing.withdraw(course, author.id).id == first.id
    assert first.status == "withdrawn" and first.decided_by_id == author.id
    with pytest.raises(reviewing.RequestRefused, match="You have no open request"):
        reviewing.withdraw(course, author.id)
    second = ask(course, author, "Second try.")
    assert reviewing.latest_of(course, author.id).request.id == second.id
    assert [e.action for e in audit.events()][:2] == [
        "course.publish_requested", "course.publish_request_withdrawn",
    ]  # fmt: skip


def test_decline_needs_a_reason_and_an_open_request(people):
    author, pat = people["author"], people["pat"]
    course = ready_course("my-course", author.id)
    request = ask(course, author)
    with pytest.raises(reviewing.RequestRefused) as refused:
        reviewing.decline(course, request.id, pat.id, " ")
    assert refused.value.problems == {
        "reason": "Say why the request is declined: its author reads it to know what to change."
    }
    reviewing.decline(course, request.id, pat.id, "The quiz gives the answer away.")
    shown = reviewing.latest_of(course, author.id)
    assert (shown.request.status, shown.decided_by) == ("declined", "Pat Staff")
    assert shown.request.decision_note == "The quiz gives the answer away."
    with pytest.raises(reviewing.RequestRefused, match="That request is no longer open"):
        reviewing.decline(course, request.id, pat.id, "Again.")
    (event,) = audit.events(action="course.publish_request_declined")
    assert event.subject_id == author.id and event.details["reason"].startswith("The quiz")


def test_publishing_closes_the_requests_and_names_them_in_the_audit(people):
    author, pat = people["author"], people["pat"]
    course = ready_course("my-course", author.id)
    request = ask(course, author)
    publishing.publish(course, pat.id)
    assert (request.status, request.decided_by_id) == ("published", pat.id)
    assert request.decided_at is not None and reviewing.open_requests() == []
    (event,) = audit.events(action="course.published")
    assert event.details["requests"] == [request.id]
    assert event.details["requested_by"] == ["Ari Author"]
    assert f"requested by Ari Author (request {request.id})" in event.summary


def test_a_refused_publish_leaves_the_requests_open(people):
    author, pat = people["author"], people["pat"]
    course = ready_course("my-course", author.id)
    request = ask(course, author)
    write(course, "02-broken.md", "no front matter\n", author.id)
    with pytest.raises(NotPublishable):
        publishing.publish(course, pat.id)
    db.session.expire_all()
    assert request.status == "open" and request.decided_at is None
    assert audit.events(action="course.published") == []


def test_the_requests_close_in_the_publish_transaction(people, monkeypatch):
    """When the publish fails after the requests were closed, they are open again."""
    author, pat = people["author"], people["pat"]
    course = ready_course("my-course", author.id)
    request = ask(course, author)

    def fails(*args, **kwargs):
        raise RuntimeError("the audit log could not be written")

    monkeypatch.setattr(audit, "record", fails)
    with pytest.raises(RuntimeError):
        publishing.publish(course, pat.id)
    db.session.expire_all()
    assert request.status == "open"
    assert db.session.scalar(select(Course).where(Course.slug == "my-course")) is None


def test_changed_since_names_the_files_and_who_changed_them(people):
    author, pat, sky = people["author"], people["pat"], people["sky"]
    course = ready_course("my-course", author.id)
    request = ask(course, author)
    assert reviewing.changed_since(course, [request]) == {request.id: []}
    write(course, "01-introduction.md", MODULE.format(n=1, text="new words."), pat.id)
    later = ask(course, sky)
    files.add_module(course, "Second", author.id)
    changed = reviewing.changed_since(course, [request, later])
    assert [(c.path, c.authors) for c in changed[request.id]] == [
        ("01-introduction.md", ("Pat Staff",)), ("02-second.md", ("Ari Author",)),
    ]  # fmt: skip
    assert [(c.path, c.authors) for c in changed[later.id]] == [("02-second.md", ("Ari Author",))]
    assert reviewing.changed_since(course, []) == {}


def test_a_stale_fingerprint_refuses_the_publish(people):
    author, pat = people["author"], people["pat"]
    course = ready_course("my-course", author.id)
    seen = reviewing.fingerprint(reviewing.live_revisions(course))
    files.add_module(course, "Second", author.id)
    with pytest.raises(reviewing.DraftChanged, match="The draft changed since you looked: review"):
        publishing.publish(course, pat.id, seen=seen)
    assert db.session.scalar(select(Course).where(Course.slug == "my-course")) is None
    now = reviewing.fingerprint(reviewing.live_revisions(course))
    assert now != seen
    assert publishing.publish(course, pat.id, seen=now).changed


def test_off_lets_staff_publish_their_own_changes(people):
    pat = people["pat"]
    course = ready_course("my-course", pat.id)
    certifying(course, pat.id)
    assert publishing.publish(course, pat.id, review="off").changed


def test_all_needs_someone_elses_request_and_a_publisher_who_wrote_nothing(people):
    author, pat, sky = people["author"], people["pat"], people["sky"]
    course = ready_course("my-course", pat.id)
    with pytest.raises(reviewing.PublishRefused, match="You changed this draft since it was last "
                                                       "published, and every course"):  # fmt: skip
        publishing.publish(course, pat.id, review="all")
    with pytest.raises(reviewing.PublishRefused, match="Publishing needs a request from someone "
                                                       "else first"):  # fmt: skip
        publishing.publish(course, sky.id, review="all")
    ask(course, sky)  # a request by the publisher does not count
    with pytest.raises(reviewing.PublishRefused, match="needs a request from someone else"):
        publishing.publish(course, sky.id, review="all")
    request = ask(course, pat)
    assert publishing.publish(course, sky.id, review="all").changed
    assert request.status == "published"
    # after the publish, only changes since count: Pat may review an author's next change
    files.add_module(course, "Second", author.id)
    ask(course, author)
    with pytest.raises(reviewing.PublishRefused, match=r"\(besides you, by Ari Author\)"):
        write(course, "02-second.md", MODULE.format(n=2, text="fixed."), sky.id)
        publishing.publish(course, sky.id, review="all")
    assert publishing.publish(course, pat.id, review="all").changed


def test_certifying_applies_only_to_courses_with_certification_weight(people):
    author, pat, sky = people["author"], people["pat"], people["sky"]
    plain = ready_course("plain", pat.id)
    assert publishing.publish(plain, pat.id, review="certifying").changed
    weighty = ready_course("weighty", pat.id)
    certifying(weighty, pat.id)
    with pytest.raises(reviewing.PublishRefused, match="this course carries certification weight"):
        publishing.publish(weighty, pat.id, review="certifying")
    ask(weighty, author)
    assert publishing.publish(weighty, sky.id, review="certifying").changed
    # taking the requirement out is reviewed too: the published course still carries it
    text, _ = files.open_file(weighty, "course.md")
    write(weighty, "course.md", text.replace("  requires:\n    supervised_hours: 10\n", ""),
          pat.id)  # fmt: skip
    with pytest.raises(reviewing.PublishRefused):
        publishing.publish(weighty, pat.id, review="certifying")


def test_ce_hours_carry_certification_weight(people):
    pat = people["pat"]
    course = ready_course("my-course", pat.id)
    assert not reviewing.carries_certification_weight(
        course.slug, checking.check_course(course).course
    )
    text, _ = files.open_file(course, "01-introduction.md")
    with_ce = text.replace("---\n", "---\nce:\n  hours: 1\n  category: ethics\n", 1)
    write(course, "01-introduction.md", with_ce, pat.id)
    loaded = checking.check_course(course).course
    assert loaded is not None and loaded.modules[0].ce
    assert reviewing.carries_certification_weight(course.slug, loaded)


def requiring(course, author_id, requires):
    text, _ = files.open_file(course, "course.md")
    write(course, "course.md",
          text.replace("  valid_for_months: 24\n",
                       f"  valid_for_months: 24\n  requires:\n{requires}"),
          author_id)  # fmt: skip


@pytest.mark.parametrize(
    "requires", ["    code_of_ethics: true\n", "    training_hours: {total: 1}\n"],
    ids=["ethics", "training-hours"],
)  # fmt: skip
def test_each_requirement_of_the_draft_carries_weight(people, requires):
    pat = people["pat"]
    course = ready_course("my-course", pat.id)
    if "ethics" in requires:
        files.add_ethics(course, pat.id)
    else:  # an hour of training to require
        text, _ = files.open_file(course, "01-introduction.md")
        write(course, "01-introduction.md", text.replace("minutes: 12", "minutes: 60"), pat.id)
    assert not reviewing.carries_certification_weight(
        course.slug, checking.check_course(course).course
    )
    requiring(course, pat.id, requires)
    loaded = checking.check_course(course).course
    assert loaded is not None, checking.check_course(course).problems
    assert reviewing.carries_certification_weight(course.slug, loaded)


def test_removing_ce_hours_is_reviewed_too(people):
    """The published course's CE hours count though the draft has none: removing them is a
    change of certification weight. Without them, the course has none."""
    pat = people["pat"]
    course = ready_course("my-course", pat.id)
    assert publishing.publish(course, pat.id, review="off").changed
    # The published module grants CE (as publishing `ce:` would); the draft no longer says so.
    version = cekit.grant_ce(module_slug="introduction", minutes=60)
    text, _ = files.open_file(course, "01-introduction.md")
    write(course, "01-introduction.md", text.replace("minutes: 12", "minutes: 15"), pat.id)
    loaded = checking.check_course(course).course
    assert loaded is not None and not any(module.ce for module in loaded.modules)
    assert reviewing.carries_certification_weight(course.slug, loaded)
    with pytest.raises(reviewing.PublishRefused, match="carries certification weight"):
        publishing.publish(course, pat.id, review="certifying")
    version.ce_minutes = version.ce_category = None
    db.session.commit()
    assert not reviewing.carries_certification_weight(course.slug, loaded)
    assert publishing.publish(course, pat.id, review="certifying").changed
