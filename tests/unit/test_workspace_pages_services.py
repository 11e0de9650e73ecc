"""What the workspace's pages add to its services: an image upload, the list of draft courses
with who changed each last, and a course's files sorted by kind; on the real database."""

import io

import pytest
from PIL import Image

from lms.services.workspace import files, history, store
from lms.services.workspace.images import ImageRefused
from tests.records import person
from tests.workspacekit import ready_course, write


def png():
    out = io.BytesIO()
    Image.new("RGB", (3, 2), (10, 20, 30)).save(out, format="PNG")
    return out.getvalue()


def test_an_image_is_checked_then_kept_with_a_revision(app_ctx):
    course = ready_course("pics")
    files.add_image(course, "chairs.png", png())
    files.add_image(course, "chairs.png", png())  # the same name again: its next revision
    assert store.live_files(course)["media/chairs.png"] == png()
    assert [r.note for r in history.history(course, "media/chairs.png")] == ["image uploaded"] * 2
    files.add_image(course, "chart.svg", b"<svg/>")
    with pytest.raises(ImageRefused, match="is an SVG that holds script"):
        files.add_image(course, "chart.svg", b"<svg><script>alert(1)</script></svg>")
    with pytest.raises(ImageRefused, match="is a PNG image but its name ends in .jpg"):
        files.add_image(course, "chairs.jpg", png())
    assert [p for p in store.live_files(course) if p.startswith("media/")] == [
        "media/chairs.png",
        "media/chart.svg",
    ]
    assert store.live_files(course)["media/chart.svg"] == b"<svg/>"


def test_the_list_names_who_changed_each_course_last(app_ctx):
    ana = person("ana@example.org", "Ana", "staff")
    ben = person("ben@example.org", "Ben", "staff")
    first = ready_course("first", ana.id)
    ready_course("second", ana.id)
    write(first, "02-more.md", "text\n", ben.id)
    summaries = {s.slug: s for s in files.course_summaries()}
    assert summaries["first"].updated_by == "Ben"
    assert summaries["second"].updated_by == "Ana"
    assert summaries["first"].published_at is None
    assert [s.slug for s in files.course_summaries()][0] == "first"


def test_a_courses_files_by_kind_and_its_deleted_ones(app_ctx):
    course = ready_course("kinds")
    files.add_module(course, "Second")
    files.add_session(course, "Role play")
    files.add_ethics(course)
    files.delete_file(course, "02-second.md")
    found = files.course_files(course)
    assert [d.path for d in found["module"]] == ["01-introduction.md"]
    assert [d.path for d in found["session"]] == ["sessions/01-role-play.md"]
    assert [d.path for d in found["ethics"]] == ["code-of-ethics.md"]
    assert [d.path for d in files.deleted_files(course)] == ["02-second.md"]
