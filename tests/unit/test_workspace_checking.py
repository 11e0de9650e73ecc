"""Checking draft courses with the course reader: problems located by file and line, a single
file checked as it is typed, and CE categories named by other courses' renewal rules."""

from pathlib import Path

from lms.services.authoring.publishing import sync_courses
from lms.services.workspace import checking, files
from tests.workspacekit import MODULE, ready_course, write

RENEWAL_COURSE = """---
title: Renewing
summary: A course with a renewal rule.
certificate:
  title: Renewing Certificate
  valid_for_months: 24
  renewal:
    ce_hours: 20
    categories: [ethics, peer-specific, elective]
---

Overview.
"""

CE_MODULE = MODULE.replace(
    "domain: advocacy\n", "domain: advocacy\nce: {{hours: 1, category: {category}}}\n"
)


def test_a_broken_module_is_reported_at_its_file_and_line(app_ctx):
    course = ready_course()
    broken = MODULE.format(n=2, text="words.").replace(
        "- [x] Right answer 2", "- [ ] Right answer 2"
    )
    write(course, "02-broken.md", broken)
    result = checking.check_course(course)
    assert result.course is None
    line = broken.split("\n").index("### Question for module 2?") + 1
    assert [str(p) for p in result.errors] == [
        f"my-course/02-broken.md:{line}: question 'Question for module 2?' has no correct choice: "
        "mark one with '- [x]'"
    ]


def test_check_file_reports_only_that_file_from_its_unsaved_text(app_ctx):
    course = ready_course()
    write(course, "02-other.md", "not a module at all")  # broken, but not the file being typed
    text, _ = files.open_file(course, "01-introduction.md")
    assert checking.check_file(course, "01-introduction.md", text) == []
    typed = text.replace("minutes: 12", "minutes: many")
    (problem,) = checking.check_file(course, "01-introduction.md", typed)
    assert str(problem).startswith("my-course/01-introduction.md:3: ")
    # a link to another module resolves against the course's other files
    linked = text.replace("Write the lesson here", "See [the other](02-other.md). Write it")
    assert checking.check_file(course, "01-introduction.md", linked) == []
    missing = text.replace("Write the lesson here", "See [nothing](09-nothing.md). Write it")
    (problem,) = checking.check_file(course, "01-introduction.md", missing)
    assert "points to a file that is not there" in problem.message
    # the saved file is unchanged by checking
    assert files.open_file(course, "01-introduction.md")[0] == text


def test_check_file_reads_the_other_modules_of_a_long_course_as_stand_ins(app_ctx, monkeypatch):
    # What keeps check-as-you-type quick (tests/perf/bench_workspace.py times it): only the typed
    # module is parsed and rendered in full; the 38 others are read as short stand-ins. Counted,
    # not timed: a wall clock on a shared machine fails at random.
    read = []
    load = checking.load_courses

    def load_counting(folder, *args, **kwargs):
        read.extend(p.read_text() for p in Path(folder).rglob("*-module-*.md"))
        return load(folder, *args, **kwargs)

    monkeypatch.setattr(checking, "load_courses", load_counting)
    course = ready_course()
    for n in range(2, 40):
        write(course, f"{n:02d}-module-{n}.md", MODULE.format(n=n, text="word " * 300))
    lesson = "\n\n".join(
        " ".join(f"sentence{p}x{w}" for w in range(100)) + "." for p in range(30)
    )  # 3,000 words
    text = MODULE.format(n=1, text=lesson).replace("minutes: 2", "minutes: 17")
    problems = checking.check_file(course, "01-introduction.md", text)
    assert [p for p in problems if not p.warning] == []
    assert len(read) == 38 and not any("word word" in other for other in read)


def test_a_ce_category_may_come_from_a_published_course(app_ctx, tmp_path):
    folder = tmp_path / "renewing"
    folder.mkdir()
    (folder / "course.md").write_text(RENEWAL_COURSE)
    (folder / "01-one.md").write_text(MODULE.format(n=1, text="words."))
    sync_courses(folder)
    course = ready_course()
    write(course, "02-ce.md", CE_MODULE.format(n=2, text="words.", category="peer-specific"))
    assert checking.check_course(course).errors == []
    write(course, "02-ce.md", CE_MODULE.format(n=2, text="words.", category="knitting"))
    (problem,) = checking.check_course(course).errors
    assert problem.path == "my-course/02-ce.md"
    assert (
        "'knitting', which no course's renewal rule names: use one of 'ethics'" in problem.message
    )


def test_a_ce_category_may_come_from_another_draft_course(app_ctx):
    other = ready_course("renewing")
    write(other, "course.md", RENEWAL_COURSE)
    course = ready_course()
    write(course, "02-ce.md", CE_MODULE.format(n=2, text="words.", category="ethics"))
    assert checking.check_course(course).errors == []
    assert checking.check_file(course, "02-ce.md", files.open_file(course, "02-ce.md")[0]) == []
    assert set(checking.known_categories()) == {"ethics", "peer-specific", "elective"}
