"""Publishing one draft course: the preview of what changes, the publish through the same sync as
the command line, all or nothing, one course at a time, audited."""

import shutil

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import Course, Module, ModuleVersion
from lms.services import audit
from lms.services.authoring.publishing import sync_courses
from lms.services.workspace import checking, files, publishing, store
from lms.services.workspace.errors import NotPublishable
from tests.records import person
from tests.unit.test_publishing import snapshot
from tests.workspacekit import MODULE, ready_course, write


def published_state(slug):
    """The published course and its modules, as values to compare."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    modules = db.session.execute(
        select(Module.slug, Module.position, Module.current_version_number, Module.retired_at,
               ModuleVersion.content_hash, ModuleVersion.title, ModuleVersion.minutes)
        .join(ModuleVersion, (ModuleVersion.module_id == Module.id)
              & (ModuleVersion.number == Module.current_version_number))
        .where(Module.course_id == course.id)
        .order_by(Module.position)
    ).all()  # fmt: skip
    return (course.title, course.summary, course.version, course.content_hash, modules)


def two_module_course(slug="my-course", author_id=None):
    course = ready_course(slug, author_id)
    write(course, "02-second.md", MODULE.format(n=2, text="the second lesson."), author_id)
    return course


def test_the_first_preview_adds_everything(app_ctx):
    course = two_module_course()
    files.add_session(course, "Role play")
    changes = publishing.preview(course)
    assert [(c.kind, c.slug) for c in changes.added] == [
        ("module", "introduction"), ("module", "second"), ("session", "role-play"),
    ]  # fmt: skip
    assert changes.changed == changes.retired == []
    assert changes.course_changed and not changes.nothing


def test_the_preview_shows_modules_added_changed_with_their_diff_and_retired(app_ctx):
    course = two_module_course()
    publishing.publish(course)
    assert publishing.preview(course).nothing
    write(course, "02-second.md", MODULE.format(n=2, text="a better second lesson."))
    files.delete_file(course, "01-introduction.md")
    files.add_module(course, "Third")
    changes = publishing.preview(course)
    assert [c.slug for c in changes.added] == ["third"]
    assert [c.slug for c in changes.retired] == ["introduction"]
    (changed,) = changes.changed
    assert changed.slug == "second"
    assert "-Lesson 2: the second lesson.\n+Lesson 2: a better second lesson.\n" in changed.diff
    assert changed.diff.startswith("--- 02-second.md (published)\n+++ 02-second.md (draft)\n")
    assert changes.course_diff == "" and not changes.course_changed
    assert changes.summary() == (
        "added: third; changed: second; retired: introduction; course.md unchanged"
    )


def test_publish_matches_a_disk_sync_of_the_same_files(app_ctx, tmp_path):
    course = two_module_course()
    files.add_session(course, "Role play")
    report = publishing.publish(course)
    assert report.courses_added == ["my-course"]
    assert report.versions_added == ["my-course/introduction v1", "my-course/second v1"]
    published = published_state("my-course")
    # the same files synced from disk find nothing to change, and load as the same course
    with checking.materialized(course) as folder:
        disk = sync_courses(folder)
        assert not disk.changed
    assert published_state("my-course") == published
    assert published[3] == checking.check_course(course).course.content_hash


def test_a_second_publish_with_no_change_changes_nothing(app_ctx):
    staff = person("sam@example.org", "Sam", "staff")
    course = two_module_course()
    publishing.publish(course, staff.id)
    before = snapshot()
    report = publishing.publish(store.course_by_slug("my-course"), staff.id)
    assert not report.changed
    assert snapshot() == before


def test_a_broken_course_is_refused_and_nothing_is_written(app_ctx):
    course = two_module_course()
    publishing.publish(course)
    write(
        course,
        "02-second.md",
        MODULE.format(n=2, text="changed.").replace("minutes: 2", "minutes: x"),
    )
    before = snapshot()
    with pytest.raises(
        NotPublishable, match="my-course has 1 error: fix them, then publish"
    ) as raised:
        publishing.publish(course)
    assert [str(p) for p in raised.value.content_problems] == [
        "my-course/02-second.md:3: 'minutes' must be a whole number from 1 to 240, not 'x'"
    ]
    assert snapshot() == before


def test_a_broken_course_never_blocks_publishing_another(app_ctx):
    broken = ready_course("broken")
    write(broken, "01-introduction.md", "no front matter")
    with pytest.raises(NotPublishable):
        publishing.publish(broken)
    report = publishing.publish(two_module_course())
    assert report.courses_added == ["my-course"]


def test_publishing_one_course_retires_no_other(app_ctx, courses_dir):
    sync_courses(courses_dir)  # the fixture's sample-course, from disk
    report = publishing.publish(two_module_course())
    assert report.courses_retired == []
    sample = db.session.scalar(select(Course).where(Course.slug == "sample-course"))
    assert sample.retired_at is None


def test_publish_records_the_revisions_and_audits_the_change(app_ctx):
    staff = person("sam@example.org", "Sam", "staff")
    course = two_module_course(author_id=staff.id)
    publishing.publish(course, staff.id)
    assert course.published == {"course.md": 2, "01-introduction.md": 1, "02-second.md": 1}
    assert course.published_by_id == staff.id and course.published_at is not None
    write(course, "02-second.md", MODULE.format(n=2, text="new words."), staff.id)
    files.add_module(course, "Third", staff.id)
    publishing.publish(course, staff.id)
    latest, first = audit.events(action="course.published")
    assert (latest.actor_id, first.actor_id) == (staff.id, staff.id)
    assert latest.summary == (
        "my-course: added: third; changed: second; retired: none; course.md unchanged"
    )
    assert latest.details["added"] == ["third"] and latest.details["changed"] == ["second"]
    assert latest.details["versions_added"] == ["my-course/second v2", "my-course/third v1"]
    assert audit.events(action="course.synced") == []
    assert audit.ACTION_LABELS["course.published"]


def test_a_module_published_from_disk_shows_as_changed_without_a_diff(app_ctx, courses_dir):
    course = ready_course("sample-course")  # before the sync: once published, a slug is taken
    sync_courses(courses_dir)
    first_steps = (courses_dir / "sample-course" / "01-first-steps.md").read_text()
    write(course, "01-first-steps.md", first_steps)
    changes = publishing.preview(course)
    assert [c.slug for c in changes.added] == ["introduction"]
    assert [(c.slug, c.diff) for c in changes.changed] == [("first-steps", None)]
    assert [c.slug for c in changes.retired] == ["listening"]


def test_the_preview_shows_course_md_changed_with_its_diff(app_ctx):
    course = two_module_course()
    publishing.publish(course)
    text, _ = files.open_file(course, "course.md")
    write(course, "course.md", text.replace("A course for the tests.", "A better summary."))
    changes = publishing.preview(course)
    assert changes.course_changed and not changes.added and not changes.changed
    assert "-summary: A course for the tests.\n+summary: A better summary.\n" in changes.course_diff
    assert publishing.publish(course).courses_updated == ["my-course"]


def test_a_sync_from_disk_leaves_a_course_published_from_the_workspace_alone(app_ctx, courses_dir):
    """The workspace owns what it published: a disk folder with the same slug neither overwrites
    it nor (when the folder lacks it) retires it, and the sync says why."""
    course = two_module_course(slug="sample-course")
    publishing.publish(course)
    before = published_state("sample-course")

    report = sync_courses(courses_dir, "courses")  # its own sample-course, other files
    assert published_state("sample-course") == before
    assert [str(w) for w in report.warnings] == [
        "courses/sample-course: warning: not published from this folder: the course is edited "
        "and published in the course workspace (Staff tools, Course workspace); export it from "
        "there to work on it as files"
    ]

    # the folder no longer has it, only another course
    shutil.move(courses_dir / "sample-course", courses_dir / "other-course")
    report = sync_courses(courses_dir, "courses")
    assert report.courses_retired == []
    assert (
        db.session.scalar(select(Course).where(Course.slug == "sample-course")).retired_at is None
    )
