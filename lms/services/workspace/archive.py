"""A draft course in and out as a zip of its course folder, laid out exactly as in courses/.

An export is deterministic (names sorted, fixed timestamps), so the same draft gives the same
bytes. An import is checked whole before anything is written (the zip itself, every entry's name
and kind, sizes counted as the bytes are unpacked, the course layout, the images, then the course
checker), and written in one transaction: a zip is imported entirely or not at all.
"""

from __future__ import annotations

import io
import re
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...content import limits
from ...content.files import SLUG, SLUG_LENGTH
from ...content.loader import load_courses
from ...content.sessions import SESSIONS_FOLDER
from ...extensions import db
from ...models import DraftCourse
from . import checking, images, paths, store
from .paths import LAYOUT, MEDIA_FOLDER, PATH_LENGTH

MAX_ZIP_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_TOTAL_BYTES = 50 * 1024 * 1024  # every file unpacked, counted as it is read
# One file unpacked: a Markdown file as the course checker allows it, an image as images.py does.
MAX_MARKDOWN_BYTES = limits.MAX_FILE_BYTES
MAX_IMAGE_BYTES = images.MAX_BYTES
# The earliest time a zip can hold: every exported entry has it, so exports compare byte for byte.
EXPORT_TIME = (1980, 1, 1, 0, 0, 0)
IMPORTED = "imported from a zip"
DELETED = "deleted by an import"
# What zip tools add on their own, skipped (never read): macOS Finder's resource forks, and
# hidden files and folders such as .DS_Store or a .git folder.
_TOOL_FOLDERS = {"__MACOSX"}
_DRIVE = re.compile(r"^[A-Za-z]:")
_READABLE = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError)


class ArchiveRefused(ValueError):
    """The zip cannot be imported; `problems` lists each thing to fix, most naming the entry."""

    def __init__(self, problems):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


# -- Export ------------------------------------------------------------------------------------


def export(course):
    """The zip (bytes) of the draft course's live files under "<slug>/", each file's bytes as
    stored: the same draft always gives the same bytes."""
    files = store.live_files(course)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(files):
            entry = zipfile.ZipInfo(f"{course.slug}/{path}", date_time=EXPORT_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # unix, so the mode below means the same everywhere
            entry.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(entry, files[path], compresslevel=9)
    return buffer.getvalue()


# -- Import ------------------------------------------------------------------------------------


def import_zip(data, author_id=None, slug=None):
    """Create a draft course from the zip `data` (bytes), or update the draft `slug` from it.

    The zip holds one course folder ("<slug>/course.md", ...) or a course's files at its top
    level (then `slug` must name the draft to update). Each new or changed file becomes a
    revision (note "imported from a zip"), each live file the zip lacks is deleted (note
    "deleted by an import"), an unchanged file is left as it is. Returns the DraftCourse,
    committed; raises ArchiveRefused, with nothing written, if anything is wrong."""
    entries = _entries(_open(data))
    folder, paths = _course_paths(entries, slug)
    try:
        course = _draft_to_write(folder, slug)
        files = _contents(entries, paths)
        errors = [p for p in course_problems(folder, files) if not p.warning]
        if errors:
            raise ArchiveRefused(
                [f"the course has {len(errors)} error{'s' if len(errors) != 1 else ''}: fix "
                 "them in the files and zip the folder again", *map(str, errors)]
            )  # fmt: skip
        if course is None:
            course = DraftCourse(slug=folder, created_by_id=author_id)
            db.session.add(course)
            db.session.flush()
        _write(course, files, author_id)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ArchiveRefused(
            f"someone else changed the draft course '{folder}' while this zip was being "
            "imported: import it again"
        ) from None
    except BaseException:
        db.session.rollback()
        raise
    return course


def _open(data):
    if len(data) > MAX_ZIP_BYTES:
        raise ArchiveRefused(
            f"the zip is {len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_ZIP_BYTES // 1024 // 1024} MB: leave out large images or make them smaller"
        )
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (*_READABLE, NotImplementedError):
        raise ArchiveRefused(
            "this file is not a zip (or it is damaged): export the course again, or zip the "
            "course folder"
        ) from None


def _entries(archive):
    """[(ZipInfo, parts of its name)] of the files to read; ArchiveRefused listing every entry
    that is unsafe or cannot be read."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ArchiveRefused(
            f"the zip holds {len(infos):,} entries; the limit is {MAX_ENTRIES:,}: {LAYOUT}, "
            "nothing else"
        )
    problems, files, seen = [], [], set()
    for info in infos:
        name = info.filename
        problem = _name_problem(name) or _kind_problem(info)
        if problem is None and name.rstrip("/") in seen:
            problem = "appears twice in the zip: keep one copy"
        seen.add(name.rstrip("/"))
        if problem is None and info.flag_bits & 0x1:
            problem = "is encrypted: zip the course again without a password"
        if problem is None and info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            problem = (
                "is compressed with a method this app does not read: zip the course again with "
                "the usual (deflate) compression"
            )
        if problem:
            problems.append(f"{name}: {problem}")
            continue
        parts = name.rstrip("/").split("/")
        if info.is_dir() or parts[0] in _TOOL_FOLDERS or any(p.startswith(".") for p in parts):
            continue
        files.append((info, parts))
    if problems:
        raise ArchiveRefused(problems)
    if not files:
        raise ArchiveRefused(f"the zip holds no files: {LAYOUT}")
    return archive, files


def _name_problem(name):
    if not name or name == "/":
        return "has no name: make the zip again"
    if "\\" in name:
        return (
            "the path holds a backslash ('\\'): make the zip with a tool that separates folders "
            "with '/'"
        )
    if name.startswith("/"):
        return "the path is absolute (it starts with '/'): zip the course folder itself"
    if _DRIVE.match(name):
        return "the path starts with a drive letter: zip the course folder itself"
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        return "the path holds '..', which leads outside the course folder: remove this entry"
    if "" in parts or "." in parts:
        return "the path has an empty part or a '.' part: make the zip again"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "the path holds a control character: rename the file"
    return None


def _kind_problem(info):
    """A file or a folder is all a course holds; the unix file type is in external_attr."""
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind == stat.S_IFLNK:
        return "is a symbolic link, which a course cannot hold: put the file itself in the zip"
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR) or (kind == stat.S_IFDIR and not info.is_dir()):
        return "is not a regular file or folder: remove it from the zip"
    return None


def _course_paths(entries, slug):
    """(the course's slug, {ZipInfo name: path inside the course}) from the entries' names."""
    _, files = entries
    tops = {parts[0] for _, parts in files}
    nested = all(len(parts) > 1 for _, parts in files)
    if nested and len(tops) == 1 and not tops & {SESSIONS_FOLDER, MEDIA_FOLDER}:
        folder = tops.pop()
        if slug is not None and folder != slug:
            raise ArchiveRefused(
                f"the zip holds the course folder '{folder}', not '{slug}': import it as a new "
                f"course, or rename the folder to '{slug}'"
            )
        paths = {info.filename: "/".join(parts[1:]) for info, parts in files}
    elif slug is None:
        raise ArchiveRefused(
            "the zip does not hold one course folder, so it does not say which course it is: "
            "zip the course folder itself (its name is the course's slug), or import the zip "
            "into the draft course it belongs to"
        )
    else:
        folder = slug
        paths = {info.filename: "/".join(parts) for info, parts in files}
    if len(folder) > SLUG_LENGTH or not SLUG.match(folder):
        raise ArchiveRefused(
            f"the course folder '{folder[:SLUG_LENGTH]}' is not a slug: name it with lowercase "
            f"letters, digits and hyphens, at most {SLUG_LENGTH} characters, for example "
            "'peer-support-foundations'"
        )
    problems = [
        f"{name}: {problem}" for name, path in paths.items() if (problem := _layout_problem(path))
    ]
    if problems:
        raise ArchiveRefused(problems)
    return folder, paths


def _layout_problem(path):
    if len(path) > PATH_LENGTH:
        return f"the path is {len(path)} characters long; the limit is {PATH_LENGTH}: shorten it"
    parts = path.split("/")
    if len(parts) == 2 and parts[0] == MEDIA_FOLDER:
        try:
            images.check_name(parts[1])  # its message says what is wrong with the name
        except images.ImageRefused as refused:
            return str(refused)
    if paths.kind_of(path) is None:
        return f"is not where a course keeps a file: {LAYOUT}"
    return None


def _contents(entries, paths):
    """{path: bytes} of every file, unpacked with a bounded read (the sizes a zip's headers claim
    are never trusted), each Markdown file UTF-8 and each image one images.py accepts."""
    archive, files = entries
    problems, contents, total = [], {}, 0
    for info, _ in files:
        path = paths[info.filename]
        is_image = path.startswith(f"{MEDIA_FOLDER}/")
        limit = MAX_IMAGE_BYTES if is_image else MAX_MARKDOWN_BYTES
        try:
            with archive.open(info) as member:
                data = member.read(limit + 1)
        except _READABLE as error:
            problems.append(f"{info.filename}: cannot be unpacked ({error}): make the zip again")
            continue
        total += len(data)
        if total > MAX_TOTAL_BYTES:
            problems.append(
                f"the files add up to more than {MAX_TOTAL_BYTES // 1024 // 1024} MB unpacked "
                f"(the limit), by {info.filename}: leave out large images or make them smaller"
            )
            break
        if len(data) > limit:
            problems.append(f"{info.filename}: {_too_big(is_image, limit)}")
            continue
        problem = _image_problem(path, data) if is_image else _text_problem(data)
        if problem:
            problems.append(f"{info.filename}: {problem}")
            continue
        contents[path] = data
    if problems:
        raise ArchiveRefused(problems)
    return contents


def _too_big(is_image, limit):
    if is_image:
        return (
            f"the image is larger than {limit // 1024 // 1024} MB, the limit: save a smaller "
            "copy (fewer pixels, or JPEG or WebP for a photo)"
        )
    return (
        f"the file is larger than {limit:,} bytes, the limit for a course file: split it into "
        "two modules"
    )


def _image_problem(path, data):
    try:
        images.check(path.rsplit("/", 1)[1], data)
    except images.ImageRefused as refused:
        return str(refused)
    return None


def _text_problem(data):
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return f"line {line} is not UTF-8 (byte 0x{data[error.start]:02x}): save the file as UTF-8"
    return None


# -- The course checker ------------------------------------------------------------------------


def course_problems(slug, files):
    """Every problem the course checker finds in the course `slug` made of `files` ({path:
    bytes}), located as "<slug>/03-x.md:12". A module's CE category may be one named by a
    renewal rule of any published course or other draft course, besides this course's own."""
    with tempfile.TemporaryDirectory(prefix="lms-import-") as root:
        folder = Path(root) / slug
        for path, content in files.items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        known = checking.known_categories(except_slug=slug)
        return load_courses(folder, shown=slug, known_categories=known).problems


def _draft_to_write(folder, slug):
    """The draft course an update writes to, locked until the import commits (so two imports of
    one course take turns); None for a new course."""
    course = db.session.scalar(
        select(DraftCourse).where(DraftCourse.slug == folder).with_for_update()
    )
    if slug is not None and course is None:
        raise ArchiveRefused(f"there is no draft course '{slug}' to update")
    if slug is None and course is not None:
        raise ArchiveRefused(
            f"a draft course '{folder}' is already in the workspace: import the zip into that "
            "course to update it, or rename the folder in the zip to make a new course"
        )
    return course


def _write(course, files, author_id):
    live = store.live_files(course)
    for path in sorted(files):
        if live.get(path) != files[path]:
            store.put(course, path, files[path], author_id, IMPORTED)
    for path in sorted(set(live) - set(files)):
        store.remove(course, path, author_id, DELETED)
