"""Editing a draft course: create it, add, save, rename, delete and reorder its files (history.py
reads and restores their revisions). Each call is one transaction (committed when it succeeds,
rolled back on any error); every change goes through store, so each leaves a revision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ...content.files import ETHICS_FILE
from ...content.limits import MAX_FILE_BYTES
from ...content.quiz import split_lesson
from ...extensions import db
from ...models import Course, DraftCourse, DraftFile, User
from . import checking, images, paths, store, templates
from .errors import Conflict, Version, WorkspaceError


def course_named(slug):
    """The draft course with this slug; WorkspaceError when there is none."""
    course = store.course_by_slug(slug)
    if course is None:
        raise WorkspaceError(f"there is no draft course '{slug}' in the workspace")
    return course


def create_course(slug, author_id=None, title=None):
    """A new draft course: course.md from the starter (its summary left for the author) and a
    first module. `title` defaults to the slug's words."""
    if not slug:
        raise WorkspaceError(
            "enter a slug for the new course: lowercase letters, digits and hyphens, for example "
            "'peer-support-foundations'"
        )
    paths.check_course_slug(slug)
    taken = f"the workspace already has a course '{slug}': choose another slug"
    if store.course_by_slug(slug) is not None:
        raise WorkspaceError(taken)
    if db.session.scalar(select(Course.id).where(Course.slug == slug, Course.retired_at.is_(None))):
        # An empty draft published under this slug would retire every module of that course.
        raise WorkspaceError(
            f"a published course already has the slug '{slug}': to change that course here, "
            "upload a zip of its folder (Create a course from a zip); for a new course, choose "
            "another slug"
        )
    title = (title or "").strip() or slug.replace("-", " ").capitalize()
    try:
        with store.transaction():
            course = DraftCourse(slug=slug, created_by_id=author_id, published={})
            db.session.add(course)
            db.session.flush()
            store.put(course, paths.COURSE_FILE, _utf8(templates.course_file(title)), author_id,
                      "created")  # fmt: skip
            _add_unit(course, "module", "Introduction", author_id)
    except IntegrityError:  # someone else created this slug after the check above
        raise WorkspaceError(taken) from None
    return course


def add_module(course, title, author_id=None):
    """A new module from the template, numbered after the course's last; returns its DraftFile."""
    with store.transaction():
        return _add_unit(course, "module", title, author_id)


def add_session(course, title, author_id=None):
    """A new live session (sessions/NN-slug.md) from the template; returns its DraftFile."""
    with store.transaction():
        return _add_unit(course, "session", title, author_id)


def add_ethics(course, author_id=None):
    """The course's code of ethics (code-of-ethics.md) from the template."""
    if ETHICS_FILE in store.live_files(course):
        raise WorkspaceError(f"this course already has its {ETHICS_FILE}: edit that one")
    with store.transaction():
        text = templates.ethics_file("Code of ethics")
        return store.put(course, ETHICS_FILE, _utf8(text), author_id, "created")


def question_skeleton(module_text=""):
    """The text the editor's "new question" helper inserts into `module_text`: a question
    numbered after the question headings its quiz has already."""
    text = module_text.replace("\r\n", "\n")
    _, quiz = split_lesson(text)
    lines = text.split("\n")[quiz + 1 :] if quiz is not None else []
    count = sum(line.startswith("### ") for line in lines)
    return templates.question_skeleton(count + 1)


def open_file(course, path):
    """(text, revision) of a live text file, to start editing from."""
    draft = _live(course, path)
    return draft.content.decode("utf-8"), draft.revision


def save_text(course, path, text, base_revision, author_id=None, note="saved"):
    """Save the editor's text as the file's next revision. `base_revision` is the revision the
    editor started from (None: a new file). If the file moved on since, raises Conflict with
    both versions and nothing is written; saving the merged text with the revision the Conflict
    names as theirs then succeeds. The text is stored as UTF-8, byte for byte as given."""
    paths.check_path(path)
    if paths.kind_of(path) == "media":
        raise WorkspaceError(f"{path} is an image: upload it, it cannot be typed")
    content = _utf8(text)
    if len(content) > MAX_FILE_BYTES:
        raise WorkspaceError(
            f"this file is {len(content):,} bytes; the limit is {MAX_FILE_BYTES:,}: split it "
            "into two modules"
        )
    with store.transaction():
        # the row locked (PostgreSQL) until commit, so a save between this check and the write
        # waits, then sees the revision this one adds
        draft = store.file_at(course, path, lock=True)
        if draft is None and base_revision is not None:
            raise WorkspaceError(
                f"{path} is no longer in this course (renamed or deleted since you opened it): "
                "copy your text, then open the file where it is now"
            )
        if draft is not None and _moved_on(draft, base_revision):
            raise Conflict(path, _version(draft), text, _revision_text(draft, base_revision))
        return store.put(course, path, content, author_id, note)


def rename_file(course, path, new_path, author_id=None):
    """Give a file a new path; its history goes with it (a revision "renamed from <path>"), and
    links to it in the course's other files follow it (see _relink)."""
    paths.check_path(new_path)
    draft = _live(course, path)
    if new_path == path:
        return draft
    if paths.kind_of(new_path) != paths.kind_of(path):
        raise WorkspaceError(f"{path} cannot become {new_path}: keep it in its kind of place")
    _refuse_taken(course, new_path)
    with store.transaction():
        (moved,) = store.move(course, {path: new_path}, author_id)
        _relink(course, {path: new_path}, author_id)
        return moved


def delete_file(course, path, author_id=None):
    """Delete a file: a revision with no content, note "deleted"; restore() brings it back."""
    _live(course, path)
    with store.transaction():
        return store.remove(course, path, author_id)


def reorder(course, kind, ordered_paths, author_id=None):
    """Renumber the course's modules (kind "module") or live sessions ("session") 01, 02, ... in
    the order given, which must list each of them once. One transaction; a file whose number
    does not change is left alone, and links between the files follow them (see _relink).
    Returns {old path: new path} of the files renamed."""
    current = sorted(p for p in store.live_files(course) if paths.kind_of(p) == kind)
    if sorted(ordered_paths) != current or len(set(ordered_paths)) != len(ordered_paths):
        raise WorkspaceError(
            "list each of the course's files of that kind once, in the new order: "
            + ", ".join(current)
        )
    moves = {}
    for position, path in enumerate(ordered_paths, start=1):
        _, slug = paths.number_and_slug(path)
        new_path = f"{paths.folder_of(kind)}{position:02d}-{slug}.md"
        if new_path != path:
            moves[path] = new_path
    for new_path in moves.values():
        if new_path not in moves:
            _refuse_taken(course, new_path)
    with store.transaction():
        if moves:
            store.move(course, moves, author_id)
            _relink(course, moves, author_id)
    return moves


# A link or image target in Markdown: after '](' or a reference definition '[x]: ', up to the
# first '#', ')', '>' or space.
_LINK_TARGET = re.compile(r"(\]\(\s*<?|^ {0,3}\[[^\]]+\]:[ \t]*<?)([^\s)#>]+)", re.MULTILINE)


def _relink(course, moves, author_id):
    """Point the links in the course's text files at the files' new paths: renumbering modules
    would otherwise break every link to them. Each file changed gets a revision of its own;
    the rest of its bytes stay as they were."""
    for path, content in store.live_files(course).items():
        if paths.kind_of(path) == "media":
            continue
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            continue  # unreadable: the checker says so
        relinked = _relinked(text, "../" if paths.kind_of(path) == "session" else "", moves)
        if relinked != text:
            store.put(course, path, relinked.encode("utf-8"), author_id,
                      "links updated to renamed files")  # fmt: skip


def _relinked(text, up, moves):
    """`text` with its links to moved files changed; `up` is the way from the file's folder to
    the course folder ('../' from sessions/)."""

    def follow(match):
        target = match.group(2)
        if not target.startswith(up) or target[len(up) :] not in moves:
            return match.group(0)
        return match.group(1) + up + moves[target[len(up) :]]

    return _LINK_TARGET.sub(follow, text)


def course_domains(course):
    """The training domains course.md names (the IC&RC ones when it names none)."""
    return checking.domains_in(store.live_files(course).get(paths.COURSE_FILE, b""))


def _add_unit(course, kind, title, author_id):
    path = paths.new_unit_path(kind, title, store.live_files(course))
    _refuse_taken(course, path)
    domain = course_domains(course)[0]
    make = templates.session_file if kind == "session" else templates.module_file
    return store.put(course, path, _utf8(make(title.strip(), domain)), author_id, "created")


def _utf8(text):
    if not isinstance(text, str):
        raise WorkspaceError("a file's text must be text")
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise WorkspaceError("the text holds characters that are not valid Unicode") from None


def _live(course, path):
    draft = store.file_at(course, path)
    if draft is None or draft.deleted_at is not None:
        raise WorkspaceError(f"there is no file {path} in this course")
    return draft


def _refuse_taken(course, path):
    draft = store.file_at(course, path)
    if draft is None:
        return
    if draft.deleted_at is None:
        raise WorkspaceError(f"{path} already exists in this course: choose another name")
    raise WorkspaceError(
        f"{path} is the name of a deleted file: restore that one, or choose another name"
    )


def _moved_on(draft, base_revision):
    """Did someone else change the file since the editor read revision `base_revision`?"""
    if base_revision is None:
        return draft.deleted_at is None  # a new file, but someone made it meanwhile
    return draft.revision != base_revision


def _revision_text(draft, number):
    revision = store.revision_of(draft, number) if number is not None else None
    if revision is None or revision.content is None:
        return None
    return revision.content.decode("utf-8", "replace")


def _version(draft):
    """The file as it is now, for a Conflict."""
    latest = store.revision_of(draft, draft.revision)
    author = db.session.get(User, latest.author_id) if latest.author_id else None
    text = None if draft.deleted_at else draft.content.decode("utf-8", "replace")
    return Version(text, draft.revision, author.name if author else None, latest.created_at)


def add_image(course, name, data, author_id=None):
    """Keep the image `data` (bytes) as media/<name>: checked by images.check first (ImageRefused
    says what to fix, and nothing is written); an image already there by that name gets a new
    revision. Returns the DraftFile."""
    images.check(name, data)
    path = f"{paths.MEDIA_FOLDER}/{name}"
    with store.transaction():
        return store.put(course, path, data, author_id, "image uploaded")


@dataclass(frozen=True)
class CourseSummary:
    """One draft course in the workspace's list."""

    slug: str
    updated_at: object
    updated_by: str | None  # who made the last change, when known
    published_at: object


def course_summaries():
    """Every draft course, most recently changed first, with who changed it last."""
    latest = (
        select(DraftFile.course_id, func.max(DraftFile.updated_at).label("at"))
        .group_by(DraftFile.course_id)
        .subquery()
    )
    rows = db.session.execute(
        select(DraftCourse, User.name)
        .outerjoin(latest, latest.c.course_id == DraftCourse.id)
        .outerjoin(
            DraftFile,
            (DraftFile.course_id == DraftCourse.id) & (DraftFile.updated_at == latest.c.at),
        )
        .outerjoin(User, User.id == DraftFile.updated_by_id)
        .order_by(DraftCourse.updated_at.desc(), DraftCourse.slug)
    )
    seen, summaries = set(), []
    for course, name in rows:
        if course.id in seen:
            continue
        seen.add(course.id)
        summaries.append(CourseSummary(course.slug, course.updated_at, name, course.published_at))
    return summaries


def course_files(course):
    """{kind: [DraftFile]} of the course's live files, modules and sessions in their order."""
    found = {"course": [], "ethics": [], "module": [], "session": [], "media": []}
    for draft in db.session.scalars(
        select(DraftFile)
        .where(DraftFile.course_id == course.id, DraftFile.deleted_at.is_(None))
        .order_by(DraftFile.path)
    ):
        kind = paths.kind_of(draft.path)
        if kind in found:
            found[kind].append(draft)
    return found


def deleted_files(course):
    """The course's deleted files (they can be restored from their history), by path."""
    return list(
        db.session.scalars(
            select(DraftFile)
            .where(DraftFile.course_id == course.id, DraftFile.deleted_at.is_not(None))
            .order_by(DraftFile.path)
        )
    )
