"""Tools for course authors: check the course files, preview a module from the files on disk
(never touching the database), publish them, and see how each quiz question performs.

Check and preview read the files with the same loader as `lms courses check`, and preview renders
with the same renderer and link rules as publishing, so what an author sees is what trainees get.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import func, select

from ...content import media as media_files
from ...content.files import MODULE_FILE, SLUG
from ...content.loader import load_courses
from ...content.model import SortsProblems
from ...content.render import render_block, render_inline
from ...content.sessions import SESSIONS_FOLDER
from ...extensions import db
from ...models import AuditEvent, Course, LiveSession, Module
from .course_links import link_resolver
from .item_analysis import (
    MIN_ANSWERS_TO_FLAG,
    TOO_EASY_PERCENT,
    TOO_HARD_PERCENT,
    ModuleItems,
    QuestionItems,
    item_analysis,
)
from .publishing import sync_courses

__all__ = [
    "MIN_ANSWERS_TO_FLAG",
    "TOO_EASY_PERCENT",
    "TOO_HARD_PERCENT",
    "CheckReport",
    "CourseHasErrors",
    "ModuleItems",
    "ModulePreview",
    "NotFound",
    "QuestionItems",
    "SessionPreview",
    "check",
    "item_analysis",
    "media_file",
    "module_preview",
    "preview",
    "publish",
    "published",
    "session_preview",
    "session_preview_of",
]

MEDIA_FOLDER = "media"


class NotFound(LookupError):
    """No course or module by that name on disk (or no such media file)."""


class CourseHasErrors(ValueError):
    """The course's files have errors, so it cannot be shown until they are fixed."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# -- Checking ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckReport(SortsProblems):
    """What `lms courses check` finds, the courses read cleanly, and the folders that were not."""

    shown: str
    problems: list
    courses: list  # content.model.Course values, ready to preview
    folders_with_errors: list  # course folder names that could not be read
    single_course: bool  # the folder checked is one course folder, not a folder of courses

    def problems_of(self, folder_name):
        """The problems found in one course folder."""
        base = self.shown if self.single_course else f"{self.shown}/{folder_name}"
        return [p for p in self.problems if p.path == base or p.path.startswith(base + "/")]


def check(folder, shown=None):
    """Read the courses folder without touching the database: every problem, as the CLI prints."""
    folder = Path(folder)
    shown = shown if shown is not None else folder.name
    result = load_courses(folder, shown)
    loaded = {course.path.name for course in result.courses}
    single = _is_course_folder(folder)
    if single:
        names = [folder.name]
    elif folder.is_dir():
        names = sorted(
            p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
        )
    else:
        names = []
    failed = [name for name in names if name not in loaded]
    return CheckReport(shown, result.problems, result.courses, failed, single)


def _is_course_folder(path):
    """As the loader decides: a course.md, or module files of a course that lost its course.md."""
    return (path / "course.md").is_file() or any(
        MODULE_FILE.match(child.name) for child in path.glob("*.md")
    )


# -- Preview -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewChoice:
    id: str
    text_html: str
    is_correct: bool


@dataclass(frozen=True)
class PreviewQuestion:
    """Named like the published Question, so the quiz templates show either."""

    id: int
    position: int
    kind: str
    stem_html: str
    scenario_html: str
    explanation_html: str
    choices: tuple


@dataclass(frozen=True)
class ModulePreview:
    """A module as a trainee would see it, rendered from the files on disk."""

    course_slug: str
    course_title: str
    slug: str
    position: int
    module_count: int
    title: str
    minutes: int
    domain: str
    objectives: tuple
    pass_mark: int
    max_attempts: int | None
    lesson_html: str
    questions: tuple  # the whole pool, when each attempt draws from it
    previous: tuple | None  # (slug, title) of the module before, if any
    next: tuple | None
    draw: int | None = None  # questions each attempt draws from `questions` (None: all)
    retry_after_minutes: int | None = None
    wait_after_failures: int | None = None


def preview_media_link(item):
    """Media in a preview: the staff route that serves the course's media/ folder from disk.

    The preview page is /staff/courses/<course>/preview/<module>, so this is relative to it.
    """
    return "../" + quote(item.name)


def preview(folder, course_slug, module_slug):
    """The module `module_slug` of `course_slug`, rendered from disk; nothing is written.

    Raises NotFound for an unknown course or module, CourseHasErrors when the course's files have
    errors (its problems are attached).
    """
    course = _course_on_disk(folder, course_slug)
    # A link to course.md leads back to the list of courses on disk.
    return module_preview(course, module_slug, preview_media_link, "../../../courses")


def module_preview(course, module_slug, media_link, course_link, module_link=None):
    """The module `module_slug` of the content Course `course`, rendered as trainees see it,
    its links made by link_resolver with these arguments (the workspace's editor previews a
    draft this way). Raises NotFound for an unknown module."""
    modules = course.modules
    index = next((i for i, m in enumerate(modules) if m.slug == module_slug), None)
    if index is None:
        raise NotFound(module_slug)
    source = modules[index]
    resolve = link_resolver(
        course, media_link=media_link, course_link=course_link, module_link=module_link
    )
    questions = tuple(
        PreviewQuestion(
            id=q_position,
            position=q_position,
            kind=question.kind,
            stem_html=render_inline(question.stem, resolve),
            scenario_html=render_block(question.scenario, resolve, anchors=False),
            explanation_html=render_block(question.explanation, resolve, anchors=False),
            choices=tuple(
                PreviewChoice(
                    id=f"{q_position}-{c_position}",
                    text_html=render_inline(choice.text, resolve),
                    is_correct=choice.correct,
                )
                for c_position, choice in enumerate(question.choices, start=1)
            ),
        )
        for q_position, question in enumerate(source.questions, start=1)
    )
    before = modules[index - 1] if index > 0 else None
    after = modules[index + 1] if index + 1 < len(modules) else None
    return ModulePreview(
        course_slug=course.slug,
        course_title=course.title,
        slug=source.slug,
        position=index + 1,
        module_count=len(modules),
        title=source.title,
        minutes=source.minutes,
        domain=source.domain,
        objectives=tuple(source.objectives),
        pass_mark=source.pass_mark,
        max_attempts=source.max_attempts,
        lesson_html=render_block(source.lesson, resolve),
        questions=questions,
        previous=(before.slug, before.title) if before else None,
        next=(after.slug, after.title) if after else None,
        draw=source.draw,
        retry_after_minutes=source.retry_after_minutes,
        wait_after_failures=source.wait_after_failures,
    )


@dataclass(frozen=True)
class SessionPreview:
    """A live session's facilitator guide and skills checklist, rendered from the files on disk:
    what staff and facilitators see, never trainees."""

    course_slug: str
    course_title: str
    slug: str
    position: int
    session_count: int
    title: str
    minutes: int
    domain_minutes: dict
    objectives: tuple
    requires: tuple  # (slug, title) of the modules to pass first
    guide_html: str
    skills: tuple


def session_preview(folder, course_slug, session_slug):
    """The live session `session_slug` of `course_slug`, rendered from disk; nothing is written.

    Raises NotFound and CourseHasErrors as preview() does.
    """
    course = _course_on_disk(folder, course_slug)
    # The page is /staff/courses/<course>/sessions/<session>: modules' previews are at
    # ../preview/<module>, media at ../media/<name>, the list of courses three levels up.
    return session_preview_of(
        course,
        session_slug,
        preview_media_link,
        "../../../courses",
        lambda slug: f"../preview/{slug}",
    )


def session_preview_of(course, session_slug, media_link, course_link, module_link):
    """The live session `session_slug` of the content Course `course`, rendered, its links made
    by link_resolver with these arguments. Raises NotFound for an unknown session."""
    sessions = course.sessions
    index = next((i for i, s in enumerate(sessions) if s.slug == session_slug), None)
    if index is None:
        raise NotFound(session_slug)
    source = sessions[index]
    resolve = link_resolver(
        course,
        media_link=media_link,
        course_link=course_link,
        module_link=module_link,
        folder=SESSIONS_FOLDER,
    )
    titles = {m.slug: m.title for m in course.modules}
    return SessionPreview(
        course_slug=course.slug,
        course_title=course.title,
        slug=source.slug,
        position=index + 1,
        session_count=len(sessions),
        title=source.title,
        minutes=source.minutes,
        domain_minutes=dict(source.domain_minutes),
        objectives=tuple(source.objectives),
        requires=tuple((slug, titles[slug]) for slug in source.requires),
        guide_html=render_block(source.guide, resolve),
        skills=tuple(source.skills),
    )


def _course_on_disk(folder, course_slug):
    report = check(folder)
    for course in report.courses:
        if course.slug == course_slug:
            return course
    if course_slug in report.folders_with_errors:
        raise CourseHasErrors(report.problems_of(course_slug))
    raise NotFound(course_slug)


def media_file(folder, course_slug, name):
    """The path and content type of a file in the course's media/ folder on disk.

    Only a regular, visible file inside that media/ folder is served: '..', absolute paths and
    links that lead outside it raise NotFound, as does anything not there.
    """
    course_folder = _course_folder(Path(folder), course_slug)
    media = (course_folder / MEDIA_FOLDER).resolve()
    parts = Path(name).parts
    if not parts or any(part.startswith(".") or "\\" in part for part in parts):
        raise NotFound(name)
    target = (media / name).resolve()
    if not target.is_relative_to(media) or not target.is_file():
        raise NotFound(name)
    return target, media_files.content_type(target.name)


def _course_folder(root, course_slug):
    if not SLUG.match(course_slug):
        raise NotFound(course_slug)
    if (root / "course.md").is_file():
        if root.name != course_slug:
            raise NotFound(course_slug)
        return root
    folder = root / course_slug
    if not folder.is_dir():
        raise NotFound(course_slug)
    return folder


# -- Publishing --------------------------------------------------------------------------------


def publish(folder, actor_id, shown=None):
    """Publish the course files (all or nothing); raises ContentError with every problem.

    `actor_id` is the staff member who asked: a sync that changes something is audited as theirs.
    """
    folder = Path(folder)
    return sync_courses(folder, shown if shown is not None else folder.name, actor_id=actor_id)


@dataclass(frozen=True)
class PublishedCourse:
    slug: str
    title: str
    version: int
    modules: int
    live_sessions: int
    published_at: object
    updated_at: object
    retired_at: object


def _current_count(model):
    """{course id: how many of its modules (or live sessions) are not retired}."""
    return dict(
        db.session.execute(
            select(model.course_id, func.count())
            .where(model.retired_at.is_(None))
            .group_by(model.course_id)
        ).all()
    )


# What changes the published courses: a sync of the courses folder (the Courses page or `lms
# courses sync`) and publishing one course from the workspace.
PUBLISHING_ACTIONS = ("course.synced", "course.published")


def published():
    """Every course in the database (retired ones too), and the audit event of the last change
    to them: a sync from disk or a workspace publish, whichever came later (None before any)."""
    counts = _current_count(Module)
    session_counts = _current_count(LiveSession)
    courses = [
        PublishedCourse(
            slug=c.slug,
            title=c.title,
            version=c.version,
            modules=counts.get(c.id, 0),
            live_sessions=session_counts.get(c.id, 0),
            published_at=c.published_at,
            updated_at=c.updated_at,
            retired_at=c.retired_at,
        )
        for c in db.session.scalars(select(Course).order_by(Course.title))
    ]
    last_change = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action.in_(PUBLISHING_ACTIONS))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(1)
    )
    return courses, last_change
