"""A quiz pool in the sample course, for tests of drawing, grading and the pages that show it."""

POOL = 5


def write_pooled_module(courses_dir, settings="draw: 2", pool=POOL):
    """Rewrite First Steps as a quiz of `pool` questions ("Question N?", one right choice "Right
    N", one wrong "Wrong N") with extra front matter `settings`; the caller publishes it."""
    path = courses_dir / "sample-course" / "01-first-steps.md"
    head, _ = path.read_text().split("## Quiz\n")
    head = head.replace("minutes: 15", f"minutes: 15\n{settings}" if settings else "minutes: 15")
    quiz = "".join(
        f"### Question {n}?\n\n- [x] Right {n}\n- [ ] Wrong {n}\n\n> Because {n}.\n\n"
        for n in range(1, pool + 1)
    )
    path.write_text(head + "## Quiz\n\n" + quiz)
