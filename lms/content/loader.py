"""A course folder on disk -> Course values, and every problem found, located by file and line."""

from __future__ import annotations

import difflib
import hashlib
from pathlib import Path

from . import ce as continuing_education
from . import domains as training_domains
from . import items as item_writing
from . import renewal as course_renewal
from . import sessions as live_sessions
from .files import MODULE_FILE, SLUG, SLUG_LENGTH, CourseFileReader, digest
from .frontmatter import Field
from .model import Course, LoadResult, MediaFile, Module, Problem
from .quiz import find_quiz_heading_typo, parse_quiz, split_lesson
from .timing import Estimate

# A course's code of ethics, which trainees sign when certificate: requires: code_of_ethics is set.
ETHICS_FILE = "code-of-ethics.md"
IGNORED_FILES = {"course.md", "readme.md", ETHICS_FILE}
# Addresses under /courses/<course>/ that the app uses itself, so no module may take them.
RESERVED_SLUGS = {"ethics": "code of ethics"}
DEFAULT_PASS_MARK = 80
# When a trainee sees the explanations: after every attempt, or only once they have passed.
REVIEW_MODES = ("always", "after_pass")

TITLE_LENGTH = 200  # the size of the title columns


def course_schema(domains):
    """course.md's keys; training hours are required by domain, so the schema depends on the
    course's domains."""
    return {
        "title": Field("text", required=True, max_length=TITLE_LENGTH),
        "summary": Field("text", required=True),
        "pass_mark": Field("int", minimum=1, maximum=100),
        "review": Field("choice", choices=REVIEW_MODES),
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


MODULE_SCHEMA = {
    "title": Field("text", required=True, max_length=TITLE_LENGTH),
    "minutes": training_domains.MODULE_MINUTES,
    "objectives": Field("list", required=True),
    # "domain" or "domains": module_schema() adds them for the course's domains
    "pass_mark": Field("int", minimum=1, maximum=100),
    "max_attempts": Field("int", minimum=1, maximum=1000),
    "retry_after_minutes": Field("int", minimum=0, maximum=525_600),  # a year
    "wait_after_failures": Field("int", minimum=1, maximum=1000),
    "draw": Field("int", minimum=1, maximum=1000),
    "review": Field("choice", choices=REVIEW_MODES),
    "requires": Field("list"),
    "ce": continuing_education.FIELD,
}


def module_schema(domains):
    return {**MODULE_SCHEMA, **training_domains.module_fields(domains)}


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
    read = []
    for folder, folder_shown in folders:
        start = len(result.problems)
        course = _CourseReader(folder, folder_shown, result.problems).read()
        if course is not None:
            result.courses.append(course)
            read.append((course, folder_shown))
        result.problems[start:] = _in_file_order(result.problems[start:])
    # A module's CE category must be named by a renewal rule of some course read here (or known).
    result.problems += [
        Problem(*p) for p in continuing_education.category_problems(read, known_categories)
    ]
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


class _CourseReader(live_sessions.SessionReading, CourseFileReader):
    """One course folder: course.md, its modules, code of ethics, media and (in the
    SessionReading part) its live sessions."""

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
        self.domains = training_domains.DEFAULT_DOMAINS  # until course.md names its own
        self.module_files = self._module_files()
        self.ethics = None
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
        media_dir = self.folder / "media"
        found = {}
        if media_dir.is_dir():
            for path in sorted(media_dir.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    name = path.relative_to(self.folder).as_posix()
                    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
                    found[name] = MediaFile(name=name, path=path, sha256=sha256)
        return found

    def _module_files(self):
        files = []
        numbers, slugs = {}, {}
        self.module_names = {"course.md"}  # what a link may point at, duplicates included
        for path in sorted(self.folder.glob("*.md")):
            if path.name.lower() in IGNORED_FILES or path.name.startswith("."):
                continue
            shown = f"{self.shown}/{path.name}"
            match = MODULE_FILE.match(path.name)
            if not match:
                self.error(
                    shown, None,
                    "a module file is named NN-slug.md: a number, a hyphen, then lowercase "
                    "words joined by hyphens (for example 03-boundaries.md)",
                )  # fmt: skip
                continue
            number, slug = int(match.group(1)), match.group(2)
            self.module_names.add(path.name)
            if len(slug) > SLUG_LENGTH:
                self.error(
                    shown, None,
                    f"the module's slug is {len(slug)} characters long; the limit is "
                    f"{SLUG_LENGTH}: choose a shorter file name",
                )  # fmt: skip
            elif slug in RESERVED_SLUGS:
                self.error(
                    shown, None,
                    f"'{slug}' cannot be a module slug: the course's page at that address is "
                    f"its {RESERVED_SLUGS[slug]}; choose another name",
                )  # fmt: skip
            elif number in numbers:
                self.error(shown, None, f"module number {number} is also used by {numbers[number]}")
            elif slug in slugs:
                self.error(shown, None, f"module slug '{slug}' is also used by {slugs[slug]}")
            else:
                files.append((number, slug, path))
            numbers.setdefault(number, path.name)
            slugs.setdefault(slug, path.name)
        if not files and not self.failed:
            self.error(
                self.shown, None,
                "this course has no modules: add files named like 01-introduction.md",
            )  # fmt: skip
        return files

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
        used_media = self._check_links(body.split("\n"), body_line, shown)
        self.ethics = self._ethics(settings, located, shown)
        for line, message in course_renewal.problems(settings.get("certificate"), located):
            self.error(shown, line, message)
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
        self._check_links(text.split("\n"), 1, ethics_shown)
        return text.strip()

    def _module(self, number, slug, path, course_pass_mark, course_review):
        shown = f"{self.shown}/{path.name}"
        text = self._read(path, shown)
        if text is None:
            return None
        fm = self._front_matter(text, shown, module_schema)
        if fm is None:
            return None
        settings, body, body_line, located = fm
        split, problems = training_domains.module_split(settings, located, self.domains)
        for line, message in problems:
            self.error(shown, line, message)
        ce, problems = continuing_education.module_ce(settings, located)
        for line, message in problems:
            self.error(shown, line, message)
        key_lines = {key: value.line for key, value in located.items()}
        requires = self._requires(settings.get("requires", ()), slug, shown, key_lines)
        lesson_lines, quiz_index = split_lesson(body)
        if quiz_index is None:
            typo = find_quiz_heading_typo(lesson_lines)
            if typo is not None:
                written = lesson_lines[typo].strip()
                self.error(
                    shown, body_line + typo,
                    f"the quiz heading must be '## Quiz' (two #), not '{written}'",
                )  # fmt: skip
            else:
                self.error(
                    shown, _last_line(lesson_lines, body_line),
                    "this module has no quiz: add a '## Quiz' section at the end",
                )  # fmt: skip
            questions = []
        else:
            quiz_lines = body.split("\n")[quiz_index + 1 :]
            questions, quiz_problems = parse_quiz(quiz_lines, body_line + quiz_index + 1)
            for line, message, is_warning in quiz_problems:
                (self.warn if is_warning else self.error)(shown, line, message)
            sentences = item_writing.lesson_sentences("\n".join(lesson_lines))
            for question in questions:
                for line, message in item_writing.question_warnings(question, sentences):
                    self.warn(shown, line, message)
            if not questions and not any(not w for _, _, w in quiz_problems):
                self.error(
                    shown, body_line + quiz_index,
                    "the quiz has no questions: add '### ' question headings under '## Quiz'",
                )  # fmt: skip
        draw = settings.get("draw")
        if draw is not None and questions and draw > len(questions):
            self.error(
                shown, key_lines.get("draw"),
                f"draw: {draw} asks for more questions than the quiz has ({len(questions)}): "
                f"lower it, or add questions",
            )  # fmt: skip
        if settings.get("wait_after_failures") and not settings.get("retry_after_minutes"):
            self.error(
                shown, key_lines.get("wait_after_failures"),
                "wait_after_failures needs retry_after_minutes: how long the wait is",
            )  # fmt: skip
        if questions and isinstance(settings.get("minutes"), int):
            shown_count = min(draw or len(questions), len(questions))
            overclaim = Estimate(lesson_lines, shown_count).overclaim(settings["minutes"])
            if overclaim:
                self.warn(shown, key_lines.get("minutes"), overclaim)
        used_media = self._check_links(body.split("\n"), body_line, shown)
        if self.failed:
            return None
        lesson = "\n".join(lesson_lines).strip()
        values = {
            "title": settings["title"],
            "minutes": settings["minutes"],
            "domain": training_domains.primary_domain(split),
            "objectives": settings["objectives"],
            "pass_mark": settings.get("pass_mark") or course_pass_mark,
            "max_attempts": settings.get("max_attempts"),
            "retry_after_minutes": settings.get("retry_after_minutes"),
            "review": settings.get("review") or course_review,
            "requires": requires,
        }
        if len(split) > 1:
            # only a split module hashes its split, so adding the feature changed no other hash
            values["domain_minutes"] = split
        # likewise, only a module that draws from a pool or delays its wait hashes those keys
        for key in ("draw", "wait_after_failures"):
            if settings.get(key) is not None:
                values[key] = settings[key]
        content_hash = digest(
            {
                **values,
                # only a module with CE hashes it, so adding the feature changed no other hash
                **({"ce": ce.hashed} if ce else {}),
                "lesson": lesson,
                "questions": [
                    [q.stem, q.scenario, q.explanation, [[c.text, c.correct] for c in q.choices]]
                    for q in questions
                ],
                "media": {name: self.media[name].sha256 for name in used_media},
            }
        )
        return Module(
            slug=slug,
            number=number,
            file_name=path.name,
            lesson=lesson,
            questions=tuple(questions),
            media=tuple(used_media),
            content_hash=content_hash,
            ce=ce,
            **{"domain_minutes": split, **values},
        )

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

    def _requires(self, requires, slug, shown, key_lines):
        """Check a module's `requires:` list against the course's module slugs."""
        known = [module_slug for _, module_slug, _ in self.module_files]
        line = key_lines.get("requires")
        for wanted in requires:
            if wanted == slug:
                self.error(shown, line, f"a module cannot require itself ('{wanted}')")
            elif wanted not in known:
                hint = difflib.get_close_matches(wanted, known, n=1, cutoff=0.6)
                suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
                self.error(
                    shown, line,
                    f"requires '{wanted}', but this course has no module with that slug"
                    f"{suggestion}: use the file name without its number and '.md'",
                )  # fmt: skip
        if requires:
            self.requires_lines[slug] = (shown, line)
        return tuple(dict.fromkeys(requires))

    def _check_requirement_cycles(self, modules):
        graph = {m.slug: m.requires for m in modules}
        reported = set()
        for start in graph:
            cycle = _find_cycle(graph, start)
            if cycle and frozenset(cycle) not in reported:
                reported.add(frozenset(cycle))
                shown, line = self.requires_lines[cycle[0]]
                self.error(
                    shown, line,
                    "modules require each other in a circle (" + " -> ".join([*cycle, cycle[0]])
                    + "), so none of them could ever be opened: remove one 'requires'",
                )  # fmt: skip


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


def _last_line(lines, first_line):
    """The file line of the last line with text (the closing '---' when there is none)."""
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].strip():
            return first_line + index
    return first_line - 1


def _find_cycle(graph, start):
    """The slugs of a requirement cycle through `start`, or None.

    A search that visits each module once (by the first path found to it): following every
    path instead took exponential time on a course whose modules each require all before them.
    """
    came_from = {start: None}
    stack = [start]
    while stack:
        slug = stack.pop()
        for wanted in graph.get(slug, ()):
            if wanted == start:
                trail = [slug]
                while came_from[trail[-1]] is not None:
                    trail.append(came_from[trail[-1]])
                return trail[::-1]
            if wanted not in came_from:
                came_from[wanted] = slug
                stack.append(wanted)
    return None
