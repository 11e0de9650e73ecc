"""A module's quiz: '### stem', an optional scenario, a task list of choices, '> explanation'."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .items import parse_allow
from .model import Choice, Question

# Every pattern here runs on author-written lines, so none may backtrack over a long run of
# spaces: possessive quantifiers ('*+') give back nothing, and headings are split without a regex.
QUIZ_HEADING = re.compile(r"^ {0,3}##\s++Quiz\s*+#*+\s*+$", re.IGNORECASE)
_QUIZ_TYPO = re.compile(r"^ {0,3}#{1,6}[ \t]*+Quiz(?:[ \t]++#++)?+[ \t]*+$", re.IGNORECASE)
_HEADING_START = re.compile(r" {0,3}(#{1,6})(?=[ \t]|$)")
_TASK = re.compile(r"^ {0,3}[-*+]\s+\[([ xX])\]\s+(.*)$")
_EMPTY_TASK = re.compile(r"^ {0,3}[-*+]\s+\[([ xX])\]\s*$")
_BULLET = re.compile(r"^ {0,3}[-*+]\s+")
_ORDERED_TASK = re.compile(r"^ {0,3}\d{1,9}[.)]\s+\[[ xX]\]")
_QUOTE = re.compile(r"^ {0,3}>\s?(.*)$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def split_lesson(body):
    """Return (lesson lines, index of the '## Quiz' line or None), skipping fenced code."""
    lines = body.split("\n")
    in_fence = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and QUIZ_HEADING.match(line):
            return lines[:index], index
    return lines, None


def find_quiz_heading_typo(lines):
    """The index of a 'Quiz' heading at the wrong level ('# Quiz', '### Quiz'), or None."""
    in_fence = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and _QUIZ_TYPO.match(line):
            return index
    return None


def parse_heading(line):
    """(level, text) of an ATX heading ('### text ###'), or None. Linear in the line's length."""
    start = _HEADING_START.match(line)
    if not start:
        return None
    text = line[start.end() :].strip(" \t")
    closed = text.rstrip("#")
    if closed != text and closed and closed[-1] in " \t":
        text = closed.rstrip(" \t")  # the optional closing '###' is not part of the text
    return len(start.group(1)), text.strip()


@dataclass
class _Draft:
    stem: str
    line: int
    scenario: list = field(default_factory=list)
    choices: list = field(default_factory=list)  # [text lines, correct, line]
    explanation: list = field(default_factory=list)
    state: str = "scenario"  # scenario -> choices -> explanation -> done
    early_explanation: bool = False  # a '> ' before the choices, already reported
    allowed: list = field(default_factory=list)  # [(rule, reason)] from '<!-- allow ... -->'
    bullet_choices: bool = False  # choices written as a plain list, already reported


def parse_quiz(lines, first_line):
    """Parse the lines after '## Quiz' (the first of them is file line `first_line`).

    Returns (questions, [(line, message, is_warning)]).
    """
    parser = _Parser()
    for offset, raw in enumerate(lines):
        if not parser.feed(raw, first_line + offset):
            break
    problems = parser.problems
    questions = []
    stems = {}
    for draft in parser.drafts:
        question = _finish(draft, problems)
        if question is None:
            continue
        key = draft.stem.casefold()
        if key in stems:
            problems.append(
                (draft.line, f"question '{draft.stem}' appears twice (also on line "
                 f"{stems[key]}): each stem must be different", False)
            )  # fmt: skip
        stems.setdefault(key, draft.line)
        questions.append(question)
    return questions, problems


class _Parser:
    """Reads the quiz line by line. A misplaced block of lines is reported once, at its first."""

    def __init__(self):
        self.problems = []
        self.drafts = []
        self.draft = None
        self.in_fence = False
        self.quiet = False  # the current block of lines was already reported

    def error(self, number, message):
        self.problems.append((number, message, False))

    def stray(self, number, message):
        if not self.quiet:
            self.error(number, message)
        self.quiet = True

    def feed(self, raw, number):
        """Take one line; False when the quiz has ended (a '## ' heading after it)."""
        line = raw.rstrip()
        draft = self.draft
        fence = _FENCE.match(line)
        if self.in_fence or fence:
            if fence:
                self.in_fence = not self.in_fence
            if draft is not None and draft.state == "scenario":
                draft.scenario.append(raw)
            elif fence and self.in_fence:
                self.stray(number, _stray_message(draft))
            return True
        allow = parse_allow(line) if draft is not None else None
        if allow is not None:
            rules, problem = allow
            if problem:
                self.error(number, f"question '{draft.stem}': {problem}")
            draft.allowed.extend(rules)
            return True
        heading = parse_heading(line)
        if heading:
            level, text = heading
            if level == 3:
                self.draft = _Draft(text, number)
                self.drafts.append(self.draft)
                self.quiet = False
            elif level <= 2:
                self.error(
                    number, f"the quiz must be the module's last section: move "
                    f"'{line.strip()}' and what follows it above '## Quiz'",
                )  # fmt: skip
                return False
            else:
                self.error(number, "only '### ' headings belong in the quiz, one for each question")
            return True
        if not line.strip():
            self.quiet = False
            if draft is not None:
                _blank(draft)
        elif draft is None:
            self.stray(number, _stray_message(None))
        else:
            self._add_line(draft, raw, line, number)
        return True

    def _add_line(self, draft, raw, line, number):
        task = _TASK.match(line) or _EMPTY_TASK.match(line)
        quote = _QUOTE.match(line)
        if task:
            text = task.group(2).strip() if task.re is _TASK else ""
            draft.choices.append([[text], task.group(1) in "xX", number])
            if draft.state in ("explanation", "done"):
                self.stray(
                    number, f"question '{draft.stem}': the choices must come before the "
                    "'> ' explanation",
                )  # fmt: skip
            else:
                self.quiet = False
            draft.state = "choices"
        elif quote:
            if draft.state == "scenario":
                if not draft.early_explanation:
                    self.error(
                        number, f"question '{draft.stem}': the '> ' explanation must come "
                        "after its choices",
                    )  # fmt: skip
                draft.early_explanation = True
                return
            if draft.state == "done":
                draft.explanation.append("")  # a second blockquote: a new paragraph
            draft.explanation.append(quote.group(1))
            draft.state = "explanation"
            self.quiet = False
        elif draft.state == "scenario":
            if _BULLET.match(line) or _ORDERED_TASK.match(line):
                self.stray(
                    number, f"question '{draft.stem}': write choices as a task list, "
                    "'- [x] a correct choice' or '- [ ] a wrong one'",
                )  # fmt: skip
                draft.bullet_choices = True
                draft.state = "choices"  # what follows is read as if the choices were right
            else:
                draft.scenario.append(raw)
        elif draft.state == "choices" and raw.startswith("  ") and draft.choices:
            draft.choices[-1][0].append(raw.strip())
        elif draft.state == "explanation":
            draft.explanation.append(line.strip())  # a lazy continuation line of the blockquote
        else:
            self.stray(number, _stray_message(draft))


def _blank(draft):
    if draft.state == "scenario":
        draft.scenario.append("")
    elif draft.state == "explanation":
        draft.state = "done"
    elif draft.state == "choices" and draft.choices:
        draft.choices[-1][0].append("")


def _stray_message(draft):
    if draft is None:
        return (
            "the quiz must start with a question heading ('### ...'): "
            "move this text above '## Quiz'"
        )
    if draft.state == "choices":
        return (
            f"question '{draft.stem}': text after the choices must be a '> ' explanation "
            "(or indent it by two spaces to continue the choice above)"
        )
    return (
        f"question '{draft.stem}': text after the explanation must be part of it: "
        "start the line with '> '"
    )


def _finish(draft, problems):
    stem = draft.stem
    if not stem:
        problems.append((draft.line, "a question heading has no text: write the question", False))
        return None
    if not draft.choices:
        if draft.bullet_choices:
            return None  # already reported: 'write choices as a task list'
        problems.append(
            (draft.line, f"question '{stem}' has no choices: add a task list "
             "('- [x] right', '- [ ] wrong')", False)
        )  # fmt: skip
        return None
    choices = []
    seen = {}
    for text_lines, correct, line in draft.choices:
        text = "\n".join(text_lines).strip()
        if not text:
            problems.append((line, f"question '{stem}': a choice has no text", False))
            continue
        key = text.casefold()
        if key in seen:
            problems.append((line, f"question '{stem}': choice '{text}' appears twice", False))
            continue
        seen[key] = line
        choices.append(Choice(text=text, correct=correct, line=line))
    if len(draft.choices) < 2:
        problems.append(
            (draft.line, f"question '{stem}' has only one choice: give at least two", False)
        )
    if not any(correct for _, correct, _ in draft.choices):
        problems.append(
            (draft.line, f"question '{stem}' has no correct choice: mark one with '- [x]'", False)
        )
    if not draft.explanation and not draft.early_explanation:
        problems.append(
            (draft.line, f"question '{stem}' has no explanation: add a '> ' blockquote "
             "after its choices", True)
        )  # fmt: skip
    return Question(
        stem=stem,
        scenario="\n".join(draft.scenario).strip(),
        choices=tuple(choices),
        explanation="\n".join(draft.explanation).strip(),
        line=draft.line,
        allowed=tuple(draft.allowed),
    )
