"""Checking a draft course with the same reader as a course folder on disk: the draft's files are
written to a temporary folder laid out like courses/<slug>/ and read by load_courses, so the
editor shows exactly the problems a sync would, located as "<slug>/03-x.md:12"."""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from ...content import ce as continuing_education
from ...content import domains as training_domains
from ...content import frontmatter
from ...content.loader import load_courses
from ...content.model import SortsProblems
from ...extensions import db
from ...models import Course, DraftCourse, DraftFile
from . import paths, store

# What stands in for the course's other modules and sessions when one file is checked as it is
# typed: valid, tiny, and named like the files they replace, so links, numbers and slugs resolve
# as in the full course while only the file being typed is read in full.
_MODULE_STAND_IN = (
    "---\ntitle: Stand-in\nminutes: 1\ndomain: {domain}\nobjectives: [stand-in]\n---\n\n"
    "Stand-in.\n\n## Quiz\n\n### Stand-in?\n\n- [x] Yes\n- [ ] No\n"
)
_SESSION_STAND_IN = (
    "---\ntitle: Stand-in\nminutes: 1\ndomain: {domain}\nobjectives: [stand-in]\n---\n\nStand-in.\n"
)


@dataclass(frozen=True)
class CheckResult(SortsProblems):
    problems: list  # [Problem], located "<slug>/<path>"
    course: object  # the content Course when it has no errors, else None


@dataclass(frozen=True)
class TypedResult(CheckResult):
    elsewhere: list = ()  # [Problem]: the errors of the course's other files


@contextmanager
def materialized(course, files=None):
    """A temporary course folder <tmp>/<slug>/ holding the draft's live files (or `files`,
    {path: bytes}), removed afterwards; yields its Path."""
    files = store.live_files(course) if files is None else files
    with tempfile.TemporaryDirectory(prefix="lms-draft-") as temporary:
        folder = Path(temporary) / course.slug
        folder.mkdir()
        write(folder, files)
        yield folder


def write(folder, files):
    """Write {path: bytes} under `folder`; paths outside the course layout are left out."""
    for path, content in files.items():
        if paths.kind_of(path) is None or ".." in path.split("/"):
            continue
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def check_course(course, files=None):
    """Every problem of the draft course (errors and warnings), as a sync would report them.
    `files`: its live files ({path: bytes}) when the caller has read them already."""
    known = known_categories(course.slug)
    with materialized(course, files) as folder:
        result = load_courses(folder, course.slug, known)
    return CheckResult(result.problems, result.courses[0] if result.courses else None)


def check_file(course, path, text):
    """The problems of one file given its unsaved `text`, in the context of the course's other
    saved files: fast enough to follow typing. A module or live session is read in full with
    the course's other modules and sessions as stand-ins; any other file means the whole
    course."""
    return check_typed(course, path, text).problems


def check_typed(course, path, text):
    """check_file's problems and, read in the same pass, the content Course (None when it has
    errors) with `text` in place of the file at `path`: what the editor previews. Its other
    modules and sessions are stand-ins when `path` is a module or session."""
    paths.check_path(path)
    files = dict(store.live_files(course))
    files[path] = text.encode("utf-8", "surrogatepass")
    if paths.kind_of(path) in ("module", "session"):
        domain = domains_in(files.get(paths.COURSE_FILE, b""))[0]
        for other in list(files):
            kind = paths.kind_of(other)
            if other != path and kind in ("module", "session"):
                stand_in = _MODULE_STAND_IN if kind == "module" else _SESSION_STAND_IN
                files[other] = stand_in.format(domain=domain).encode("utf-8")
    shown = f"{course.slug}/{path}"
    with materialized(course, files) as folder:
        result = load_courses(folder, course.slug, known_categories(course.slug))
    problems = [p for p in result.problems if p.path == shown]
    loaded = result.courses[0] if result.courses and not result.errors else None
    return TypedResult(problems, loaded, [p for p in result.errors if p.path != shown])


def domains_in(course_md):
    """The training domains a course.md (bytes) names; the IC&RC ones if none or unreadable."""
    values = frontmatter.split(course_md.decode("utf-8", "replace")).values or {}
    domains, _ = training_domains.course_domains(values.get("domains"))
    return domains


def known_categories(except_slug=None):
    """The CE categories that the renewal rules of the published courses and of the draft
    courses name, other than the course `except_slug` (read with its own files)."""
    renewals = [
        renewal
        for slug, renewal in db.session.execute(
            select(Course.slug, Course.renewal).where(Course.retired_at.is_(None))
        )
        if slug != except_slug
    ]
    drafts = db.session.execute(
        select(DraftCourse.slug, DraftFile.content)
        .join(DraftFile, DraftFile.course_id == DraftCourse.id)
        .where(DraftFile.path == paths.COURSE_FILE, DraftFile.deleted_at.is_(None))
    )
    renewals += [_renewal(content) for slug, content in drafts if slug != except_slug]
    return continuing_education.union_of_categories(r for r in renewals if r)


def _renewal(course_md):
    """course.md's `certificate: renewal:` as plain values ({} when absent or unreadable)."""
    values = frontmatter.split(course_md.decode("utf-8", "replace")).values or {}
    certificate = _plain(values.get("certificate"))
    renewal = certificate.get("renewal") if isinstance(certificate, dict) else None
    if not isinstance(renewal, dict):
        return {}
    listed = renewal.get("categories")
    minimum = renewal.get("minimum")
    return {
        "categories": [c for c in listed if isinstance(c, str)] if isinstance(listed, list) else [],
        "minimum": {k: v for k, v in minimum.items()} if isinstance(minimum, dict) else {},
    }


def _plain(located):
    value = getattr(located, "value", located)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
