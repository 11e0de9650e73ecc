"""Where a file may sit in a draft course (the layout of a course folder), and names made from
titles: the slug of a new course, module or session and its next NN- number."""

from __future__ import annotations

import re
import unicodedata

from ...content.files import ETHICS_FILE, MODULE_FILE, SLUG, SLUG_LENGTH
from ...content.module_reading import RESERVED_SLUGS
from ...content.sessions import SESSIONS_FOLDER
from . import images
from .errors import WorkspaceError

COURSE_FILE = "course.md"
MEDIA_FOLDER = "media"
PATH_LENGTH = 200  # below the 255 of the path columns, leaving room while files move
LAYOUT = (
    "course.md, code-of-ethics.md, a module NN-slug.md, a live session sessions/NN-slug.md "
    "or an image media/<name>"
)


def check_path(path):
    """The path, if a draft course may hold a file there; else WorkspaceError saying why."""
    if not isinstance(path, str) or not path:
        raise WorkspaceError("give the file a name")
    if path.startswith("/") or "\\" in path or ".." in path.split("/") or "" in path.split("/"):
        raise WorkspaceError(
            f"'{path}' is not a path inside the course: no leading '/', no '..', no '\\' and "
            "no empty parts"
        )
    if len(path) > PATH_LENGTH:
        raise WorkspaceError(f"the path is {len(path)} characters long; the limit is {PATH_LENGTH}")
    if kind_of(path) is None:
        raise WorkspaceError(f"'{path}' is not where a course keeps a file: use {LAYOUT}")
    return path


def kind_of(path):
    """'course', 'ethics', 'module', 'session' or 'media' for a path in the layout, else None."""
    parts = path.split("/")
    if parts == [COURSE_FILE]:
        return "course"
    if parts == [ETHICS_FILE]:
        return "ethics"
    if len(parts) == 1 and MODULE_FILE.match(parts[0]):
        return "module"
    if len(parts) == 2 and parts[0] == SESSIONS_FOLDER and MODULE_FILE.match(parts[1]):
        return "session"
    if len(parts) == 2 and parts[0] == MEDIA_FOLDER and images.name_is_usable(parts[1]):
        return "media"
    return None


def number_and_slug(path):
    """(NN as an int, slug) of a module or session path."""
    match = MODULE_FILE.match(path.rsplit("/", 1)[-1])
    return int(match.group(1)), match.group(2)


def folder_of(kind):
    return f"{SESSIONS_FOLDER}/" if kind == "session" else ""


def check_course_slug(slug):
    if len(slug) > SLUG_LENGTH:
        raise WorkspaceError(
            f"the course's slug is {len(slug)} characters long; the limit is {SLUG_LENGTH}: "
            "choose a shorter one"
        )
    if not SLUG.match(slug):
        raise WorkspaceError(
            f"'{slug}' is not a slug: use lowercase letters, digits and hyphens, for example "
            "'peer-support-foundations'"
        )
    return slug


def slugify(title, limit=SLUG_LENGTH):
    """Lowercase words of the title joined by hyphens ('Boundaries & Care' -> 'boundaries-care')."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", plain.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug


def new_unit_path(kind, title, live_paths):
    """The path of a new module or session titled `title`: the next NN after the course's own,
    and the slugified title. Refuses a title with no letters or digits, a reserved slug, and a
    slug the course already uses for that kind."""
    slug = slugify(title)
    noun = "live session" if kind == "session" else "module"
    if not slug:
        raise WorkspaceError(f"give the {noun} a title with letters or digits")
    if kind == "module" and slug in RESERVED_SLUGS:
        raise WorkspaceError(
            f"a module cannot be called '{slug}': the course's {RESERVED_SLUGS[slug]} has that "
            "address; choose another title"
        )
    units = [number_and_slug(p) for p in live_paths if kind_of(p) == kind]
    for _, used in units:
        if used == slug:
            raise WorkspaceError(f"this course already has a {noun} '{slug}': choose another title")
    number = max((n for n, _ in units), default=0) + 1
    return f"{folder_of(kind)}{number:02d}-{slug}.md"
