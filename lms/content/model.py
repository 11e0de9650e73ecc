"""What a course folder means, once read: frozen values with no knowledge of the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .ce import ModuleCE


# A front-matter value already reported as unreadable YAML: checked no further.
INVALID = object()


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a course file, located by path and line (None: the whole file)."""

    path: str
    line: int | None
    message: str
    warning: bool = False

    def __str__(self):
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {'warning: ' if self.warning else ''}{self.message}"


class ContentError(Exception):
    """Raised when course files cannot be published; carries every problem found."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Choice:
    text: str  # Markdown, inline
    correct: bool
    line: int


@dataclass(frozen=True)
class Question:
    stem: str  # Markdown, inline
    scenario: str  # Markdown, may be empty
    choices: tuple[Choice, ...]
    explanation: str  # Markdown, may be empty
    line: int
    # item-writing rules this question breaks on purpose: ((rule, reason), ...); see items.py
    allowed: tuple[tuple[str, str], ...] = ()

    @property
    def kind(self):
        """'single' for one correct choice, 'multiple' for select-all-that-apply."""
        return "multiple" if sum(c.correct for c in self.choices) > 1 else "single"


@dataclass(frozen=True)
class MediaFile:
    name: str  # path relative to the course folder, e.g. "media/circle.png"
    path: Path
    sha256: str


@dataclass(frozen=True)
class Module:
    slug: str
    number: int
    file_name: str
    title: str
    minutes: int  # training time: reading plus the module's activities
    domain: str  # the domain with the most minutes (the only one unless the module splits)
    objectives: tuple[str, ...]
    pass_mark: int  # effective: the module's own or the course's
    max_attempts: int | None
    retry_after_minutes: int | None
    lesson: str  # Markdown before '## Quiz'
    questions: tuple[Question, ...]
    media: tuple[str, ...] = ()  # names of the media files the module shows
    content_hash: str = ""
    review: str = "always"  # or "after_pass": explanations only once the quiz is passed
    requires: tuple[str, ...] = ()  # slugs of modules to pass before this one opens
    # {domain: minutes}, adding up to `minutes`; empty means {domain: minutes}
    domain_minutes: dict = field(default_factory=dict)
    ce: ModuleCE | None = None  # continuing education granted when passed (front matter `ce:`)
    # questions each attempt draws from the pool of `questions` (None: every question)
    draw: int | None = None
    # failed attempts before `retry_after_minutes` applies (None: the wait follows every failure)
    wait_after_failures: int | None = None


@dataclass(frozen=True)
class LiveSession:
    """A live session (sessions/NN-slug.md): practice taught in a room or on a video call. Its
    guide is for facilitators and staff only; it has no quiz."""

    slug: str
    number: int
    file_name: str
    title: str
    minutes: int  # the planned length
    domain: str  # the domain with the most minutes
    objectives: tuple[str, ...]
    guide: str  # Markdown: the facilitator guide, without its skills checklist
    skills: tuple[str, ...] = ()  # the skills checklist, as plain text (empty: no checklist)
    requires: tuple[str, ...] = ()  # slugs of modules a trainee should pass first
    domain_minutes: dict = field(default_factory=dict)  # {domain: minutes}, adding up to minutes
    media: tuple[str, ...] = ()  # names of the media files the guide shows
    content_hash: str = ""


@dataclass(frozen=True)
class Course:
    slug: str
    path: Path
    title: str
    summary: str
    pass_mark: int
    certificate_title: str
    certificate_valid_for_months: int
    overview: str  # Markdown
    modules: tuple[Module, ...]
    media: tuple[MediaFile, ...] = ()
    content_hash: str = ""
    ethics: str | None = None  # Markdown of the code of ethics trainees sign, when required
    # Approved practice hours the certificate requires: of both kinds together, of work, of
    # supervision (0: not asked for).
    supervised_hours: int = 0
    work_hours: int = 0
    supervision_hours: int = 0
    domains: tuple[str, ...] = ()  # the domains training hours are counted in, in order
    # {"total" or a domain: hours} of passed modules' training time the certificate requires
    training_hours: dict = field(default_factory=dict)
    sessions: tuple[LiveSession, ...] = ()
    # slugs of the live sessions the certificate requires attending, and of those whose skills
    # checklist must be complete (each of these is in required_sessions too)
    required_sessions: tuple[str, ...] = ()
    required_checklists: tuple[str, ...] = ()
    # the certificate's renewal rule, every key present (lms/content/renewal.py); {}: none
    renewal: dict = field(default_factory=dict)


class SortsProblems:
    """`errors` and `warnings` of anything holding `problems`, a list of Problem."""

    @property
    def errors(self):
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self):
        return [p for p in self.problems if p.warning]


@dataclass
class LoadResult(SortsProblems):
    """Courses that were read cleanly enough to publish, and every problem met on the way."""

    courses: list[Course] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
