"""Module files (NN-slug.md in a course folder): their names and numbers, each module's front
matter, lesson and quiz, and the `requires:` between modules, every problem located by line."""

from __future__ import annotations

import difflib

from . import ce as continuing_education
from . import domains as training_domains
from . import items as item_writing
from .files import (
    ETHICS_FILE,
    MODULE_FILE,
    NOT_READ,
    SLUG_LENGTH,
    TITLE_LENGTH,
    digest,
    unread_files,
)
from .frontmatter import Field
from .model import Module
from .quiz import find_quiz_heading_typo, parse_quiz, split_lesson
from .timing import Estimate

# Files in a course folder that are not modules.
IGNORED_FILES = {"course.md", "readme.md", ETHICS_FILE}
# Addresses under /courses/<course>/ that the app uses itself, so no module may take them.
RESERVED_SLUGS = {"ethics": "code of ethics"}
# When a trainee sees the explanations: after every attempt, or only once they have passed.
REVIEW_MODES = ("always", "after_pass")

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


class ModuleReading:
    """The part of the course reader (loader._CourseReader, a CourseFileReader) that reads the
    module files: their names, each module file, and the requirements between modules. Before
    reading a module the reader has set `domains` and `media`, kept what _module_files() returned
    as `module_files` (and set `module_slugs`), and started `requires_lines` empty ({slug: (file,
    line) of its `requires:`}, which _requires() fills and _check_requirement_cycles() reads)."""

    def _module_files(self):
        files = []
        numbers, slugs = {}, {}
        self.module_names = {"course.md"}  # what a link may point at, duplicates included
        # every well-named module's slug, a duplicate's too: what a `requires:` may name (a
        # duplicate is reported once, in its own file, not again wherever it is required)
        self.module_slugs = []
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
            if slug not in self.module_slugs:
                self.module_slugs.append(slug)
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
        for path in unread_files(self.folder):
            message = NOT_READ.format(kind="module", where="course's folder")
            self.warn(f"{self.shown}/{path.name}", None, message)
        if not files and not self.failed:
            self.error(
                self.shown, None,
                "this course has no modules: add files named like 01-introduction.md",
            )  # fmt: skip
        return files

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
        lesson = "\n".join(lesson_lines).strip()
        self.anchor_texts[path.name] = lesson  # what its '#anchor' links may name
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

    def _requires(self, requires, slug, shown, key_lines):
        """Check a module's `requires:` list against the course's module slugs."""
        known = self.module_slugs
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
