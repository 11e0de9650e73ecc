"""XSS payloads through the real pipeline: course files -> sync_courses -> database -> pages.

Payloads go into every place an author writes text: course title, summary, certificate title and
overview; module title, objectives and lesson; question stems, scenarios, choices and
explanations. The pages are then fetched and read with a real HTML parser: the app's own markup is
clean, so any script found came from the content.

A payload that breaks the course format (a link to a file that is not there, a line that breaks
the quiz) cannot be published at all, so it is left out of that place only: the builder loads the
folder, drops the pieces the checker rejects and tries again. Warnings (raw HTML, unsafe links) are
expected: sync publishes despite them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from lms.content import quiz
from lms.content.loader import load_courses
from lms.extensions import db
from lms.models import Choice, Course, ModuleVersion, Question
from lms.services.authoring.publishing import sync_courses
from lms.services.people import accounts
from tests.conftest import sign_in_as
from tests.xss import (
    DOMPURIFY_SET,
    find_script,
    load_payloads,
    payload_sets,
    require_testdata,
)

COURSES = 3
PAYLOADS_PER_MODULE = 8
SAMPLE_EVERY = 12  # from the larger sets, every 12th payload
# Where a payload sits in a lesson or overview; "{}" is the payload.
LESSON_CONTEXTS = (
    "{}",
    "Listening well takes practice {} and patience.",
    "Read [the guide]({}) first.",
    "![A circle of chairs]({})",
    "| Skill | Example |\n| --- | --- |\n| {} | Reflecting feelings |",
    "> Agreed times {} keep the relationship safe.",
)
DOMAINS = ("advocacy", "mentoring-education", "recovery-wellness", "ethical-responsibility")


def sample_payloads():
    """xss_payloads_quick.txt and the DOMPurify set whole, and a stride through the other sets."""
    require_testdata()
    chosen = []
    for name in payload_sets():
        payloads = load_payloads(name)
        if name not in ("xss_payloads_quick.txt", DOMPURIFY_SET):
            payloads = payloads[::SAMPLE_EVERY]
        chosen.extend(p for p in payloads if p not in chosen)
    return chosen


def fits_front_matter(payload, limit=200):
    """A one-line value that YAML gives back unchanged and the database column can hold."""
    if "\n" in payload or "\r" in payload or not payload.strip() or len(payload) > limit:
        return False
    try:
        dumped = yaml.safe_dump({"value": payload}, width=10_000)
        return yaml.safe_load(dumped) == {"value": payload} and "\n---" not in dumped
    except yaml.YAMLError:
        return False


def fits_lesson(text):
    """Text that cannot swallow the module's '## Quiz' heading (an unclosed fence, or its own)."""
    lines = text.split("\n")
    fences = sum(1 for line in lines if quiz._FENCE.match(line))
    return fences % 2 == 0 and not any(quiz.QUIZ_HEADING.match(line) for line in lines)


def front_matter(values):
    return "---\n" + yaml.safe_dump(values, sort_keys=False, width=10_000) + "---\n"


@dataclass
class Piece:
    """One block of a file's body, holding at most one payload. Fixed pieces are never dropped."""

    text: str
    payload: str | None = None
    kind: str = "lesson"  # "lesson", "question" or "fixed"
    first_line: int = 0
    last_line: int = 0


@dataclass
class BodyFile:
    head: str  # front matter
    pieces: list

    def render(self):
        line = self.head.count("\n") + 1
        parts = []
        for piece in self.pieces:
            piece.first_line = line
            # Count lines as the loader does: it reads "\r\n" and a lone "\r" as line ends too.
            piece.last_line = line + re.sub("\r\n?", "\n", piece.text).count("\n")
            parts.append(piece.text + "\n")
            line = piece.last_line + 2  # a blank line between pieces
        return self.head + "\n".join(parts)

    def piece_at(self, line):
        """The droppable piece that holds this file line, or None."""
        for piece in self.pieces:
            if piece.kind != "fixed" and piece.first_line <= line <= piece.last_line:
                return piece
        return None


def fixed(text):
    return Piece(text, kind="fixed")


def lesson_pieces(payloads):
    pieces = []
    for payload in payloads:
        for context in LESSON_CONTEXTS:
            text = context.replace("{}", payload)
            if fits_lesson(text):
                pieces.append(Piece(text, payload))
    return pieces


def question_piece(payload):
    text = f"### {payload}\n\n{payload}\n\n- [x] {payload}\n- [ ] A wrong choice.\n\n> {payload}"
    return Piece(text, payload, kind="question")


# The quiz heading and one clean question stay, whatever is dropped around them.
QUIZ_START = (
    "## Quiz\n\n### Which of these is a healthy boundary?\n\n"
    "- [x] Meeting in agreed places.\n- [ ] Lending money.\n\n"
    "> Agreed places keep both people safe."
)


class XssCourses:
    """Writes a courses folder full of payloads, and keeps what can be published."""

    def __init__(self, root, payloads):
        self.root = root
        self.payloads = payloads
        self.files = {}  # path -> BodyFile
        titles = [p for p in payloads if fits_front_matter(p)]
        objectives = {p for p in payloads if fits_front_matter(p, limit=10_000)}
        chunks = [
            payloads[i : i + PAYLOADS_PER_MODULE]
            for i in range(0, len(payloads), PAYLOADS_PER_MODULE)
        ]
        for course in range(COURSES):
            folder = root / f"xss-course-{course + 1}"
            folder.mkdir(parents=True)
            title, summary, certificate = (titles[(3 * course + k) % len(titles)] for k in range(3))
            head = front_matter(
                {
                    "title": title,
                    "summary": summary,
                    "certificate": {"title": certificate, "valid_for_months": 12},
                }
            )
            overview = payloads[course::COURSES][:PAYLOADS_PER_MODULE]
            self.files[folder / "course.md"] = BodyFile(
                head, [fixed(f"Overview of course {course + 1}."), *lesson_pieces(overview)]
            )
            for number, chunk in enumerate(chunks[course::COURSES], start=1):
                index = course + (number - 1) * COURSES
                head = front_matter(
                    {
                        "title": titles[(index + 9) % len(titles)],
                        "minutes": 10,
                        "domain": DOMAINS[index % len(DOMAINS)],
                        "objectives": [p for p in chunk if p in objectives] or ["Stay safe."],
                    }
                )
                self.files[folder / f"{number:02d}-module-{number}.md"] = BodyFile(
                    head,
                    [
                        fixed(f"Lesson of module {number} starts here."),
                        *lesson_pieces(chunk),
                        fixed(QUIZ_START),
                        *(question_piece(p) for p in chunk),
                    ],
                )

    def write(self):
        for path, body in self.files.items():
            path.write_text(body.render(), encoding="utf-8")

    def publishable(self, attempts=60):
        """Write the folder, dropping the pieces the checker rejects until there is no error."""
        for _ in range(attempts):
            self.write()
            errors = load_courses(self.root).errors
            if not errors:
                return
            unplaced, rejected = [], {}
            for problem in errors:
                body = self.files.get(Path(problem.path))
                piece = body.piece_at(problem.line) if body and problem.line else None
                if piece is None:
                    unplaced.append(str(problem))
                else:
                    rejected[id(piece)] = (body, piece)
            assert not unplaced, "errors not caused by a payload piece:\n" + "\n".join(unplaced)
            for body, piece in rejected.values():
                body.pieces.remove(piece)
        pytest.fail(f"the payload course still has errors after {attempts} rounds")

    def placed(self, kind):
        return {
            piece.payload
            for body in self.files.values()
            for piece in body.pieces
            if piece.kind == kind and piece.payload is not None
        }


@pytest.fixture
def xss_courses(tmp_path):
    payloads = sample_payloads()
    courses = XssCourses(tmp_path / "xss-courses", payloads)
    courses.publishable()
    return courses


def test_payloads_publish_without_script(app_ctx, client, xss_courses):
    payloads = xss_courses.payloads
    lesson, questions = xss_courses.placed("lesson"), xss_courses.placed("question")
    assert len(payloads) > 400, len(payloads)
    assert len(lesson) > 0.95 * len(payloads), f"only {len(lesson)} payloads in lessons"
    assert len(questions) > 0.5 * len(payloads), f"only {len(questions)} payloads in quizzes"

    report = sync_courses(xss_courses.root)

    assert len(report.courses_added) == COURSES
    assert report.warnings, "raw HTML payloads should have been warned about"
    # The trainee's own name is a payload too: it is shown in the page header.
    trainee = accounts.ensure_user(
        "xss@example.org",
        '"><script>alert(1)</script><img src=x onerror=alert(2)>',
        ["trainee"],
        "a-long-passphrase",
    )
    sign_in_as(client, trainee.id)
    failures = check_pages(client) + check_stored_html()
    assert not failures, f"script reached {len(failures)} places:\n" + "\n".join(failures[:40])


APP_FORM_TAGS = ("form", "input", "button", "label", "fieldset", "legend")


def check_pages(client):
    """Fetch the home page, every course page and every module page; return what leaked."""
    failures = []

    def check(path):
        response = client.get(path)
        html = response.get_data(as_text=True)
        if response.status_code != 200:
            failures.append(f"{path}: status {response.status_code}")
        # The app's own forms (sign out, the quiz) are allowed on a page; content never carries
        # a form, which check_stored_html asserts strictly.
        problems = find_script(html, page=True, allow_tags=APP_FORM_TAGS)
        if problems:
            failures.append(f"page {path}:\n    " + "\n    ".join(problems))
        return html

    home = check("/")
    modules = 0
    for slug in (f"xss-course-{n}" for n in range(1, COURSES + 1)):
        assert f'href="/courses/{slug}/"' in home
        course_page = check(f"/courses/{slug}/")
        assert "Overview of course" in course_page
        for module in re.findall(rf'href="/courses/{slug}/(module-\d+)"', course_page):
            assert "starts here." in check(f"/courses/{slug}/{module}")
            check(f"/courses/{slug}/{module}/quiz")
            modules += 1
    assert modules > 40, f"only {modules} module pages were checked"
    check("/dashboard")
    return failures


def check_stored_html():
    """Every HTML fragment publishing stored, checked strictly as sanitiser output.

    Quiz questions are not shown on any page yet, so this is where their stems, scenarios, choices
    and explanations are checked.
    """
    stored = [
        (f"course {c.slug} overview", c.overview_html) for c in db.session.scalars(select(Course))
    ]
    for version in db.session.scalars(select(ModuleVersion)):
        stored.append((f"module version {version.id} lesson", version.lesson_html))
    for q in db.session.scalars(select(Question)):
        stored += [
            (f"question {q.id} stem", q.stem_html),
            (f"question {q.id} scenario", q.scenario_html),
            (f"question {q.id} explanation", q.explanation_html),
        ]
    for choice in db.session.scalars(select(Choice)):
        stored.append((f"choice {choice.id}", choice.text_html))
    assert len(stored) > 1000, f"only {len(stored)} stored fragments"
    failures = []
    for label, html in stored:
        problems = find_script(html)
        if problems:
            failures.append(f"{label}: " + "; ".join(problems) + f"\n    HTML: {html[:300]!r}")
    return failures
