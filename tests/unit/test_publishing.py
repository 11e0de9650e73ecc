"""Publishing course files into the database: versioning, retiring, and all-or-nothing syncs."""

import shutil

import pytest
from sqlalchemy import func, select

from lms.content.model import ContentError
from lms.extensions import db
from lms.models import Course, Module, ModuleVersion, Question, QuizAttempt, User
from lms.services.authoring import publishing
from lms.services.authoring.publishing import sync_courses
from lms.services.learning import catalog

MODULE = """---
title: Module {n}
minutes: 1
domain: advocacy
objectives:
  - Learn thing {n}.
---

Lesson {n}: {text}

## Quiz

### Question for module {n}?

- [x] Right {n}
- [ ] Wrong {n}

> Because {n}.
"""


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def snapshot():
    """Every row of every table, to compare the whole database before and after."""
    tables = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        tables[table.name] = [tuple(row) for row in rows]
    return tables


def module(slug, course="sample-course"):
    return db.session.scalar(
        select(Module).join(Course).where(Course.slug == course, Module.slug == slug)
    )


def make_ten_module_course(root):
    folder = root / "ten"
    folder.mkdir()
    (folder / "course.md").write_text(
        "---\ntitle: Ten\nsummary: Ten modules.\ncertificate:\n  title: T\n"
        "  valid_for_months: 6\n---\nOverview.\n"
    )
    for n in range(1, 11):
        (folder / f"{n:02d}-module-{n}.md").write_text(MODULE.format(n=n, text="original"))
    return folder


def test_sync_publishes_courses_modules_questions_and_media(app_ctx, courses_dir):
    report = sync_courses(courses_dir)

    assert report.courses_added == ["sample-course"]
    assert report.versions_added == ["sample-course/first-steps v1", "sample-course/listening v1"]
    course = db.session.scalar(select(Course))
    assert (course.title, course.pass_mark, course.version) == ("Sample Course", 75, 1)
    assert (course.certificate_title, course.certificate_valid_for_months) == (
        "Sample Certificate",
        12,
    )
    assert [(m.slug, m.position) for m in course.modules] == [("first-steps", 1), ("listening", 2)]
    first = db.session.scalar(select(ModuleVersion).where(ModuleVersion.title == "First Steps"))
    assert first.pass_mark == 75  # inherited from the course
    assert first.objectives == ["Describe the first steps.", "Name one source of hope."]
    assert [q.kind for q in first.questions] == ["single", "multiple"]
    assert [c.is_correct for c in first.questions[1].choices] == [True, True, False]
    listening = db.session.scalar(select(ModuleVersion).where(ModuleVersion.title == "Listening"))
    assert (listening.pass_mark, listening.max_attempts, listening.retry_after_minutes) == (
        50,
        3,
        10,
    )
    assert count(Question) == 3


def test_links_become_relative_page_urls(app_ctx, courses_dir):
    sync_courses(courses_dir)
    first = db.session.scalar(select(ModuleVersion).where(ModuleVersion.title == "First Steps"))
    listening = db.session.scalar(select(ModuleVersion).where(ModuleVersion.title == "Listening"))
    course = db.session.scalar(select(Course))

    assert '<a href="listening#section-open-questions"' in first.lesson_html
    assert '<img alt="A circle of chairs" src="../../media/' in first.lesson_html
    assert '<a href="./"' in listening.lesson_html
    assert '<a href="first-steps"' in course.overview_html


def test_resyncing_unchanged_content_writes_nothing(app_ctx, courses_dir):
    sync_courses(courses_dir)
    before = snapshot()

    report = sync_courses(courses_dir)

    assert not report.changed
    assert report.modules_unchanged == 2
    assert snapshot() == before


def test_changed_module_gets_a_new_version_and_old_records_keep_the_old_one(app_ctx, courses_dir):
    sync_courses(courses_dir)
    old_version = db.session.scalar(select(ModuleVersion).where(ModuleVersion.title == "Listening"))
    old_id, old_html = old_version.id, old_version.lesson_html
    user = User(email="t@example.org", name="T", password_hash="x")
    db.session.add(user)
    db.session.flush()
    attempt = QuizAttempt(
        user_id=user.id,
        module_id=old_version.module_id,
        module_version_id=old_id,
        score=100,
        passed=True,
    )
    db.session.add(attempt)
    db.session.commit()

    path = courses_dir / "sample-course" / "02-listening.md"
    path.write_text(path.read_text().replace("the core skill", "the heart of peer support"))
    report = sync_courses(courses_dir)

    assert report.versions_added == ["sample-course/listening v2"]
    assert module("listening").current_version_number == 2
    assert db.session.get(QuizAttempt, attempt.id).module_version_id == old_id
    old = db.session.get(ModuleVersion, old_id)
    assert (old.number, old.lesson_html) == (1, old_html)
    _, current, _ = catalog.current_module("sample-course", "listening")
    assert current.number == 2 and "heart of peer support" in current.lesson_html
    assert db.session.scalar(select(Course)).version == 2


def test_reverting_a_module_points_back_at_its_earlier_version(app_ctx, courses_dir):
    path = courses_dir / "sample-course" / "02-listening.md"
    original = path.read_text()
    sync_courses(courses_dir)
    path.write_text(original.replace("core skill", "main skill"))
    sync_courses(courses_dir)
    path.write_text(original)

    report = sync_courses(courses_dir)

    assert report.versions_added == []
    assert module("listening").current_version_number == 1
    assert count(ModuleVersion) == 3


def test_removed_module_is_retired_not_deleted_and_can_come_back(app_ctx, courses_dir, tmp_path):
    sync_courses(courses_dir)
    source = courses_dir / "sample-course" / "02-listening.md"
    # The first module links to this one, so drop the link too.
    first = courses_dir / "sample-course" / "01-first-steps.md"
    first.write_text(first.read_text().replace("(02-listening.md#open-questions)", "(course.md)"))
    kept = tmp_path / "kept.md"
    shutil.move(source, kept)

    report = sync_courses(courses_dir)

    assert report.modules_retired == ["sample-course/listening"]
    retired = module("listening")
    assert retired.retired_at is not None
    assert count(ModuleVersion) == 3  # listening v1 stays; first-steps got v2 for its new link
    _, modules = catalog.course_by_slug("sample-course")
    assert [m.slug for m in modules] == ["first-steps"]
    with pytest.raises(catalog.NotFound):
        catalog.current_module("sample-course", "listening")

    shutil.move(kept, source)
    report = sync_courses(courses_dir)
    assert module("listening").retired_at is None
    assert "sample-course/listening v2" not in report.versions_added


def test_renumbering_modules_keeps_their_identity(app_ctx, courses_dir):
    sync_courses(courses_dir)
    ids = {m.slug: m.id for m in db.session.scalars(select(Module))}
    folder = courses_dir / "sample-course"
    (folder / "01-first-steps.md").rename(folder / "05-first-steps.md")
    (folder / "02-listening.md").rename(folder / "03-listening.md")
    for path in folder.glob("*.md"):
        text = path.read_text().replace("01-first-steps.md", "05-first-steps.md")
        path.write_text(text.replace("02-listening.md", "03-listening.md"))

    report = sync_courses(courses_dir)

    # first-steps links to listening by file name, so its text (and version) changed; listening's
    # own content did not, and neither module lost its identity or history.
    assert report.versions_added == ["sample-course/first-steps v2"]
    assert {m.slug: m.id for m in db.session.scalars(select(Module))} == ids
    assert [(m.slug, m.position) for m in db.session.scalar(select(Course)).modules] == [
        ("listening", 1),
        ("first-steps", 2),
    ]


def test_one_broken_file_among_ten_leaves_the_database_exactly_as_it_was(app_ctx, tmp_path):
    root = tmp_path / "set"
    root.mkdir()
    folder = make_ten_module_course(root)
    sync_courses(root)
    before = snapshot()
    for n in range(1, 10):
        path = folder / f"{n:02d}-module-{n}.md"
        path.write_text(MODULE.format(n=n, text="changed"))
    broken = folder / "10-module-10.md"
    broken.write_text(broken.read_text().replace("- [x] Right 10", "- [ ] Right 10"))

    with pytest.raises(ContentError) as raised:
        sync_courses(root)

    assert [str(p) for p in raised.value.problems] == [
        f"{root}/ten/10-module-10.md:13: question 'Question for module 10?' has no correct "
        "choice: mark one with '- [x]'"
    ]
    assert snapshot() == before


def test_a_failure_while_writing_rolls_everything_back(app_ctx, tmp_path, monkeypatch):
    root = tmp_path / "set"
    root.mkdir()
    folder = make_ten_module_course(root)
    sync_courses(root)
    before = snapshot()
    for n in range(1, 11):
        (folder / f"{n:02d}-module-{n}.md").write_text(MODULE.format(n=n, text="changed"))
    calls = []
    real_add_version = publishing._add_version

    def fail_on_the_sixth(*args):
        calls.append(args)
        if len(calls) == 6:
            raise RuntimeError("disk full")
        return real_add_version(*args)

    monkeypatch.setattr(publishing, "_add_version", fail_on_the_sixth)
    with pytest.raises(RuntimeError, match="disk full"):
        sync_courses(root)

    assert snapshot() == before


def test_a_course_gone_from_the_folder_is_retired(app_ctx, courses_dir, tmp_path):
    sync_courses(courses_dir)
    shutil.move(courses_dir / "sample-course", tmp_path / "elsewhere")
    (courses_dir / "other").mkdir()
    shutil.copytree(tmp_path / "elsewhere", courses_dir / "other", dirs_exist_ok=True)

    report = sync_courses(courses_dir)

    assert report.courses_retired == ["sample-course"]
    assert [c.slug for c, _ in catalog.published_courses()] == ["other"]


def test_syncing_one_course_folder_leaves_other_courses_alone(app_ctx, courses_dir, tmp_path):
    sync_courses(courses_dir)
    root = tmp_path / "set"
    root.mkdir()
    single = make_ten_module_course(root)

    report = sync_courses(single)

    assert report.courses_added == ["ten"]
    assert report.courses_retired == []
    assert sorted(c.slug for c, _ in catalog.published_courses()) == ["sample-course", "ten"]


def test_bundled_courses_publish(app_ctx):
    from tests.conftest import BUNDLED_COURSES

    report = sync_courses(BUNDLED_COURSES)

    assert sorted(report.courses_added) == [
        "peer-support-continuing-education",
        "peer-support-foundations",
        "running-a-peer-support-program",
    ]
    assert report.warnings == []
    courses = dict((c.slug, modules) for c, modules in catalog.published_courses())
    assert len(courses["peer-support-foundations"]) >= 8
    assert len(courses["running-a-peer-support-program"]) >= 3
