"""Live session files (sessions/NN-slug.md): their front matter, and the facilitator guide split
from its `## Skills checklist`, every problem located by line.

A session has no quiz: it is practiced in the room. Its skills checklist lists observable skills
as unticked task items; the facilitator ticks them for each trainee when taking attendance.
"""

from __future__ import annotations

import difflib
import re

from . import domains as training_domains
from .files import MODULE_FILE, NOT_READ, SLUG_LENGTH, TITLE_LENGTH, digest, unread_files
from .frontmatter import Field
from .model import LiveSession
from .quiz import QUIZ_HEADING, parse_heading
from .render import plain_text

SESSIONS_FOLDER = "sessions"
SKILL_LENGTH = 300
CHECKLIST_TITLE = "Skills checklist"

SESSION_SCHEMA = {
    "title": Field("text", required=True, max_length=TITLE_LENGTH),
    "minutes": training_domains.MODULE_MINUTES,  # the planned length
    "objectives": Field("list", required=True),
    # "domain" or "domains": session_schema() adds them for the course's domains
    "requires": Field("list"),
}

_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_SKILL = re.compile(r"^ {0,3}[-*+][ \t]+\[ \][ \t]+(\S.*)$")
_TICKED = re.compile(r"^ {0,3}[-*+][ \t]+\[[xX]\][ \t]*(.*)$")
_EMPTY_SKILL = re.compile(r"^ {0,3}[-*+][ \t]+\[ ?\][ \t]*$")
_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+(.*)$")
_LETTERS = re.compile(r"[^a-z]")
# What a skills checklist heading reads as with everything but its letters taken out.
_CHECKLIST_LETTERS = "skillschecklist"
_NEAR_MISSES = ("skillchecklist", "skillslist", "skilllist", "checklistofskills", "skillscheck")


def session_schema(domains):
    return {**SESSION_SCHEMA, **training_domains.module_fields(domains)}


def _is_checklist_heading(heading):
    return heading is not None and heading[0] == 2 and heading[1].casefold() == "skills checklist"


def _is_near_miss(heading):
    """A heading that was probably meant as '## Skills checklist' but is not written so."""
    if heading is None:
        return False
    letters = _LETTERS.sub("", heading[1].casefold())
    if letters == _CHECKLIST_LETTERS:
        return True  # the right words at the wrong level, or with a hyphen, colon, ...
    if letters in _NEAR_MISSES:
        return True
    return difflib.SequenceMatcher(None, letters, _CHECKLIST_LETTERS).ratio() >= 0.85


def split_guide(body, body_line):
    """Split a session's body into its facilitator guide and its skills checklist.

    Returns (guide Markdown, skills as plain text, [(line, message, is_warning)]). The checklist
    runs from its heading to the next heading of level 1 or 2; it is taken out of the guide.
    """
    lines = body.split("\n")
    problems = []
    guide = []
    skills = []  # (text as written, line, plain text)
    checklist_line = None  # the line of the first '## Skills checklist'
    checklist_problems = 0
    in_checklist = False
    in_fence = False
    for index, raw in enumerate(lines):
        number = body_line + index
        line = raw.rstrip()
        if _FENCE.match(line):
            in_fence = not in_fence
            if in_checklist:
                checklist_problems += 1
                problems.append((number, _not_a_skill_message(), False))
            else:
                guide.append(raw)
            continue
        heading = None if in_fence else parse_heading(line)
        if heading is not None and QUIZ_HEADING.match(line):
            problems.append(
                (number, "sessions have no quiz: a live session is practiced in the room, so "
                 "remove the '## Quiz' section (put questions for discussion under another "
                 "heading)", False)
            )  # fmt: skip
        if _is_checklist_heading(heading):
            if checklist_line is not None:
                problems.append(
                    (number, "a session has one skills checklist, but this is a second "
                     f"'## {CHECKLIST_TITLE}' heading (the first is on line {checklist_line}): "
                     "put all the skills under one", False)
                )  # fmt: skip
            else:
                checklist_line = number
            in_checklist = True
            continue
        if in_checklist and heading is not None and heading[0] <= 2:
            in_checklist = False
        if not in_checklist:
            if heading is not None and heading[0] <= 3 and _is_near_miss(heading):
                problems.append(
                    (number, f"this heading looks like a skills checklist, but only "
                     f"'## {CHECKLIST_TITLE}' (two #) is read as one, so these lines stay in the "
                     "guide: write the heading exactly so", True)
                )  # fmt: skip
            guide.append(raw)
            continue
        problem = _checklist_line(line, number, skills)
        if problem is not None:
            checklist_problems += 1
            problems.append((number, problem, False))
    if checklist_line is not None and not skills and not checklist_problems:
        problems.append(
            (checklist_line, "the skills checklist is empty: add the skills to observe as "
             "'- [ ] skill' lines, or remove the heading", False)
        )  # fmt: skip
    guide_text = "\n".join(guide).strip()
    return guide_text, tuple(plain for _, _, plain in skills), problems


def _not_a_skill_message():
    return (
        "a skills checklist holds only '- [ ] skill' lines, one observable skill each: move other "
        "text above the '## Skills checklist' heading"
    )


def _checklist_line(line, number, skills):
    """Take one line inside the checklist into `skills`; the problem with it, or None."""
    if not line.strip():
        return None
    if _EMPTY_SKILL.match(line):
        return "this skill has no text: write the skill after '- [ ] '"
    ticked = _TICKED.match(line)
    if ticked:
        return f"write every skill unticked: - [ ] {ticked.group(1).strip()}"
    skill = _SKILL.match(line)
    if skill is None:
        item = _ITEM.match(line)
        if item is not None:
            return (
                "write each skill as an unticked task item, '- [ ] ' then the skill: "
                f"- [ ] {item.group(1).strip()}"
            )
        return _not_a_skill_message()
    text = skill.group(1).strip()
    if len(text) > SKILL_LENGTH:
        return (
            f"this skill is {len(text):,} characters long; the limit is {SKILL_LENGTH}: "
            "shorten it, or split it into two skills"
        )
    plain = plain_text(text)
    if not plain:
        return "this skill has no words once its Markdown is read: write the skill as text"
    for _, earlier_line, earlier in skills:
        if earlier.casefold() == plain.casefold():
            return f"skill '{text}' is listed twice (first on line {earlier_line}): remove one"
    skills.append((text, number, plain))
    return None


def requires_problems(requires, module_slugs):
    """[message] for each module slug a session's `requires:` names that the course lacks."""
    problems = []
    for wanted in requires:
        if wanted in module_slugs:
            continue
        hint = difflib.get_close_matches(wanted, module_slugs, n=1, cutoff=0.6)
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
        problems.append(
            f"requires '{wanted}', but this course has no module with that slug{suggestion}: "
            "name modules by their file name without the number and '.md'; the modules are "
            + ", ".join(module_slugs)
        )
    return problems


def certificate_problems(wanted_sessions, wanted_checklists, sessions, checklists, lines):
    """Problems with course.md's `requires: sessions:` and `skills_checklists:`, as
    [(line, message)]. `sessions` lists every session slug on disk; `checklists` maps the slug
    of each session read cleanly to whether it has a skills checklist."""
    problems = []
    for key, wanted in (("sessions", wanted_sessions), ("skills_checklists", wanted_checklists)):
        line = lines.get(key)
        for slug in wanted:
            if slug not in sessions:
                problems.append((line, _unknown_session(key, slug, sessions)))
            elif key == "skills_checklists" and checklists.get(slug) is False:
                problems.append(
                    (line, f"'skills_checklists' names '{slug}', but that session has no "
                     f"'## {CHECKLIST_TITLE}': add one to its file, or take '{slug}' out of "
                     "this list")
                )  # fmt: skip
    return problems


def _unknown_session(key, slug, sessions):
    if not sessions:
        return (
            f"'{key}' names '{slug}', but this course has no live sessions: add session files "
            f"in the {SESSIONS_FOLDER}/ folder (see courses/README.md)"
        )
    hint = difflib.get_close_matches(slug, sessions, n=1, cutoff=0.6)
    suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
    return (
        f"'{key}' names '{slug}', but this course has no live session with that slug"
        f"{suggestion}: the sessions are {', '.join(sessions)}"
    )


def required_sessions(wanted_sessions, wanted_checklists):
    """The sessions a certificate requires: those listed, then those whose checklist is
    required but were not listed (a checklist can only be completed by attending)."""
    return tuple(dict.fromkeys([*wanted_sessions, *wanted_checklists]))


class SessionReading:
    """The part of the course reader (loader._CourseReader, a CourseFileReader) that reads the
    sessions/ folder: file names, each session file, and the sessions the certificate requires."""

    def _session_files(self):
        """(number, slug, path) of each file in sessions/, checked like module file names."""
        folder = self.folder / SESSIONS_FOLDER
        files = []
        if not folder.is_dir():
            return files
        numbers, slugs = {}, {}
        for path in unread_files(folder):
            message = NOT_READ.format(kind="session", where="sessions folder")
            self.warn(f"{self.shown}/{SESSIONS_FOLDER}/{path.name}", None, message)
        for path in sorted(folder.glob("*.md")):
            if path.name.lower() == "readme.md" or path.name.startswith("."):
                continue
            shown = f"{self.shown}/{SESSIONS_FOLDER}/{path.name}"
            match = MODULE_FILE.match(path.name)
            if not match:
                self.error(
                    shown, None,
                    "a session file is named NN-slug.md: a number, a hyphen, then lowercase "
                    "words joined by hyphens (for example 01-role-play-listening.md)",
                )  # fmt: skip
                continue
            number, slug = int(match.group(1)), match.group(2)
            if len(slug) > SLUG_LENGTH:
                self.error(
                    shown, None,
                    f"the session's slug is {len(slug)} characters long; the limit is "
                    f"{SLUG_LENGTH}: choose a shorter file name",
                )  # fmt: skip
            elif number in numbers:
                self.error(
                    shown, None, f"session number {number} is also used by {numbers[number]}"
                )
            elif slug in slugs:
                self.error(shown, None, f"session slug '{slug}' is also used by {slugs[slug]}")
            else:
                files.append((number, slug, path))
            numbers.setdefault(number, path.name)
            slugs.setdefault(slug, path.name)
        return files

    def _sessions(self):
        self.session_files = self._session_files()
        module_slugs = self.module_slugs
        found = []
        for number, slug, path in self.session_files:
            session = self._session(number, slug, path, module_slugs)
            if session is not None:
                found.append(session)
        return found

    def _session(self, number, slug, path, module_slugs):
        shown = f"{self.shown}/{SESSIONS_FOLDER}/{path.name}"
        failed_before, self.failed = self.failed, False
        try:
            return self._read_session(number, slug, path, shown, module_slugs)
        finally:
            self.failed = self.failed or failed_before

    def _read_session(self, number, slug, path, shown, module_slugs):
        text = self._read(path, shown)
        if text is None:
            return None
        fm = self._front_matter(text, shown, session_schema)
        if fm is None or self.failed:
            return None
        settings, body, body_line, located = fm
        split, problems = training_domains.module_split(settings, located, self.domains)
        for line, message in problems:
            self.error(shown, line, message)
        requires = tuple(dict.fromkeys(settings.get("requires", ())))
        for message in requires_problems(requires, module_slugs):
            self.error(shown, located["requires"].line, message)
        guide, skills, guide_problems = split_guide(body, body_line)
        for line, message, is_warning in guide_problems:
            (self.warn if is_warning else self.error)(shown, line, message)
        if not guide:
            self.error(
                shown, body_line - 1,
                "this session has no facilitator guide: write the plan, timings and prompts "
                "below the front matter",
            )  # fmt: skip
        self.anchor_texts[f"{SESSIONS_FOLDER}/{path.name}"] = guide
        used_media = self._check_links(body.split("\n"), body_line, shown, folder=SESSIONS_FOLDER)
        if self.failed:
            return None
        values = {
            "title": settings["title"],
            "minutes": settings["minutes"],
            "domain": training_domains.primary_domain(split),
            "domain_minutes": split,
            "objectives": settings["objectives"],
            "requires": requires,
            "guide": guide,
            "skills": skills,
        }
        content_hash = digest(
            {**values, "media": {name: self.media[name].sha256 for name in used_media}}
        )
        return LiveSession(
            slug=slug,
            number=number,
            file_name=path.name,
            media=tuple(used_media),
            content_hash=content_hash,
            **values,
        )

    def _check_certificate_sessions(self, requires, sessions):
        """The sessions and skills checklists the certificate requires must be the course's."""
        on_disk = [slug for _, slug, _ in self.session_files]
        problems = certificate_problems(
            requires.get("sessions") or (),
            requires.get("skills_checklists") or (),
            on_disk,
            {s.slug: bool(s.skills) for s in sessions},
            self.certificate_lines,
        )
        for line, message in problems:
            self.error(f"{self.shown}/course.md", line, message)
