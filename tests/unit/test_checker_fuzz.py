"""Whatever `lms courses check` accepts, `lms courses sync` publishes: a property of mutated files.

Each case copies the fixture course, or a bundled one, and changes one to three files with
seeded random mutations: lines duplicated, removed, truncated or spliced in from another file,
and hostile snippets (runs of brackets, deep indentation, quiz markers, raw HTML, control
characters, long lines) inserted. When the checker reports no error, the sync must publish on
the test database (PostgreSQL too); when it reports one, the sync must refuse with the same
problems. The seed is in the test's name, so a failure can be replayed.
"""

import random
import shutil

import pytest

from lms.content.loader import load_courses
from lms.content.model import ContentError
from lms.extensions import db
from lms.services.authoring.publishing import sync_courses
from tests.conftest import BUNDLED_COURSES, FIXTURES

SOURCES = [
    FIXTURES / "courses" / "sample-course",
    BUNDLED_COURSES / "running-a-peer-support-program",
]
SNIPPETS = [
    "[" * 3000,
    "![" * 1500,
    "[a](" * 800,
    '[a](#"' * 600,
    "``a`" * 700,
    "<a " * 5,
    "<a " * 30,
    "x<y " * 8,
    "\t" * 12 + "- deep",
    "\n".join("\t" * level + "- deeper" for level in range(400)),  # once a RecursionError
    ">" * 1000 + " quoted",
    "    " * 11 + "- deep",
    "> " * 12 + "quote",
    "- " * 15 + "item",
    "1. " * 12 + "item",
    "## Quiz",
    "### ",
    "### A new question?",
    "- [x] ",
    "- [x] right",
    "- [ ] wrong",
    "> explained",
    "```",
    "~~~",
    "---",
    "title: [[[[",
    "minutes: 99999999999999999999",
    "max_attempts: 99999999999999999999",
    "| a | b |\n| --- | --- |\n| [x](#y) | `z` |",
    "<table><tr><th>Head</th></tr></table>",
    "<script>alert(1)</script>",
    "<img src=https://example.org/x.png>",
    "![remote](http://example.org/x.png)",
    "[link](missing.md)",
    "&#0; &#x0; &#1114112;",
    "\x00",
    "\x1b[31m",
    "\ufeff\u2028\u202e",
    "\ud7ff\U0001f600",
    "a" * 21_000,
    "*" * 5000,
    "_a " * 2000,
    "\\" * 3000,
    "<!--",
    "-->",
    "[r]: https://example.org",
    "[r]",
    "    indented code",
]


def _lesson_range(lines):
    """The indexes of the lesson's lines: after the front matter, before '## Quiz'."""
    closing = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), 0)
    quiz = next((i for i, line in enumerate(lines) if line.startswith("## Quiz")), len(lines))
    return closing + 1, max(closing + 1, quiz)


def _mutate(text, rng, other_lines):
    lines = text.split("\n")
    for _ in range(rng.randint(1, 3)):
        # Mostly in the lesson, so that most mutated files still pass the checker and reach sync.
        low, high = _lesson_range(lines) if rng.random() < 0.8 else (0, len(lines))
        where = rng.randint(low, high)
        index = min(where, len(lines) - 1) if lines else 0
        kind = rng.choices(range(7), weights=[2, 1, 1, 2, 6, 2, 6])[0]
        if kind == 0 and lines:
            lines.insert(index, lines[index])  # duplicate a line
        elif kind == 1 and len(lines) > 1:
            del lines[index]
        elif kind == 2:
            cut = rng.randrange(len("\n".join(lines)) + 1)  # truncate the file
            lines = "\n".join(lines)[:cut].split("\n")
        elif kind == 3 and other_lines:
            start = rng.randrange(len(other_lines))
            lines[where:where] = other_lines[start : start + rng.randint(1, 8)]  # splice
        elif kind == 4:
            lines.insert(where, rng.choice(SNIPPETS))
        elif kind == 5 and lines:
            lines[index] = " " * rng.choice([1, 2, 4, 8, 44]) + lines[index]  # indent
        elif lines:
            line = lines[index]
            at = rng.randrange(len(line) + 1)
            lines[index] = line[:at] + rng.choice(SNIPPETS) + line[at:]  # inside a line
    low, high = _lesson_range(lines)
    lines.insert(rng.randint(low, high), f"\n{SNIPPETS[rng.randrange(len(SNIPPETS))]}\n")
    return "\n".join(lines)


def _mutated_course(root, seed):
    rng = random.Random(seed)
    source = rng.choice(SOURCES)
    folder = root / source.name
    shutil.copytree(source, folder)
    files = sorted(folder.glob("*.md"))
    other_lines = rng.choice(files).read_text(encoding="utf-8").split("\n")
    changed = []
    for path in rng.sample(files, k=min(len(files), rng.randint(1, 3))):
        path.write_text(_mutate(path.read_text(encoding="utf-8"), rng, other_lines), "utf-8")
        changed.append(path.name)
    return folder, changed


@pytest.mark.parametrize("seed", range(100))
def test_what_check_accepts_sync_publishes(app_ctx, tmp_path, seed):
    folder, changed = _mutated_course(tmp_path / "mutated", seed)
    checked = load_courses(folder, "course")
    if checked.errors:
        with pytest.raises(ContentError) as refused:
            sync_courses(folder, "course")
        assert refused.value.problems == checked.problems
        return
    try:
        report = sync_courses(folder, "course")
    except Exception as error:  # the property: this must never happen
        pytest.fail(f"seed {seed} (changed {changed}): check passed, sync failed: {error!r}")
    assert report.warnings == checked.warnings
    db.session.remove()


SESSION_SNIPPETS = [
    "## Skills checklist",
    "## Skill checklist",
    "- [ ] a skill",
    "- [x] a ticked skill",
    "- [ ] " + "s" * 400,
    "- plain item",
    "#### deeper heading",
]


@pytest.mark.parametrize("seed", range(30))
def test_what_check_accepts_in_a_session_file_sync_publishes(app_ctx, tmp_path, seed):
    rng = random.Random(seed)
    source = BUNDLED_COURSES / "peer-support-foundations"
    folder = tmp_path / "mutated" / source.name
    shutil.copytree(source, folder)
    files = sorted((folder / "sessions").glob("*.md"))
    other_lines = rng.choice(files).read_text(encoding="utf-8").split("\n")
    other_lines += [rng.choice(SESSION_SNIPPETS) for _ in range(4)]
    changed = rng.sample(files, k=rng.randint(1, len(files)))
    for path in changed:
        path.write_text(_mutate(path.read_text(encoding="utf-8"), rng, other_lines), "utf-8")
    checked = load_courses(folder, "course")
    if checked.errors:
        with pytest.raises(ContentError) as refused:
            sync_courses(folder, "course")
        assert refused.value.problems == checked.problems
        return
    try:
        report = sync_courses(folder, "course")
    except Exception as error:  # the property: this must never happen
        names = [path.name for path in changed]
        pytest.fail(f"seed {seed} (changed {names}): check passed, sync failed: {error!r}")
    assert report.warnings == checked.warnings
    db.session.remove()
