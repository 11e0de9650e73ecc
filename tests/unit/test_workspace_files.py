"""Editing draft courses: creating, adding from templates, saving (with conflicts between two
people), renaming, deleting, restoring, reordering, history and diffs; on the real database."""

import pytest
from sqlalchemy import func, select

from lms.content.limits import MAX_FILE_BYTES
from lms.extensions import db
from lms.models import DraftCourse, DraftFile, DraftRevision
from lms.services.workspace import checking, files, history, store
from lms.services.workspace.errors import Conflict, WorkspaceError
from tests.records import person
from tests.workspacekit import MODULE, ready_course, write


def revisions():
    return db.session.scalar(select(func.count()).select_from(DraftRevision))


def test_a_new_course_has_course_md_and_a_first_module_and_asks_only_for_its_summary(app_ctx):
    author = person("ana@example.org", "Ana", "staff")
    course = files.create_course("peer-basics", author.id)
    assert list(store.live_files(course)) == ["01-introduction.md", "course.md"]
    assert course.created_by_id == author.id
    problems = checking.check_course(course).problems
    assert [str(p) for p in problems] == [
        "peer-basics/course.md:3: 'summary' must be text, not empty"
    ]


def test_a_course_slug_must_be_a_slug_and_new(app_ctx):
    files.create_course("peer-basics")
    with pytest.raises(WorkspaceError, match="already has a course 'peer-basics'"):
        files.create_course("peer-basics")
    with pytest.raises(WorkspaceError, match="'Peer Basics' is not a slug"):
        files.create_course("Peer Basics")
    with pytest.raises(WorkspaceError, match="101 characters long; the limit is 100"):
        files.create_course("a" * 101)
    assert db.session.scalar(select(func.count()).select_from(DraftCourse)) == 1


def test_added_modules_sessions_and_ethics_are_numbered_named_and_check_clean(app_ctx):
    course = ready_course()
    module = files.add_module(course, "Boundaries & Care: Saying No")
    session = files.add_session(course, "Role-play: Listening")
    second = files.add_session(course, "Debrief")
    ethics = files.add_ethics(course)
    assert module.path == "02-boundaries-care-saying-no.md"
    assert session.path == "sessions/01-role-play-listening.md"
    assert second.path == "sessions/02-debrief.md"
    assert ethics.path == "code-of-ethics.md"
    text = module.content.decode()
    assert 'title: "Boundaries & Care: Saying No"' in text
    for part in ("minutes: 12", "domain: advocacy", "(10 minutes)", "## Quiz", "- [x]"):
        assert part in text
    assert checking.check_course(course).problems == []
    assert "  - Write what trainees will practice in this session.\n" in session.content.decode()
    # the question skeleton, inserted into a quiz, checks clean too
    skeleton = files.question_skeleton(text)
    assert skeleton.startswith("### Write question 2 here: ")
    write(course, module.path, text + "\n" + skeleton)
    assert checking.check_course(course).problems == []


def test_a_module_title_must_give_a_new_slug(app_ctx):
    course = ready_course()
    with pytest.raises(WorkspaceError, match="already has a module 'introduction'"):
        files.add_module(course, "Introduction!")
    with pytest.raises(WorkspaceError, match="title with letters or digits"):
        files.add_module(course, "???")
    with pytest.raises(WorkspaceError, match="cannot be called 'ethics'"):
        files.add_module(course, "Ethics")
    with pytest.raises(WorkspaceError, match="already has its code-of-ethics.md"):
        files.add_ethics(course)
        files.add_ethics(course)


def test_text_is_stored_byte_for_byte(app_ctx):
    course = ready_course()
    text = "---\r\ntitle: é  \r\n---\r\n\ttabs and trailing spaces   \n\n\nno newline at the end"
    draft = write(course, "01-introduction.md", text)
    assert draft.content == text.encode("utf-8")
    assert files.open_file(course, "01-introduction.md") == (text, draft.revision)


@pytest.mark.parametrize(
    "path",
    ["/course.md", "../course.md", "sessions/../01-x.md", "a\\b.md", "sessions//01-x.md",
     "notes.txt", "01_x.md", "01-X.md", "sessions/extra/01-x.md", "media/", "", "media/.hidden"],
)  # fmt: skip
def test_paths_outside_the_course_layout_are_refused(app_ctx, path):
    course = ready_course()
    before = revisions()
    with pytest.raises(WorkspaceError):
        files.save_text(course, path, "text", None)
    assert revisions() == before


def test_a_file_over_the_size_limit_and_images_typed_as_text_are_refused(app_ctx):
    course = ready_course()
    with pytest.raises(WorkspaceError, match=f"the limit is {MAX_FILE_BYTES:,}: split it"):
        files.save_text(course, "02-long.md", "x" * (MAX_FILE_BYTES + 1), None)
    with pytest.raises(WorkspaceError, match="is an image: upload it"):
        files.save_text(course, "media/a.png", "not an image", None)


def test_the_second_save_from_an_old_revision_meets_a_conflict_and_can_merge(app_ctx):
    alice = person("alice@example.org", "Alice", "staff")
    bob = person("bob@example.org", "Bob", "staff")
    course = ready_course()
    path = "01-introduction.md"
    base_text, base = files.open_file(course, path)  # both open the same revision
    bobs = base_text.replace("Write the lesson here", "Bob's lesson")
    files.save_text(course, path, bobs, base, bob.id)
    alices = base_text.replace("Write the lesson here", "Alice's lesson")
    before = revisions()
    with pytest.raises(Conflict) as raised:
        files.save_text(course, path, alices, base, alice.id)
    conflict = raised.value
    assert (conflict.theirs.text, conflict.theirs.revision) == (bobs, base + 1)
    assert conflict.theirs.author == "Bob" and conflict.theirs.saved_at is not None
    assert (conflict.mine, conflict.base) == (alices, base_text)
    assert "Bob saved 01-introduction.md (revision 2) after you opened it: compare" in str(conflict)
    # nothing was overwritten or added
    assert files.open_file(course, path) == (bobs, base + 1)
    assert revisions() == before
    merged = bobs.replace("Bob's lesson", "Bob's and Alice's lesson")
    files.save_text(course, path, merged, conflict.theirs.revision, alice.id)
    assert files.open_file(course, path) == (merged, base + 2)


def test_two_people_creating_the_same_file_meet_a_conflict(app_ctx):
    course = ready_course()
    files.save_text(course, "02-new.md", "first", None)
    with pytest.raises(Conflict) as raised:
        files.save_text(course, "02-new.md", "second", None)
    assert raised.value.theirs.text == "first" and raised.value.base is None


def test_saving_over_a_file_deleted_meanwhile_is_a_conflict(app_ctx):
    course = ready_course()
    _, base = files.open_file(course, "01-introduction.md")
    files.delete_file(course, "01-introduction.md")
    with pytest.raises(Conflict, match="deleted 01-introduction.md") as raised:
        files.save_text(course, "01-introduction.md", "mine", base)
    assert raised.value.theirs.text is None


def test_rename_keeps_the_history(app_ctx):
    course = ready_course()
    files.rename_file(course, "01-introduction.md", "01-welcome.md")
    assert "01-introduction.md" not in store.live_files(course)
    entries = history.history(course, "01-welcome.md")
    assert [(e.number, e.path, e.note) for e in entries] == [
        (2, "01-welcome.md", "renamed from 01-introduction.md"),
        (1, "01-introduction.md", "created"),
    ]
    files.add_module(course, "Second")
    with pytest.raises(WorkspaceError, match="02-second.md already exists"):
        files.rename_file(course, "01-welcome.md", "02-second.md")
    files.delete_file(course, "02-second.md")
    with pytest.raises(WorkspaceError, match="02-second.md is the name of a deleted file"):
        files.rename_file(course, "01-welcome.md", "02-second.md")
    with pytest.raises(WorkspaceError, match="keep it in its kind of place"):
        files.rename_file(course, "01-welcome.md", "sessions/01-welcome.md")


def test_delete_then_restore(app_ctx):
    course = ready_course()
    text, _ = files.open_file(course, "01-introduction.md")
    files.delete_file(course, "01-introduction.md")
    assert "01-introduction.md" not in store.live_files(course)
    (deleted, created) = history.history(course, "01-introduction.md")
    assert (deleted.note, deleted.deleted) == ("deleted", True)
    row = db.session.scalar(
        select(DraftRevision).where(
            DraftRevision.number == 2, DraftRevision.path == "01-introduction.md"
        )
    )
    assert row.content is None
    with pytest.raises(WorkspaceError, match="revision 2 is the file's deletion"):
        history.restore(course, "01-introduction.md", 2)
    history.restore(course, "01-introduction.md", 1)
    assert files.open_file(course, "01-introduction.md") == (text, 3)
    assert history.history(course, "01-introduction.md")[0].note == "restored revision 1"


def test_restore_an_old_revision_and_diff_any_two(app_ctx):
    editor = person("eve@example.org", "Eve", "staff")
    course = ready_course()
    path = "02-module.md"
    write(course, path, MODULE.format(n=2, text="first words."), editor.id)
    write(course, path, MODULE.format(n=2, text="second words."), editor.id)
    diff = history.diff(course, path, 1, 2)
    assert diff.startswith("--- 02-module.md (revision 1)\n+++ 02-module.md (revision 2)\n")
    assert "-Lesson 2: first words.\n+Lesson 2: second words.\n" in diff
    assert history.diff(course, path, 2, 2) == ""
    history.restore(course, path, 1, editor.id)
    assert files.open_file(course, path)[0] == MODULE.format(n=2, text="first words.")
    entries = history.history(course, path)
    assert [(e.number, e.author, e.note) for e in entries] == [
        (3, "Eve", "restored revision 1"), (2, "Eve", "saved"), (1, "Eve", "saved"),
    ]  # fmt: skip
    with pytest.raises(WorkspaceError, match="has no revision 9"):
        history.diff(course, path, 1, 9)


def test_reorder_renumbers_modules_in_one_go(app_ctx):
    course = ready_course()
    files.add_module(course, "Second")
    files.add_module(course, "Third")
    moves = files.reorder(course, "module", ["03-third.md", "01-introduction.md", "02-second.md"])
    assert moves == {
        "03-third.md": "01-third.md",
        "01-introduction.md": "02-introduction.md",
        "02-second.md": "03-second.md",
    }
    assert [p for p in store.live_files(course) if p != "course.md"] == [
        "01-third.md", "02-introduction.md", "03-second.md",
    ]  # fmt: skip
    assert history.history(course, "01-third.md")[0].note == "renamed from 03-third.md"
    assert checking.check_course(course).errors == []
    with pytest.raises(WorkspaceError, match="list each of the course's files of that kind once"):
        files.reorder(course, "module", ["01-third.md", "01-third.md", "03-second.md"])


def test_reorder_sessions(app_ctx):
    course = ready_course()
    files.add_session(course, "One")
    files.add_session(course, "Two")
    files.reorder(course, "session", ["sessions/02-two.md", "sessions/01-one.md"])
    assert [p for p in store.live_files(course) if p.startswith("sessions/")] == [
        "sessions/01-two.md", "sessions/02-one.md",
    ]  # fmt: skip


def test_a_failed_operation_writes_nothing(app_ctx):
    course = ready_course()
    before = (revisions(), db.session.scalar(select(func.count()).select_from(DraftFile)))
    with pytest.raises(WorkspaceError):
        files.reorder(course, "module", ["01-introduction.md", "02-missing.md"])
    with pytest.raises(WorkspaceError):
        files.rename_file(course, "01-introduction.md", "../x.md")
    assert before == (revisions(), db.session.scalar(select(func.count()).select_from(DraftFile)))


def test_links_follow_the_files_they_point_at_when_renumbered_or_renamed(app_ctx):
    course = ready_course()
    files.add_module(course, "Second")
    files.add_session(course, "Practice")
    intro, _ = files.open_file(course, "01-introduction.md")
    write(course, "01-introduction.md", intro.replace(
        "Write the lesson here", "Read [Second](02-second.md#top) first.\r\nWrite the lesson here"
    ))  # fmt: skip
    session, _ = files.open_file(course, "sessions/01-practice.md")
    write(course, "sessions/01-practice.md", session + "\nPass [Second](../02-second.md) first.\n")
    files.reorder(course, "module", ["02-second.md", "01-introduction.md"])
    assert (
        "Read [Second](01-second.md#top) first.\r\nWrite"
        in files.open_file(course, "02-introduction.md")[0]
    )
    assert (
        "Pass [Second](../01-second.md) first."
        in files.open_file(course, "sessions/01-practice.md")[0]
    )
    assert history.history(course, "sessions/01-practice.md")[0].note == (
        "links updated to renamed files"
    )
    assert checking.check_course(course).errors == []
    files.rename_file(course, "01-second.md", "01-the-second.md")
    assert "(../01-the-second.md)" in files.open_file(course, "sessions/01-practice.md")[0]
    assert checking.check_course(course).errors == []
