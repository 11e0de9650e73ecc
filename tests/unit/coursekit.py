"""A writable copy of the valid sample course, for checker tests that break one thing at a time.

The copy lives at tmp_path/courses/sample-course and is loaded with the courses folder shown as
"courses", so problems read "courses/sample-course/01-first-steps.md:3: ...".
"""

import shutil
import textwrap

from lms.content.loader import load_courses
from tests.conftest import FIXTURES

SAMPLE = FIXTURES / "courses" / "sample-course"
COURSE = "courses/sample-course"
COURSE_MD = f"{COURSE}/course.md"
FIRST = f"{COURSE}/01-first-steps.md"
SECOND = f"{COURSE}/02-listening.md"
# In 01-first-steps.md the lesson's first line is line 10 and '## Quiz' is line 16; quiz() puts a
# blank line after it, so the first line of the quiz it is given is line 18.
LESSON_LINE = 10
QUIZ_LINE = 18
# A live session for the sample course (write it at ROLE_PLAY_FILE): its body starts on line 10,
# '## Skills checklist' is line 16 and its first skill line 18.
ROLE_PLAY_FILE = "sessions/01-role-play.md"
ROLE_PLAY = """\
---
title: Role-play
minutes: 90
domain: mentoring-education
objectives:
  - Practise reflective listening.
requires: [listening]
---

## Plan

- 10 minutes: welcome.

![Chairs](../media/circle.png) and [the module](../02-listening.md).

## Skills checklist

- [ ] Reflects **feelings** back before giving information.
- [ ] Asks open questions.
"""


class CourseFolder:
    def __init__(self, tmp_path, name="sample-course"):
        self.root = tmp_path / "courses"
        self.path = self.root / name
        shutil.copytree(SAMPLE, self.path)

    def read(self, name):
        return (self.path / name).read_text(encoding="utf-8")

    def write(self, name, content):
        """Write a file: bytes as they are, text dedented (so tests can indent it)."""
        path = self.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")

    def replace(self, name, old, new):
        """Change one piece of a file; `old` must appear in it exactly once."""
        text = self.read(name)
        assert text.count(old) == 1, f"{old!r} is not in {name} exactly once"
        (self.path / name).write_text(text.replace(old, new), encoding="utf-8")

    def remove(self, name):
        (self.path / name).unlink()

    def lesson(self, line):
        """Put `line` (Markdown) on line 10 of 01-first-steps.md, in place of its first line."""
        self.replace("01-first-steps.md", "Recovery is personal. See the picture below.", line)

    def quiz(self, quiz):
        """Replace the quiz of 01-first-steps.md; the quiz's first line becomes line 18."""
        head = self.read("01-first-steps.md").split("## Quiz\n")[0]
        self.write("01-first-steps.md", head + "## Quiz\n\n" + textwrap.dedent(quiz).lstrip("\n"))

    def load(self):
        return load_courses(self.root, "courses")

    def problems(self, item_writing=False):
        """Every problem as the checker prints it; the item-writing warnings only when asked for,
        since a test that breaks a file's structure need not write good questions to do it."""
        return [
            str(problem)
            for problem in self.load().problems
            if item_writing or "item-writing (" not in problem.message
        ]
