"""Honest minutes: what a module may claim as training time, from its own text.

A board may audit training hours, so a module's `minutes` must be time a trainee really spends:
its reading time (about 200 words a minute at an 8th-grade reading level), plus the time each of
its activities states in its heading ("## Practice: saying no (15 minutes)"), plus a minute for
each question an attempt at its quiz shows. The checker warns when `minutes` claims more than that
(with a tenth's leeway, since reading speeds vary), and says where the figures come from.
"""

from __future__ import annotations

import math
import re

from .quiz import parse_heading

WORDS_PER_MINUTE = 200
QUESTION_MINUTES = 1
LEEWAY = 1.1  # a module may claim up to a tenth more than its estimate

# "(15 minutes)", "(1 minute)", "(20 min)" at the end of a heading
_STATED = re.compile(r"\((\d{1,3})\s*+(?:minutes?|min)\)$", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")
_LINK_TARGET = re.compile(r"\]\([^)\s]*+\)")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def lesson_words(lines):
    """The words a trainee reads in the lesson: link targets and fenced code are not read."""
    words = 0
    in_fence = False
    for line in lines:
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence:
            words += len(_WORD.findall(_LINK_TARGET.sub("]", line)))
    return words


def stated_activities(lines):
    """[(line index, title, minutes)] for every heading that states how long its activity takes."""
    found = []
    in_fence = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        heading = None if in_fence else parse_heading(line.rstrip())
        if heading:
            stated = _STATED.search(heading[1])
            if stated:
                found.append((index, heading[1], int(stated.group(1))))
    return found


class Estimate:
    """What a module's text supports: reading, activities and quiz minutes."""

    def __init__(self, lesson_lines, questions_shown):
        self.words = lesson_words(lesson_lines)
        self.activities = stated_activities(lesson_lines)
        self.reading = self.words / WORDS_PER_MINUTE
        self.activity_minutes = sum(minutes for _, _, minutes in self.activities)
        self.quiz = questions_shown * QUESTION_MINUTES

    @property
    def minutes(self):
        return self.reading + self.activity_minutes + self.quiz

    @property
    def allowed(self):
        """The most minutes the module may claim."""
        return math.ceil(self.minutes * LEEWAY)

    def overclaim(self, claimed):
        """The warning for a module claiming more minutes than its text supports, or None."""
        if claimed <= self.allowed:
            return None
        count = len(self.activities)
        activities = (
            f"its activities state {self.activity_minutes} ({count} "
            f"{'heading' if count == 1 else 'headings'} with a time)"
            if self.activities
            else "no heading states an activity's time"
        )
        return (
            f"minutes: {claimed} is more than this module's text supports: reading "
            f"{self.reading:.0f} minutes ({self.words:,} words at {WORDS_PER_MINUTE} a minute), "
            f"{activities}, the quiz {self.quiz} (a minute a question shown): {self.minutes:.0f} "
            f"in all, {self.allowed} at most with a tenth's leeway. Lower 'minutes', or state "
            f"each activity's time at the end of its heading, e.g. '## Practice (15 minutes)'"
        )
