"""Draft courses for the workspace tests: made through the workspace's own services."""

from lms.services.workspace import files
from lms.services.workspace.errors import WorkspaceError

MODULE = """---
title: Module {n}
minutes: 2
domain: advocacy
objectives:
  - Learn thing {n}.
---

Lesson {n}: {text}

## Quiz

### Question for module {n}?

- [x] Right answer {n}
- [ ] Wrong answer {n}

> Because {n}.
"""


def ready_course(slug="my-course", author_id=None, summary="A course for the tests."):
    """A draft course that checks clean: the starter with its summary written."""
    course = files.create_course(slug, author_id)
    text, revision = files.open_file(course, "course.md")
    files.save_text(
        course, "course.md", text.replace("summary:\n", f"summary: {summary}\n"), revision,
        author_id,
    )  # fmt: skip
    return course


def write(course, path, text, author_id=None):
    """Save `text` at `path` over whatever is there (a new file or the current revision)."""
    try:
        _, revision = files.open_file(course, path)
    except WorkspaceError:
        revision = None
    return files.save_text(course, path, text, revision, author_id)
