"""How long checking and publishing courses take: a generated course set and the bundled courses.

Not part of the test run (pytest ignores tests/perf). Run it as a script:

    python tests/perf/bench_courses.py                    # 200 generated modules, SQLite
    python tests/perf/bench_courses.py --modules 40       # a smaller set
    python tests/perf/bench_courses.py --profile          # also profile the first 200-module sync
    python tests/perf/bench_courses.py --database-url postgresql+psycopg://u:p@host/db

With --database-url the syncs run on that database, which is EMPTIED (every table dropped) before
each sync set: never point it at a database whose data you want.

It times load_courses (the checker), `lms courses check` as a subprocess, and sync_courses into a
fresh database: the first sync and a second sync with nothing changed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from lms import create_app
from lms.content.loader import load_courses
from lms.extensions import db
from lms.services.authoring.publishing import sync_courses

BUNDLED = Path(__file__).resolve().parent.parent.parent / "courses"
MODULES_PER_COURSE = 20
QUESTIONS_PER_MODULE = 7
LESSON_WORDS = 1500
AIMS = {"sync bundled (first)": 2.0, "sync generated (first)": 10.0}
DOMAINS = ("advocacy", "mentoring-education", "recovery-wellness", "ethical-responsibility")

VOCABULARY = """
recovery peer support person listen hope trust boundary choice goal strength story group meeting
feeling voice respect safety honest care plan week family friend work home health stress sleep
coping skill practice change step path community belonging stigma dignity culture language
question answer notice reflect summarise validate encourage invite explore agree check follow
share learn grow rest breathe walk call write read ask offer wait return begin continue support
calm kind clear gentle steady open warm careful patient curious brave small daily new shared
"""
WORDS = tuple(VOCABULARY.split())
NAMES = ["Maya", "Sam", "Alex", "Jordan", "Priya", "Tom", "Lena", "Kofi", "Rosa", "Ivan"]


class Writer:
    """Deterministic, varied Markdown: the same --modules always gives the same files."""

    def __init__(self, seed):
        self.random = random.Random(seed)

    def words(self, low, high):
        return [self.random.choice(WORDS) for _ in range(self.random.randint(low, high))]

    def sentence(self, low=8, high=18):
        words = self.words(low, high)
        if self.random.random() < 0.3:
            i = self.random.randrange(len(words))
            words[i] = self.random.choice(["**{}**", "*{}*", "`{}`"]).format(words[i])
        text = " ".join(words)
        return text[0].upper() + text[1:] + self.random.choice([".", ".", ".", "?"])

    def paragraph(self, sentences=(3, 6)):
        return " ".join(self.sentence() for _ in range(self.random.randint(*sentences)))

    def lesson(self, links):
        """About LESSON_WORDS words: paragraphs, headings, lists, a table and a few links."""
        blocks, count, section = [], 0, 0
        while count < LESSON_WORDS:
            kind = self.random.choice(["p", "p", "p", "ul", "ol", "h"])
            if section == 2 and not any(b.startswith("|") for b in blocks):
                kind = "table"
            if kind == "p":
                text = self.paragraph()
                if links and self.random.random() < 0.2:
                    text += f" See [{self.random.choice(WORDS)}]({self.random.choice(links)})."
            elif kind in ("ul", "ol"):
                marker = "-" if kind == "ul" else "1."
                items = [self.sentence(4, 10) for _ in range(self.random.randint(3, 6))]
                text = "\n".join(f"{marker} {item}" for item in items)
            elif kind == "h":
                section += 1
                level = "##" if section % 3 else "###"
                text = f"{level} {' '.join(self.words(2, 5)).capitalize()} {section}"
            else:
                rows = [" | ".join(self.words(1, 3)) for _ in range(4)]
                text = "| Skill | Example | Note |\n| --- | --- | --- |\n" + "\n".join(
                    f"| {row} | {self.random.choice(WORDS)} | {self.random.choice(WORDS)} |"
                    for row in rows
                )
            blocks.append(text)
            count += len(text.split())
        return "\n\n".join(blocks)

    def question(self, number):
        correct = self.random.sample(range(4), self.random.choice([1, 1, 1, 2]))
        stem = f"Question {number}: {self.sentence(5, 10).rstrip('.?')}?"
        lines = [f"### {stem}", ""]
        if self.random.random() < 0.6 or len(correct) > 1:
            name = self.random.choice(NAMES)
            scenario = f"{name} says: {self.sentence()} {self.sentence()}"
            if len(correct) > 1:
                scenario += " Choose all that apply."
            lines += [scenario, ""]
        for index in range(4):
            mark = "x" if index in correct else " "
            lines.append(f"- [{mark}] Choice {index + 1}: {self.sentence(4, 12)}")
        lines += ["", f"> {self.paragraph((1, 3))}"]
        return "\n".join(lines)


def generate(root, modules):
    """Write `modules` modules, 20 a course, into root; return the number of courses."""
    writer = Writer(modules)
    courses = (modules + MODULES_PER_COURSE - 1) // MODULES_PER_COURSE
    for c in range(courses):
        folder = root / f"generated-course-{c + 1:02d}"
        folder.mkdir(parents=True)
        count = min(MODULES_PER_COURSE, modules - c * MODULES_PER_COURSE)
        files = [f"{n:02d}-module-{n}.md" for n in range(1, count + 1)]
        settings = {
            "title": f"Generated course {c + 1}",
            "summary": writer.sentence(),
            "pass_mark": 80,
            "certificate": {"title": f"Generated certificate {c + 1}", "valid_for_months": 24},
        }
        overview = f"{writer.paragraph()}\n\nStart with [the first module]({files[0]})."
        (folder / "course.md").write_text(_front(settings) + "\n" + overview + "\n")
        for n, name in enumerate(files, start=1):
            settings = {
                "title": f"Module {n}: {' '.join(writer.words(2, 4)).capitalize()}",
                "minutes": writer.random.randint(10, 40),
                "domain": DOMAINS[n % len(DOMAINS)],
                "objectives": [writer.sentence(5, 10) for _ in range(3)],
            }
            others = [f for f in files if f != name]
            quiz = "\n\n".join(writer.question(q) for q in range(1, QUESTIONS_PER_MODULE + 1))
            body = f"{writer.lesson(others)}\n\n## Quiz\n\n{quiz}\n"
            (folder / name).write_text(_front(settings) + "\n" + body)
    return courses


def _front(values):
    return "---\n" + yaml.safe_dump(values, sort_keys=False, width=1000) + "---\n"


def lms_command():
    """The `lms` script of the Python running this benchmark."""
    beside = Path(sys.executable).parent / "lms"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("lms")
    return [found] if found else [sys.executable, "-c", "from lms import main; main()"]


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def bench_set(name, root, database_url, workdir, profile=False):
    """Time every step for one courses folder; return [(label, seconds, note)]."""
    rows = []
    seconds, result = timed(load_courses, root)
    modules = sum(len(c.modules) for c in result.courses)
    assert not result.errors, "\n".join(str(p) for p in result.errors)
    rows.append(
        (f"load_courses {name}", seconds, f"{len(result.courses)} courses, {modules} modules")
    )

    seconds, check = timed(
        subprocess.run, [*lms_command(), "courses", "check", str(root)], capture_output=True,
    )  # fmt: skip
    note = f"exit status {check.returncode}"
    if check.returncode:
        note += ": " + (check.stdout or check.stderr).decode(errors="replace").split("\n")[0]
    rows.append((f"lms courses check {name}", seconds, note))

    url = database_url or f"sqlite:///{workdir / (name + '.db')}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        seconds, report = timed(sync_courses, root)
        if profiler:
            profiler.disable()
        rows.append(
            (f"sync {name} (first)", seconds, f"{len(report.versions_added)} versions added")
        )
        db.session.remove()
        seconds, report = timed(sync_courses, root)
        assert not report.changed, "a second sync with no change changed something"
        rows.append((f"sync {name} (no change)", seconds, f"{report.modules_unchanged} unchanged"))
        db.session.remove()
        if database_url:
            db.drop_all()
        db.engine.dispose()
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
        print(out.getvalue())
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--modules", type=int, default=200, help="generated modules (200)")
    parser.add_argument(
        "--database-url", help="sync into this database instead of SQLite (it is emptied!)"
    )
    parser.add_argument("--profile", action="store_true", help="profile the generated first sync")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp:
        workdir = Path(tmp)
        generated = workdir / "courses"
        seconds, courses = timed(generate, generated, args.modules)
        words = sum(len(p.read_text().split()) for p in generated.rglob("*.md"))
        print(
            f"generated {args.modules} modules in {courses} courses ({words:,} words) "
            f"in {seconds:.1f} s; database: {args.database_url or 'SQLite (temporary file)'}\n"
        )
        rows = bench_set("generated", generated, args.database_url, workdir, args.profile)
        rows += bench_set("bundled", BUNDLED, args.database_url, workdir)

    aims = dict(AIMS)
    if args.modules != 200:
        del aims["sync generated (first)"]  # the aim is for 200 modules
    width = max(len(label) for label, _, _ in rows)
    print(f"{'step':<{width}}  {'seconds':>8}  {'aim':>7}  notes")
    failed = False
    for label, seconds, note in rows:
        aim = aims.get(label)
        verdict = ""
        if aim is not None:
            verdict = "ok" if seconds < aim else "SLOW"
            failed |= seconds >= aim
        aim_text = f"< {aim:g}" if aim is not None else ""
        print(f"{label:<{width}}  {seconds:8.2f}  {aim_text:>7}  {verdict:<4}  {note}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
