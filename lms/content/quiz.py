"""A module's quiz: '### stem', an optional scenario, a task list of choices, '> explanation'."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Choice, Question

QUIZ_HEADING = re.compile(r"^ {0,3}##\s+Quiz\s*#*\s*$", re.IGNORECASE)
_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_TASK = re.compile(r"^ {0,3}[-*+]\s+\[([ xX])\]\s+(.*)$")
_EMPTY_TASK = re.compile(r"^ {0,3}[-*+]\s+\[([ xX])\]\s*$")
_BULLET = re.compile(r"^ {0,3}[-*+]\s+")
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


@dataclass
class _Draft:
    stem: str
    line: int
    scenario: list = field(default_factory=list)
    choices: list = field(default_factory=list)  # [text lines, correct, line]
    explanation: list = field(default_factory=list)
    state: str = "scenario"  # scenario -> choices -> explanation -> done


def parse_quiz(lines, first_line):
    """Parse the lines after '## Quiz' (the first of them is file line `first_line`).

    Returns (questions, [(line, message, is_warning)]).
    """
    problems = []
    drafts = []
    draft = None
    in_fence = False
    for offset, raw in enumerate(lines):
        number = first_line + offset
        line = raw.rstrip()
        if draft is not None and draft.state == "scenario" and _FENCE.match(line):
            in_fence = not in_fence
            draft.scenario.append(raw)
            continue
        if in_fence:
            draft.scenario.append(raw)
            continue
        heading = _HEADING.match(line)
        if heading:
            if len(heading.group(1)) == 3:
                draft = _Draft(heading.group(2).strip(), number)
                drafts.append(draft)
                continue
            if len(heading.group(1)) <= 2:
                problems.append(
                    (number, f"the quiz must be the module's last section: move "
                     f"'{line.strip()}' and what follows it above '## Quiz'", False)
                )  # fmt: skip
            else:
                problems.append(
                    (number, "only '### ' headings belong in the quiz, one for each question",
                     False)
                )  # fmt: skip
            continue
        if draft is None:
            if line.strip():
                problems.append(
                    (number, "the quiz must start with a question heading ('### ...'): "
                     "move this text above '## Quiz'", False)
                )  # fmt: skip
            continue
        _add_line(draft, raw, line, number, problems)
    questions = []
    stems = {}
    for draft in drafts:
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


def _add_line(draft, raw, line, number, problems):
    task = _TASK.match(line)
    quote = _QUOTE.match(line)
    if task or _EMPTY_TASK.match(line):
        if draft.state == "explanation":
            problems.append(
                (number, f"question '{draft.stem}': the choices must come before the "
                 "'> ' explanation", False)
            )  # fmt: skip
            return
        text = task.group(2).strip() if task else ""
        correct = (task or _EMPTY_TASK.match(line)).group(1) in "xX"
        draft.choices.append([[text], correct, number])
        draft.state = "choices"
    elif quote:
        if draft.state == "scenario":
            problems.append(
                (number, f"question '{draft.stem}': the '> ' explanation must come after "
                 "its choices", False)
            )  # fmt: skip
            return
        draft.explanation.append(quote.group(1))
        draft.state = "explanation"
    elif not line.strip():
        if draft.state == "scenario":
            draft.scenario.append("")
        elif draft.state == "explanation":
            draft.state = "done"
        elif draft.state == "choices" and draft.choices:
            draft.choices[-1][0].append("")
    elif draft.state == "scenario":
        if _BULLET.match(line):
            problems.append(
                (number, f"question '{draft.stem}': write choices as a task list, "
                 "'- [x] a correct choice' or '- [ ] a wrong one'", False)
            )  # fmt: skip
            return
        draft.scenario.append(raw)
    elif draft.state == "choices" and raw.startswith("  "):
        draft.choices[-1][0].append(raw.strip())
    elif draft.state == "explanation":
        draft.explanation.append(line.strip())  # a lazy continuation line of the blockquote
    else:
        problems.append(
            (number, f"question '{draft.stem}': text after the choices must be a '> ' "
             "explanation (or indent it by two spaces to continue the choice above)", False)
        )  # fmt: skip


def _finish(draft, problems):
    stem = draft.stem
    if not stem:
        problems.append((draft.line, "a question heading has no text: write the question", False))
        return None
    if not draft.choices:
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
    if not draft.explanation:
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
    )
