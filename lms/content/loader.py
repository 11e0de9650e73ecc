"""A course folder on disk -> Course values, and every problem found, located by file and line."""

from __future__ import annotations

import hashlib
from pathlib import Path

from . import ce as continuing_education
from . import domains as training_domains
from . import items as item_writing
from . import media as media_files
from . import module_reading
from . import renewal as course_renewal
from . import sessions as live_sessions
from .files import (
    ETHICS_FILE,
    MODULE_FILE,
    SLUG,
    SLUG_LENGTH,
    TITLE_LENGTH,
    CourseFileReader,
    digest,
)
from .frontmatter import Field
from .model import Course, LoadResult, MediaFile, Problem

DEFAULT_PASS_MARK = 80


def course_schema(domains):
    """course.md's keys; training hours are required by domain, so the schema depends on the
    course's domains."""
    return {
        "title": Field("text", required=True, max_length=TITLE_LENGTH),
        "summary": Field("text", required=True),
        "pass_mark": Field("int", minimum=1, maximum=100),
        "review": Field("choice", choices=module_reading.REVIEW_MODES),
        "certificate": Field(
            "mapping",
            required=True,
            children={
                "title": Field("text", required=True, max_length=TITLE_LENGTH),
                "valid_for_months": Field("int", required=True, minimum=1, maximum=120),
                "requires": Field(
                    "mapping",
                    children={
                        "code_of_ethics": Field("bool"),
                        # Approved practice hours of both kinds together (kept from before
                        # kinds).
                        "supervised_hours": Field("int", minimum=1, maximum=2000),
                        "work_hours": Field("int", minimum=1, maximum=5000),
                        "supervision_hours": Field("int", minimum=1, maximum=2000),
                        "training_hours": training_domains.training_hours_field(domains),
                        # live sessions to attend, and those whose skills checklist must be
                        # complete (slugs of the course's sessions)
                        "sessions": Field("list"),
                        "skills_checklists": Field("list"),
                    },
                ),
                "renewal": course_renewal.RENEWAL_FIELD,
            },
        ),
        "domains": Field("list"),
    }


def load_courses(root, shown=None, known_categories=()):
    """Read a courses folder (or a single course folder) without touching any database.

    `known_categories`: CE categories that courses not read here name in their renewal rules, so
    a module may use them too (the workspace checks one course against the published ones)."""
    root = Path(root)
    shown = shown if shown is not None else str(root)
    result = LoadResult()
    if not root.is_dir():
        result.problems.append(Problem(shown, None, "there is no folder here: check the path"))
        return result
    if _is_course_folder(root):
        folders = [(root, shown)]
    else:
        folders = [
            (path, f"{shown}/{path.name}")
            for path in sorted(root.iterdir())
            if path.is_dir() and not path.name.startswith((".", "_"))
        ]
        if not folders:
            result.problems.append(
                Problem(
                    shown, None, "no course folders here: a course is a folder with a course.md"
                )
            )
    read, renewals = [], []
    for folder, folder_shown in folders:
        start = len(result.problems)
        reader = _CourseReader(folder, folder_shown, result.problems)
        course = reader.read()
        if course is not None:
            result.courses.append(course)
            read.append((course, folder_shown))
        renewals.append(reader.renewal)
        result.problems[start:] = _in_file_order(result.problems[start:])
    # A module's CE category must be named by a renewal rule of some course read here (or known).
    # A rule counts once its course.md reads well, even when a module of that course has a
    # problem: that problem is reported in its own file, not again as every CE module's category.
    named = continuing_education.union_of_categories(renewals)
    known = tuple(dict.fromkeys([*named, *known_categories]))
    result.problems += [Problem(*p) for p in continuing_education.category_problems(read, known)]
    return result


def _is_course_folder(path):
    """A course folder has a course.md; one that lost it still has module files."""
    return (path / "course.md").is_file() or any(
        MODULE_FILE.match(child.name) for child in path.glob("*.md")
    )


def _in_file_order(problems):
    """Problems grouped by file (in the order the files were read), then by line."""
    order = {}
    for problem in problems:
        order.setdefault(problem.path, len(order))
    return sorted(problems, key=lambda p: (order[p.path], p.line or 0))


class _CourseReader(module_reading.ModuleReading, live_sessions.SessionReading, CourseFileReader):
    """One course folder: course.md, code of ethics, media, and (in the ModuleReading part) its
    modules and (in the SessionReading part) its live sessions."""

    def read(self):
        slug = self.folder.name
        if len(slug) > SLUG_LENGTH:
            self.error(
                self.shown, None,
                f"course folder name is {len(slug)} characters long; the limit is "
                f"{SLUG_LENGTH}: choose a shorter one",
            )  # fmt: skip
        elif not SLUG.match(slug):
            self.error(
                self.shown, None,
                f"course folder name '{slug}' is not a slug: use lowercase letters, digits "
                "and hyphens, for example 'peer-support-foundations'",
            )  # fmt: skip
        self.media = self._media()
        # None until course.md is read: a course.md that cannot be read names no domains, and
        # each module's own are then taken as given rather than judged against the default.
        self.domains = None
        self.module_files = self._module_files()
        self.ethics = None
        self.renewal = None  # course.md's renewal rule ({} for none) once it reads with no error
        self.training_hours_lines = {}
        self.certificate_lines = {}
        settings, overview, overview_media = self._course_file()
        pass_mark = (settings or {}).get("pass_mark") or DEFAULT_PASS_MARK
        review = (settings or {}).get("review") or "always"
        self.requires_lines = {}
        modules = []
        for number, module_slug, path in self.module_files:
            module = self._module(number, module_slug, path, pass_mark, review)
            if module is not None:
                modules.append(module)
        self._check_requirement_cycles(modules)
        select_all = item_writing.select_all_warning(
            [(f"{self.shown}/{m.file_name}", q) for m in modules for q in m.questions]
        )
        if select_all:
            self.warn(*select_all)
        sessions = self._sessions()
        self._check_anchors()
        self._unlinked_media_problems()
        if self.failed:
            return None
        certificate = settings["certificate"]
        requires = certificate.get("requires") or {}
        training_hours = requires.get("training_hours") or {}
        self._check_certificate_sessions(requires, sessions)
        self._check_training_hours(training_hours, modules, sessions)
        if self.failed:
            return None
        hashed = {
            "settings": {k: v for k, v in settings.items() if k != "certificate"},
            "certificate": certificate,
            "overview": overview,
            "ethics": self.ethics,
            "media": {name: self.media[name].sha256 for name in overview_media},
            "modules": [[m.number, m.slug, m.content_hash] for m in modules],
        }
        if sessions:
            # only a course with sessions hashes them, so adding the feature changed no hash
            hashed["sessions"] = [[s.number, s.slug, s.content_hash] for s in sessions]
        course_hash = digest(hashed)
        return Course(
            slug=slug,
            path=self.folder,
            title=settings["title"],
            summary=settings["summary"],
            pass_mark=pass_mark,
            certificate_title=certificate["title"],
            certificate_valid_for_months=certificate["valid_for_months"],
            overview=overview,
            ethics=self.ethics,
            supervised_hours=(certificate.get("requires") or {}).get("supervised_hours") or 0,
            work_hours=(certificate.get("requires") or {}).get("work_hours") or 0,
            supervision_hours=(certificate.get("requires") or {}).get("supervision_hours") or 0,
            domains=self.domains,
            training_hours=training_hours,
            sessions=tuple(sessions),
            required_sessions=live_sessions.required_sessions(
                requires.get("sessions") or (), requires.get("skills_checklists") or ()
            ),
            required_checklists=tuple(dict.fromkeys(requires.get("skills_checklists") or ())),
            renewal=course_renewal.published(certificate),
            modules=tuple(modules),
            media=tuple(self.media.values()),
            content_hash=course_hash,
        )

    def _media(self):
        """{name: MediaFile} of media/, each file's problems kept in `media_problems` to be
        reported where it is linked (or at the file, once every file is read, if nowhere)."""
        media_dir = self.folder / "media"
        found = {}
        self.media_problems = {}
        if media_dir.is_dir():
            for path in sorted(media_dir.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    name = path.relative_to(self.folder).as_posix()
                    data = path.read_bytes()
                    sha256 = hashlib.sha256(data).hexdigest()
                    found[name] = MediaFile(name=name, path=path, sha256=sha256)
                    problems = media_files.problems(name, data)
                    if problems:
                        self.media_problems[name] = problems
        return found

    def _unlinked_media_problems(self):
        """A media file that nothing links is published all the same: report its problems at
        the file itself."""
        for name, problems in self.media_problems.items():
            if name not in self.media_linked:
                for is_warning, message in problems:
                    (self.warn if is_warning else self.error)(f"{self.shown}/{name}", None, message)

    def _course_file(self):
        path = self.folder / "course.md"
        shown = f"{self.shown}/course.md"
        if not path.is_file():
            self.error(shown, None, "missing: every course folder needs a course.md")
            return None, "", []
        text = self._read(path, shown)
        if text is None:
            return None, "", []
        fm = self._front_matter(text, shown, course_schema, self._course_domains)
        if fm is None:
            return None, "", []
        settings, body, body_line, located = fm
        self.anchor_texts["course.md"] = body.strip()
        used_media = self._check_links(body.split("\n"), body_line, shown)
        self.ethics = self._ethics(settings, located, shown)
        for line, message in course_renewal.problems(settings.get("certificate"), located):
            self.error(shown, line, message)
        if not any(p.path == shown and not p.warning for p in self.problems):
            self.renewal = course_renewal.published(settings.get("certificate"))
        self.training_hours_lines = _lines(located, "certificate", "requires", "training_hours")
        self.certificate_lines = _lines(located, "certificate", "requires")
        return settings, body.strip(), used_media

    def _ethics(self, settings, located, shown):
        """The code of ethics text when the certificate requires a signature, else None."""
        requires = (settings.get("certificate") or {}).get("requires") or {}
        if not requires.get("code_of_ethics"):
            return None
        path = self.folder / ETHICS_FILE
        if not path.is_file():
            line = located["certificate"].value["requires"].value["code_of_ethics"].line
            self.error(
                shown, line,
                f"the certificate requires a signed code of ethics, but {ETHICS_FILE} is not in "
                "this course folder: add it (plain Markdown, the text trainees sign)",
            )  # fmt: skip
            return None
        ethics_shown = f"{self.shown}/{ETHICS_FILE}"
        text = self._read(path, ethics_shown)
        if text is None:
            return None
        if not text.strip():
            self.error(ethics_shown, 1, "the code of ethics is empty: write the text trainees sign")
            return None
        self.anchor_texts[ETHICS_FILE] = text.strip()
        self._check_links(text.split("\n"), 1, ethics_shown)
        return text.strip()

    def _course_domains(self, located, shown):
        domains, problems = training_domains.course_domains(located.get("domains"))
        for line, message in problems:
            self.error(shown, line, message)
        self.domains = domains

    def _check_training_hours(self, required, modules, sessions):
        """Can the modules and live sessions add up to the training hours the certificate
        requires?"""
        if not required:
            return
        shown = f"{self.shown}/course.md"
        lines = self.training_hours_lines
        problems = training_domains.shortfalls(
            required,
            _minutes_by_domain(modules),
            self.domains,
            _minutes_by_domain(sessions) if sessions else None,
        )
        for key, message in problems:
            self.error(shown, lines.get(key), message)


def _lines(located, *keys):
    """{key: line} of the mapping found under `keys` in located front matter ({} if none)."""
    for key in keys:
        item = located.get(key) if isinstance(located, dict) else None
        if item is None or not isinstance(item.value, dict):
            return {}
        located = item.value
    return {key: item.line for key, item in located.items()}


def _minutes_by_domain(units):
    """{domain: minutes} added up over modules or live sessions."""
    sums = {}
    for unit in units:
        for domain, minutes in unit.domain_minutes.items():
            sums[domain] = sums.get(domain, 0) + minutes
    return sums
