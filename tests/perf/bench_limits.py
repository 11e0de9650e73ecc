"""The worst course files the checker accepts: how long checking and publishing each one takes.

Not part of the test run (pytest ignores tests/perf). Run it as a script:

    python tests/perf/bench_limits.py                     # SQLite in a temporary file
    python tests/perf/bench_limits.py --database-url postgresql+psycopg://u:p@host/db

With --database-url the syncs run on that database, which is EMPTIED (every table dropped): never
point it at a database whose data you want.

Each case is one course whose module holds a pattern that once made Markdown or the checker slow
(runs of '[', unclosed code spans, deep nesting, long runs of spaces in a quiz heading...), made
as large as the limits in lms/content/limits.py allow: lines of MAX_LINE_CHARS, files of just
under MAX_FILE_BYTES, nesting MAX_NESTING deep. Every case must pass the checker (else it is not
a worst accepted file) and be checked and synced in under AIM seconds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from lms import create_app
from lms.content import limits
from lms.content.loader import load_courses
from lms.extensions import db
from lms.services.authoring.publishing import sync_courses

AIM = 2.0
COURSE = """---
title: Limits {name}
summary: The worst file of its kind that the checker accepts.
certificate:
  title: Limits
  valid_for_months: 12
---

Overview.
"""
FRONT = """---
title: {name}
minutes: 1
domain: advocacy
objectives:
  - Stay quick.
---

"""
QUIZ = """
## Quiz

### Is this quick?

- [x] Yes
- [ ] No

> It should be.
"""
LINE = limits.MAX_LINE_CHARS
ROOM = limits.MAX_FILE_BYTES - len(FRONT) - len(QUIZ) - 200
LINES = limits.MAX_LINES - 40


def filled(unit, separator="\n", length=LINE):
    """Lines of `unit` repeated to `length`, as many as fit in one file, in paragraphs as long as
    allowed (a blank line after every MAX_BLOCK_CHARS characters)."""
    line = (unit * (length // len(unit) + 1))[:length].rstrip()
    lines_a_block = max(1, limits.MAX_BLOCK_CHARS // (len(line) + len(separator)))
    count = max(1, min(LINES // separator.count("\n"), ROOM // (len(line) + len(separator))))
    lines = [line] * count
    blocks = [lines[i : i + lines_a_block] for i in range(0, count, lines_a_block)]
    return "\n\n".join(separator.join(block) for block in blocks)


def nested(marker_for_level):
    """Blocks nested MAX_NESTING deep, repeated to fill the file."""
    block = "\n".join(
        marker_for_level(level) + f"level {level} of a deep list" for level in range(10)
    )
    return "\n\n".join([block] * min(LINES // 11, ROOM // (len(block) + 2)))


def unclosed_tags():
    """MAX_UNCLOSED_TAGS tags without '>' at the top; Markdown's HTML reader scans the file."""
    head = " ".join(["<a"] * limits.MAX_UNCLOSED_TAGS)
    body = filled("word and more words ")
    return head + "\n\n" + body[: ROOM - len(head) - 2]


CASES = {
    "brackets": lambda: filled("["),
    "image brackets": lambda: filled("!["),
    "closing brackets": lambda: filled("[" * 50 + "]" * 50),
    "link openings": lambda: filled("[a](#"),
    "link titles": lambda: filled('[a](#"'),
    "links": lambda: filled('[a](#b "t") '),
    "reference links": lambda: filled("[a][b] ") + "\n\n[b]: https://example.org\n",
    "backticks": lambda: filled("``a`"),
    "emphasis": lambda: filled("*a "),
    "strong": lambda: filled("**a __b "),
    "angle brackets": lambda: filled("<<>"),
    "autolinks": lambda: filled("<http://a> "),
    "entities": lambda: filled("&#"),
    "escapes": lambda: filled("\\["),
    "table": lambda: (
        "| a | b |\n| --- | --- |\n"
        + "\n".join([("| [x](#y) | `z` " * 200)[:2000]] * (limits.MAX_BLOCK_CHARS // 2001 - 1))
    ),
    "long list": lambda: filled("- a", length=3),
    "short lines": lambda: filled("a", length=1),
    "nested lists": lambda: nested(lambda level: "    " * level + "- "),
    "nested quotes": lambda: nested(lambda level: "> " * (level + 1)),
    "nested mix": lambda: nested(lambda level: "> - " * (level // 2) + "> " * (level % 2)),
    "unclosed tags": unclosed_tags,
    "blank paragraphs": lambda: filled("a", "\n\n", length=1),
}


def heading_case(root):
    """A quiz heading of MAX_LINE_CHARS: '### a', spaces, '### x' (once a 4.5 s regex)."""
    folder = write_course(root, "quiz-heading", "Short lesson.")
    heading = "### a" + " " * (LINE - 10) + "### x"
    module = folder / "01-module.md"
    module.write_text(module.read_text().replace("### Is this quick?", heading))
    return folder


def choices_case(root):
    """One question with as many choices as the line limit allows (the item-writing check
    compares choices in pairs)."""
    folder = write_course(root, "many-choices", "Short lesson.")
    module = folder / "01-module.md"
    count = limits.MAX_BLOCK_CHARS // 12 - 10  # the list is one block: its limit comes first
    choices = "".join(f"- [ ] c{n}\n" for n in range(count))
    module.write_text(module.read_text().replace("- [ ] No\n", choices))
    return folder


def questions_case(root):
    """A long lesson and as many questions as fit, each repeating a lesson sentence (the
    item-writing check looks for copied sentences)."""
    sentences = [
        f"Sentence {n} of the lesson says one plain thing about peer work." for n in range(480)
    ]
    questions = "".join(
        f"\n### {sentence[:-1]}?\n\n- [x] Yes, it does\n- [ ] No, never\n\n> Why.\n"
        for sentence in sentences[:700]
    )
    folder = write_course(root, "many-questions", "\n\n".join(sentences))
    module = folder / "01-module.md"
    text = module.read_text().split("\n## Quiz\n")[0]
    module.write_text(text + "\n## Quiz\n" + questions)
    return folder


def write_course(root, slug, lesson):
    folder = root / slug
    folder.mkdir(parents=True)
    (folder / "course.md").write_text(COURSE.format(name=slug))
    (folder / "01-module.md").write_text(FRONT.format(name=slug) + lesson + "\n" + QUIZ)
    return folder


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="sync into this database (it is emptied!)")
    parser.add_argument("--only", help="run the cases whose name contains this")
    args = parser.parse_args(argv)
    failed = False
    with tempfile.TemporaryDirectory(prefix="lms-limits-") as tmp:
        root = Path(tmp)
        folders = {}
        for name, make in CASES.items():
            if args.only and args.only not in name:
                continue
            folders[name] = write_course(root / "courses", name.replace(" ", "-"), make())
        if not args.only or args.only in "quiz heading":
            folders["quiz heading"] = heading_case(root / "courses")
        if not args.only or args.only in "many choices":
            folders["many choices"] = choices_case(root / "courses")
        if not args.only or args.only in "many questions":
            folders["many questions"] = questions_case(root / "courses")
        url = args.database_url or f"sqlite:///{root / 'limits.db'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        print(f"limits: file {limits.MAX_FILE_BYTES:,} bytes, {limits.MAX_LINES:,} lines, line "
              f"{LINE:,} characters, paragraph {limits.MAX_BLOCK_CHARS:,} characters, nesting "
              f"{limits.MAX_NESTING}; database: {args.database_url or 'SQLite'}\n")  # fmt: skip
        print(f"{'case':<18} {'bytes':>8} {'check s':>8} {'sync s':>8}  verdict")
        with app.app_context():
            db.drop_all()
            db.create_all()
            for name, folder in folders.items():
                size = (folder / "01-module.md").stat().st_size
                check_seconds, result = timed(load_courses, folder)
                # item-writing warnings are the point of the many-questions case, not a refusal
                result.problems[:] = [p for p in result.problems if "item-writing" not in p.message]
                if result.problems:
                    print(f"{name:<18} {size:>8,} {check_seconds:8.2f} {'-':>8}  NOT ACCEPTED: "
                          f"{result.problems[0]}")  # fmt: skip
                    failed = True
                    continue
                sync_seconds, _ = timed(sync_courses, folder)
                db.session.remove()
                slow = max(check_seconds, sync_seconds) >= AIM
                failed |= slow
                verdict = "SLOW" if slow else f"ok (< {AIM:g})"
                print(f"{name:<18} {size:>8,} {check_seconds:8.2f} {sync_seconds:8.2f}  {verdict}")
            if args.database_url:
                db.drop_all()
            db.engine.dispose()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
