"""Publishing live sessions: versions by content hash, retiring, the certificate's required
sessions, and what the sync reports."""

import shutil

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import AuditEvent, Course, LiveSession, LiveSessionVersion
from lms.services.authoring.publishing import sync_courses

SESSION = """---
title: Role-play {n}
minutes: 90
domains: {{mentoring-education: 60, advocacy: 30}}
objectives:
  - Practise listening.
requires: [listening]
---

## Plan

Guide {n}: {text}. ![Chairs](../media/circle.png) See [the module](../02-listening.md).

## Skills checklist

- [ ] Reflects *feelings* back.
- [ ] Asks open questions.
"""


def write(courses_dir, n, text="original", slug=None):
    folder = courses_dir / "sample-course" / "sessions"
    folder.mkdir(exist_ok=True)
    path = folder / f"{n:02d}-{slug or f'session-{n}'}.md"
    path.write_text(SESSION.format(n=n, text=text))
    return path


def require(courses_dir, block):
    path = courses_dir / "sample-course" / "course.md"
    end = "  valid_for_months: 12\n"
    path.write_text(path.read_text().replace(end, end + "  requires:\n" + block))


def session(slug):
    return db.session.scalar(select(LiveSession).where(LiveSession.slug == slug))


def versions():
    return db.session.scalar(select(func.count()).select_from(LiveSessionVersion))


def test_a_new_session_is_published_with_its_guide_and_checklist(app_ctx, courses_dir):
    write(courses_dir, 1)
    report = sync_courses(courses_dir)
    assert report.session_versions_added == ["sample-course/session-1 v1"]
    published = session("session-1")
    assert (published.position, published.current_version_number) == (1, 1)
    assert published.course.slug == "sample-course"
    version = db.session.scalar(select(LiveSessionVersion))
    assert (version.title, version.minutes, version.domain) == ("Role-play 1", 90,
                                                                "mentoring-education")  # fmt: skip
    assert version.domain_minutes == {"advocacy": 30, "mentoring-education": 60}
    assert version.objectives == ["Practise listening."]
    assert version.requires == ["listening"]
    assert version.skills == ["Reflects feelings back.", "Asks open questions."]
    assert "Guide 1: original" in version.guide_html
    assert "Skills checklist" not in version.guide_html
    # links work on a page three segments deep, such as /staff/meetings/<id>
    assert '<img alt="Chairs" src="../../media/' in version.guide_html
    assert '<a href="../../courses/sample-course/listening"' in version.guide_html
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "course.synced"))
    assert event.summary.endswith("; live sessions: 1 new versions, 0 retired")
    assert event.details["session_versions_added"] == ["sample-course/session-1 v1"]


def test_an_unchanged_session_gets_no_new_version(app_ctx, courses_dir):
    write(courses_dir, 1)
    sync_courses(courses_dir)
    report = sync_courses(courses_dir)
    assert not report.changed
    assert report.sessions_unchanged == 1
    assert versions() == 1


def test_a_changed_session_gets_a_new_version_and_the_old_one_stays(app_ctx, courses_dir):
    path = write(courses_dir, 1)
    sync_courses(courses_dir)
    first_id = db.session.scalar(select(LiveSessionVersion.id))
    path.write_text(SESSION.format(n=1, text="changed"))
    report = sync_courses(courses_dir)
    assert report.session_versions_added == ["sample-course/session-1 v2"]
    assert session("session-1").current_version_number == 2
    assert "original" in db.session.get(LiveSessionVersion, first_id).guide_html
    assert db.session.scalar(select(Course)).version == 2
    # going back to the first text points back at the first version
    path.write_text(SESSION.format(n=1, text="original"))
    report = sync_courses(courses_dir)
    assert report.session_versions_added == []
    assert session("session-1").current_version_number == 1
    assert versions() == 2


def test_a_removed_session_is_retired_and_can_come_back(app_ctx, courses_dir, tmp_path):
    write(courses_dir, 1)
    path = write(courses_dir, 2)
    sync_courses(courses_dir)
    kept = tmp_path / "kept.md"
    shutil.move(path, kept)
    report = sync_courses(courses_dir)
    assert report.sessions_retired == ["sample-course/session-2"]
    assert session("session-2").retired_at is not None
    assert session("session-1").retired_at is None
    assert versions() == 2
    shutil.move(kept, path)
    report = sync_courses(courses_dir)
    assert session("session-2").retired_at is None
    assert report.session_versions_added == []
    assert versions() == 2


def test_required_sessions_and_checklists_are_written_to_the_course(app_ctx, courses_dir):
    write(courses_dir, 1)
    write(courses_dir, 2)
    require(courses_dir, "    sessions: [session-1]\n    skills_checklists: [session-2]\n")
    sync_courses(courses_dir)
    course = db.session.scalar(select(Course))
    assert course.required_sessions == ["session-1", "session-2"]
    assert course.required_checklists == ["session-2"]
    require_none = courses_dir / "sample-course" / "course.md"
    require_none.write_text(require_none.read_text().replace("    skills_checklists: [session-2]\n",
                                                             ""))  # fmt: skip
    sync_courses(courses_dir)
    assert (course.required_sessions, course.required_checklists) == (["session-1"], [])


def test_a_course_without_sessions_publishes_as_before(app_ctx, courses_dir):
    report = sync_courses(courses_dir)
    assert report.session_versions_added == []
    assert db.session.scalar(select(func.count()).select_from(LiveSession)) == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "course.synced"))
    assert "live sessions" not in event.summary


def test_the_sync_command_names_new_and_retired_sessions(runner, courses_dir):
    write(courses_dir, 1)
    result = runner.invoke(args=["courses", "sync", str(courses_dir)])
    assert "new live session versions (1): sample-course/session-1 v1" in result.output
    (courses_dir / "sample-course" / "sessions" / "01-session-1.md").unlink()
    result = runner.invoke(args=["courses", "sync", str(courses_dir)])
    assert "live sessions retired (1): sample-course/session-1" in result.output
