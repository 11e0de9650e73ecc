"""Walk every route in the URL map as each role and anonymously, find every form on every page,
and send hostile values into each field in turn and into all of them at once; send hostile route
arguments and query strings too. Nothing may answer 500 (or raise: TESTING propagates errors).

The values are the ones outside testing found breaking the app (issue 7, section 3): NUL, lone
surrogates, huge numbers, superscript digits, negatives, very long text and missing fields."""

from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import quote_plus, urlsplit

import pytest
from itsdangerous import BadSignature
from werkzeug.routing import IntegerConverter

from lms.extensions import db
from lms.models import Certificate
from lms.services.logbook import ce
from lms.services.people import cohorts, sessions
from lms.services.workspace import paths, publishing, reviewing, store
from lms.web.auth.signed_in import SESSION_TOKEN
from tests import cekit, livekit
from tests import requirementkit as kit
from tests.conftest import sign_in_as
from tests.workspacekit import ready_course

HOSTILE = (
    "a\x00b",  # PostgreSQL refuses NUL in text
    "\ud800",  # a lone surrogate: sent as its (invalid) UTF-8 bytes, as a raw client would
    "9" * 5000,  # more digits than int() accepts
    "99999999999999999999",  # beyond a 64-bit integer
    "²",  # str.isdigit() says yes, int() says no
    "-1",
    "\x1b[31m\u202e",  # control characters
    "x" * 100_000,  # long text under Werkzeug's form limit: the fields' own caps must answer
)
HUGE_BODY = "x" * 1_000_000  # over Werkzeug's form limit: a 413 page, once per form
ROUTE_INTS = ("99999999999999999999", "2147483648", "0", "9" * 5000)
ROUTE_TEXT = ("%00", "%ED%A0%80", "x" * 2000)
QUERY = (
    "page=99999999999999999999&sort=%00&dir=%00&q=a%00b&cohort=%C2%B2&status=%00"
    "&next=%00&certificate=%00&code=%00&action=%00&person=a%00b&since=%00&until=99999"
)


def encode(value):
    return quote_plus(value.encode("utf-8", "surrogatepass"))


def form_body(fields):
    return "&".join(f"{encode(name)}={encode(value)}" for name, value in fields)


class FormFinder(HTMLParser):
    """Every <form> on a page: its method, action and (name, value) fields as a browser sends
    them by default (the first option of a select, checked boxes, hidden values)."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (attrs.get("method") or "get").upper(),
                    "action": attrs.get("action"),
                    "fields": [],
                    "names": [],
                }  # fmt: skip
            )
        elif not self.forms or "name" not in attrs:
            return
        elif tag in ("input", "textarea", "select", "button"):
            form, name = self.forms[-1], attrs["name"]
            if name not in form["names"]:
                form["names"].append(name)
            kind = attrs.get("type", "text")
            if tag == "select":
                self._select = name
            elif tag == "input" and kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            elif tag != "button" and kind != "file":
                form["fields"].append((name, attrs.get("value") or ""))
        elif tag == "option" and self._select:
            self.forms[-1]["fields"].append((self._select, attrs.get("value", "")))
            self._select = None


@pytest.fixture
def world(app, tmp_path):
    """A course with a code of ethics and hours, a cohort, a certificate, a session to review;
    a draft course in the workspace with an author's open request to publish it."""
    with app.app_context():
        kit.publish_course_with_requirements(tmp_path / "fuzz-courses")
        found = kit.make_people()
        found["admin"] = kit.person("Alex Admin", "alex@example.org", "admin")
        course = kit.published_course()
        kit.log(found["ada"])
        cohort = cohorts.create_cohort("Spring", date(2026, 1, 1), None, [course.id])
        cohorts.enrol(cohort.id, "ada@example.org")
        db.session.add(
            Certificate(
                code="FUZZ-CERT-0001", user_id=found["bo"].id, course_id=course.id,
                course_version=1, title="Sample", issued_on=date(2026, 1, 1),
                expires_on=date(2027, 1, 1),
            )
        )  # fmt: skip
        db.session.commit()
        # A live session met an hour ago for the cohort, facilitated by Sam: its attendance form.
        session = livekit.add_session(course)
        meeting = livekit.meet(session, cohort, found["sam"], livekit.hours_ago(1))
        # CE: categories to log in, and an entry of Ada's with its evidence to review.
        cekit.give_renewal_rule(course)
        entry = ce.log_entry(found["ada"].id, "Ethics", "Network", cekit.TODAY, "1", "ethics",
                             "proof.pdf", cekit.PDF, now=cekit.NOW)  # fmt: skip
        # The workspace: a draft that checks clean, its first module, and open requests to
        # publish it by its author and by Stella (so that her page has Withdraw and Decline).
        author = kit.person("Ari Author", "ari@example.org", "author")
        draft = ready_course("fuzz-draft", author.id)
        module = next(p for p in store.live_files(draft) if paths.kind_of(p) == "module")
        request = reviewing.request_publishing(
            draft, author.id, "A first module.", publishing.preview(draft)
        )
        reviewing.request_publishing(
            draft, found["stella"].id, "A second look.", publishing.preview(draft)
        )
        return {
            "roles": {
                None: None,
                "trainee": found["ada"].id,
                "supervisor": found["sam"].id,
                "staff": found["stella"].id,
                "admin": found["admin"].id,
                # Last: staff decline the requests first, then the author asks again.
                "author": author.id,
            },  # fmt: skip
            "args": {
                "course_slug": "sample-course",
                "module_slug": "first-steps",
                "cohort_id": cohort.id,
                "user_id": found["ada"].id,
                "trainee_id": found["ada"].id,
                "session_id": 1,
                "attempt_id": 1,
                "request_id": request.id,
                "slug": draft.slug,
                "path": module,
                "number": 1,
                "code": "FUZZ-CERT-0001",
                "token": "x",
                "meeting_id": meeting.id,
                "entry_id": entry.id,
                "evidence_id": entry.evidence_id,
            },  # fmt: skip
        }


def routes(app, args):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "sign_out" in rule.endpoint:
            continue
        yield rule, rule.build(route_values(rule, args), append_unknown=False)[1]


def route_values(rule, args, **changed):
    return {**{name: args.get(name, "x") for name in rule.arguments}, **changed}


class Walk:
    def __init__(self, app, role, user_id):
        self.app = app
        self.role = role or "anonymous"
        self.client = app.test_client()
        self.user_id = user_id
        self.broken = []
        self.sent = 0

    def signed_in(self):
        """Is the client still signed in as its person? Its cookie names them and their session
        is live (a form may have signed it out or ended its session)."""
        cookie = self.client.get_cookie(self.app.config["SESSION_COOKIE_NAME"])
        if cookie is None:
            return False
        serializer = self.app.session_interface.get_signing_serializer(self.app)
        try:
            session = serializer.loads(cookie.value)
        except BadSignature:
            return False
        if session.get("_user_id") != str(self.user_id) or not session.get(SESSION_TOKEN):
            return False
        with self.app.app_context():
            live = sessions.signed_in_user(
                self.user_id, session[SESSION_TOKEN], timedelta(hours=1), timedelta(days=1)
            )
            db.session.rollback()
        return live is not None

    def send(self, method, path, body=None, multipart=None):
        if self.user_id and not self.signed_in():  # walk on as the same person
            sign_in_as(self.client, self.user_id)
        self.sent += 1
        try:
            if multipart is not None:
                response = self.client.post(
                    path, data=multipart, content_type="multipart/form-data"
                )
            elif method == "POST":
                response = self.client.post(
                    path, data=body, content_type="application/x-www-form-urlencoded"
                )
            else:
                response = self.client.get(path + ("?" + body if body else ""))
            response.get_data()  # read to the end and closed, as a WSGI server does
            response.close()
        except Exception as error:  # noqa: BLE001 - any exception is the finding
            self.broken.append(f"{self.where(method, path, body)}: {error!r}"[:400])
            return None
        if response.status_code >= 500:
            self.broken.append(f"{self.where(method, path, body)}: {response.status_code}")
        return response

    def where(self, method, path, body):
        return f"{self.role}: {method} {path} {(body or '')[:120]!r}"

    def fuzz_form(self, form, page_path):
        action = urlsplit(form["action"] or page_path).path
        fields = form["fields"]
        names = [name for name in form["names"] if name != "csrf_token"]
        csrf = [(n, v) for n, v in fields if n == "csrf_token"]
        for name in names:
            others = [(n, v) for n, v in fields if n != name]
            for value in HOSTILE:
                self.send(form["method"], action, form_body([*others, (name, value)]))
            self.send(form["method"], action, form_body(others))  # the field missing
        for value in HOSTILE[:-1]:
            self.send(form["method"], action, form_body([*csrf, *((n, value) for n in names)]))
        self.send(form["method"], action, form_body(csrf))  # every field missing
        if form["method"] == "POST":
            self.send("POST", action, form_body([*csrf, ("big", HUGE_BODY)]))
            # The same form sent as multipart (as a file upload form is): a NUL in every field.
            self.send("POST", action, multipart={
                **dict(csrf), **{n: "\x00" + "\ufffd" for n in names}})  # fmt: skip


def test_no_hostile_value_in_any_form_route_or_query_gets_a_500(app, world):
    broken, forms, sent, actions = [], 0, 0, set()
    for role, user_id in world["roles"].items():
        walk = Walk(app, role, user_id)
        # A form met again on another page (the same fields to the same address) was fuzzed
        # already as this person: the same requests again would find nothing new.
        fuzzed = set()
        for rule, path in routes(app, world["args"]):
            if "GET" in rule.methods:
                response = walk.send("GET", path, QUERY)
                response = walk.send("GET", path)
                if response is not None and response.mimetype == "text/html":
                    finder = FormFinder()
                    finder.feed(response.get_data(as_text=True))
                    for form in finder.forms:
                        if (form["action"] or "").endswith("/sign-out"):
                            continue
                        action = urlsplit(form["action"] or path).path
                        seen = (form["method"], action, tuple(form["names"]))
                        if seen in fuzzed:
                            continue
                        fuzzed.add(seen)
                        forms += 1
                        actions.add(action)
                        walk.fuzz_form(form, path)
            elif "POST" in rule.methods:
                walk.send("POST", path, "")
            for name, converter in rule._converters.items():
                is_int = isinstance(converter, IntegerConverter)
                marker = 987654321 if is_int else "MARKER"
                values = route_values(rule, world["args"], **{name: marker})
                built = rule.build(values, append_unknown=False)[1]
                for value in ROUTE_INTS if is_int else ROUTE_TEXT:
                    bad = built.replace(str(marker), value)
                    for method in sorted(rule.methods & {"GET", "POST"}):
                        walk.send(method, bad, "" if method == "POST" else None)
        broken += walk.broken
        sent += walk.sent

    assert broken == [], "\n".join(broken)
    assert forms > 30, "the walk should find the app's forms"
    for reached in ("new", "fuzz-draft/files", "fuzz-draft/rename", "fuzz-draft/media",
                    f"fuzz-draft/edit/{world['args']['path']}", "fuzz-draft/publish",
                    "fuzz-draft/publish/request", "fuzz-draft/publish/withdraw",
                    f"fuzz-draft/publish/decline/{world['args']['request_id']}"):  # fmt: skip
        assert f"/staff/workspace/{reached}" in actions, f"the walk never sent the form {reached}"
    assert sent > 1000
