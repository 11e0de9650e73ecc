"""The authors' tools: check, preview from disk (no database), media served from disk, and item
analysis of quiz questions from constructed attempts."""

import os
import re

import pytest
from sqlalchemy import select

from lms.content.model import ContentError
from lms.extensions import db
from lms.models import Course, ModuleVersion, QuizAttempt
from lms.models.types import utcnow
from lms.services import audit
from lms.services.authoring import authoring
from lms.services.authoring.item_analysis import question_flag
from lms.services.authoring.publishing import sync_courses
from tests.auth import make_user
from tests.statements import recorded_statements
from tests.unit.coursekit import CourseFolder


def snapshot():
    """Every row of every table."""
    return {
        table.name: db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        for table in db.metadata.sorted_tables
    }


@pytest.fixture
def course(tmp_path):
    return CourseFolder(tmp_path / "authoring")


@pytest.fixture
def statements(app_ctx):
    """The statements sent from here on (clear() to start again)."""
    with recorded_statements() as recorded:
        yield recorded


# -- check -------------------------------------------------------------------------------------


def test_check_reports_the_same_problems_as_the_command(runner, course):
    course.replace("02-listening.md", "max_attempts: 3", "max_attempts: 0")
    course.lesson("<iframe src=x></iframe>")
    from_command = runner.invoke(args=["courses", "check", str(course.root)]).stdout.splitlines()

    report = authoring.check(course.root, str(course.root))

    assert [str(p) for p in report.problems] == from_command
    assert len(from_command) == 2
    assert [p.line for p in report.errors] == [8]
    assert [p.line for p in report.warnings] == [10]
    assert report.courses == []
    assert report.folders_with_errors == ["sample-course"]


def test_check_shows_paths_from_the_folder_name_by_default(course):
    course.replace("02-listening.md", "max_attempts: 3", "max_attempts: 0")

    report = authoring.check(course.root)

    assert [str(p) for p in report.problems] == [
        "courses/sample-course/02-listening.md:8: "
        "'max_attempts' must be a whole number from 1 to 1000, not 0"
    ]


def test_check_of_a_clean_folder_lists_its_courses(course):
    report = authoring.check(course.root)

    assert report.problems == []
    assert report.folders_with_errors == []
    assert [c.slug for c in report.courses] == ["sample-course"]
    assert [m.slug for m in report.courses[0].modules] == ["first-steps", "listening"]


# -- preview -----------------------------------------------------------------------------------


def test_preview_renders_lesson_questions_and_choices_in_file_order(course):
    module = authoring.preview(course.root, "sample-course", "first-steps")

    assert (module.title, module.minutes, module.pass_mark) == ("First Steps", 15, 75)
    assert module.objectives == ("Describe the first steps.", "Name one source of hope.")
    assert (module.position, module.module_count) == (1, 2)
    assert module.next == ("listening", "Listening") and module.previous is None
    assert "<p>Recovery is personal. See the picture below.</p>" in module.lesson_html
    # Links resolve as on the published page; images come from the preview's media route.
    assert '<img alt="A circle of chairs" src="../media/circle.png">' in module.lesson_html
    assert 'href="listening#section-open-questions"' in module.lesson_html
    first, maya = module.questions
    assert first.stem_html == "Which statement about recovery is true?"
    assert first.kind == "single"
    assert [(c.text_html, c.is_correct) for c in first.choices] == [
        ("Recovery looks different for each person.", True),
        ("Recovery is the same for each person.", False),
        ("Recovery is a straight line.", False),
    ]
    assert first.explanation_html == "<p>Each person's path is their own.</p>"
    assert maya.kind == "multiple"
    assert "Maya has just joined a peer group." in maya.scenario_html
    assert [c.is_correct for c in maya.choices] == [True, True, False]


def test_preview_renders_as_publishing_does(app_ctx, course):
    course.lesson("A **bold** step, see [the course](course.md) and <b onclick=x>this</b>.")
    sync_courses(course.root)
    published = db.session.scalar(select(ModuleVersion).where(ModuleVersion.title == "First Steps"))

    module = authoring.preview(course.root, "sample-course", "first-steps")

    # The same HTML, but for where images come from and where the course link leads.
    expected = re.sub(r"\.\./\.\./media/[0-9a-f]{64}/", "../media/", published.lesson_html)
    assert module.lesson_html == expected.replace('href="./"', 'href="../../../courses"')
    assert "<b>this</b>" in module.lesson_html  # the onclick is gone, as when published
    assert [q.stem_html for q in module.questions] == [q.stem_html for q in published.questions]
    assert [[c.text_html for c in q.choices] for q in module.questions] == [
        [c.text_html for c in q.choices] for q in published.questions
    ]
    assert [q.explanation_html for q in module.questions] == [
        q.explanation_html for q in published.questions
    ]


def test_preview_never_touches_the_database(app_ctx, course, statements):
    sync_courses(course.root)
    course.replace("01-first-steps.md", "Recovery is personal.", "Recovery is yours.")
    before = snapshot()
    statements.clear()

    module = authoring.preview(course.root, "sample-course", "first-steps")
    authoring.check(course.root)

    assert statements == []
    assert "Recovery is yours." in module.lesson_html
    assert snapshot() == before


def test_preview_of_an_unknown_course_or_module(course):
    with pytest.raises(authoring.NotFound):
        authoring.preview(course.root, "no-such-course", "first-steps")
    with pytest.raises(authoring.NotFound):
        authoring.preview(course.root, "sample-course", "no-such-module")


def test_preview_of_a_course_with_errors_gives_its_problems(course):
    course.replace("02-listening.md", "max_attempts: 3", "max_attempts: 0")

    with pytest.raises(authoring.CourseHasErrors) as raised:
        authoring.preview(course.root, "sample-course", "first-steps")

    assert [str(p) for p in raised.value.problems] == [
        "courses/sample-course/02-listening.md:8: "
        "'max_attempts' must be a whole number from 1 to 1000, not 0"
    ]


def test_media_file_serves_only_files_inside_the_course_media_folder(course, tmp_path):
    (tmp_path / "secret.txt").write_text("secret")
    course.write(".hidden.png", b"x")
    course.write("media/.hidden.png", b"x")
    os.symlink(tmp_path / "secret.txt", course.path / "media" / "link.png")

    path, content_type = authoring.media_file(course.root, "sample-course", "circle.png")
    assert path == (course.path / "media" / "circle.png").resolve()
    assert content_type == "image/png"
    for name in (
        "../course.md",
        "../01-first-steps.md",
        "../../../secret.txt",
        "sub/../../course.md",
        str(tmp_path / "secret.txt"),
        ".hidden.png",
        "../.hidden.png",
        "link.png",
        "missing.png",
        "",
    ):
        with pytest.raises(authoring.NotFound):
            authoring.media_file(course.root, "sample-course", name)
    for slug in ("..", "../authoring", "no-such-course", "."):
        with pytest.raises(authoring.NotFound):
            authoring.media_file(course.root, slug, "circle.png")


def test_media_file_of_a_single_course_folder(course):
    path, _ = authoring.media_file(course.path, "sample-course", "circle.png")

    assert path.name == "circle.png"
    with pytest.raises(authoring.NotFound):
        authoring.media_file(course.path, "other-course", "circle.png")


# -- publish -----------------------------------------------------------------------------------


def test_publish_syncs_the_folder_and_audits_it_as_the_staff_member(app, app_ctx, course):
    staff_id = make_user(app, "pat@example.org", "Pat Staff", roles=("staff",))

    report = authoring.publish(course.root, staff_id)

    assert report.courses_added == ["sample-course"]
    (event,) = audit.events(action="course.synced")
    assert event.actor_id == staff_id


def test_publish_with_an_error_raises_and_changes_nothing(app, app_ctx, course):
    staff_id = make_user(app, "pat@example.org", "Pat Staff", roles=("staff",))
    course.replace("02-listening.md", "max_attempts: 3", "max_attempts: 0")
    before = snapshot()

    with pytest.raises(ContentError) as raised:
        authoring.publish(course.root, staff_id)

    assert [p.line for p in raised.value.problems] == [8]
    assert snapshot() == before


# -- item analysis -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answered", "correct", "flag"),
    [
        (20, 19, "too_easy"),  # exactly 95%
        (10, 10, "too_easy"),
        (20, 18, None),  # 90%
        (10, 4, None),  # exactly 40%
        (100, 39, "too_hard"),
        (10, 3, "too_hard"),
        (9, 9, None),  # too few answers to judge
        (9, 0, None),
        (0, 0, None),
    ],
)
def test_flags_at_their_thresholds(answered, correct, flag):
    assert authoring.MIN_ANSWERS_TO_FLAG == 10
    assert (authoring.TOO_EASY_PERCENT, authoring.TOO_HARD_PERCENT) == (95, 40)
    assert question_flag(answered, correct) == flag


def published_quiz(slug):
    """The current version of a module: its id, and its questions as [[choice ids]]."""
    version = db.session.scalar(
        select(ModuleVersion).where(ModuleVersion.title == slug).order_by(ModuleVersion.id.desc())
    )
    return version, [[c.id for c in q.choices] for q in version.questions]


def add_attempts(user_id, version, answers, times=1, submitted=True):
    for _ in range(times):
        db.session.add(
            QuizAttempt(
                user_id=user_id,
                module_id=version.module_id,
                module_version_id=version.id,
                submitted_at=utcnow() if submitted else None,
                answers={str(q.id): ids for q, ids in zip(version.questions, answers, strict=True)}
                if answers is not None
                else None,
                score=0,
                passed=False,
            )
        )
    db.session.commit()


def test_item_analysis_counts_percent_and_the_most_common_wrong_choice(app, app_ctx, course):
    sync_courses(course.root)
    user_id = make_user(app)
    version, ((right, same, line), (welcome, share, fine)) = published_quiz("First Steps")
    # 10 attempts: 3 right; 5 chose "the same for each person", 2 "a straight line".
    add_attempts(user_id, version, [[right], [welcome, share]], times=3)
    add_attempts(user_id, version, [[same], [welcome, share]], times=5)
    add_attempts(user_id, version, [[line], [welcome]], times=2)  # half right is not right
    add_attempts(user_id, version, [[same], [fine]], submitted=False)  # never submitted
    course_id = db.session.scalar(select(Course.id))

    first_steps, listening = authoring.item_analysis(course_id)

    assert (first_steps.slug, first_steps.version, first_steps.attempts) == ("first-steps", 1, 10)
    assert first_steps.older_attempts == 0
    true_q, maya = first_steps.questions
    assert (true_q.answered, true_q.correct, true_q.percent_correct) == (10, 3, 30)
    assert (true_q.common_wrong_html, true_q.common_wrong_count) == (
        "Recovery is the same for each person.",
        5,
    )
    assert (true_q.flag, true_q.flag_label) == ("too_hard", "Too hard")
    assert (maya.answered, maya.correct, maya.percent_correct) == (10, 8, 80)
    assert (maya.common_wrong_html, maya.common_wrong_count, maya.flag) == (None, 0, None)
    # No answers yet: nothing to show, nothing flagged.
    (open_q,) = listening.questions
    assert (listening.attempts, open_q.answered, open_q.percent_correct) == (0, 0, None)
    assert (open_q.common_wrong_html, open_q.flag) == (None, None)


def test_item_analysis_flags_an_easy_question_and_keeps_to_the_current_version(
    app, app_ctx, course
):
    sync_courses(course.root)
    user_id = make_user(app)
    old, _ = published_quiz("First Steps")
    old_answers = [[old.questions[0].choices[1].id], [old.questions[1].choices[2].id]]
    add_attempts(user_id, old, old_answers, times=4)
    course.replace("01-first-steps.md", "Recovery is personal.", "Recovery is yours.")
    sync_courses(course.root)
    new, ((right, same, _), (welcome, share, fine)) = published_quiz("First Steps")
    assert new.id != old.id
    add_attempts(user_id, new, [[right], [welcome, share]], times=19)
    add_attempts(user_id, new, [[same], [welcome, fine]], times=1)

    first_steps, _ = authoring.item_analysis(db.session.scalar(select(Course.id)))

    assert (first_steps.version, first_steps.attempts, first_steps.older_attempts) == (2, 20, 4)
    true_q, maya = first_steps.questions
    assert (true_q.answered, true_q.percent_correct, true_q.flag) == (20, 95, "too_easy")
    assert (true_q.common_wrong_html, true_q.common_wrong_count) == (
        "Recovery is the same for each person.",
        1,
    )
    assert (maya.percent_correct, maya.flag) == (95, "too_easy")
    assert maya.common_wrong_html == "Tell her the feeling will pass by tomorrow."


def test_item_analysis_runs_the_same_few_queries_however_many_attempts(
    app, app_ctx, course, statements
):
    sync_courses(course.root)
    user_id = make_user(app)
    version, ((right, *_), (welcome, share, _)) = published_quiz("First Steps")
    course_id = db.session.scalar(select(Course.id))
    counts = []
    for times in (1, 40):
        add_attempts(user_id, version, [[right], [welcome, share]], times=times)
        db.session.expunge_all()
        statements.clear()
        authoring.item_analysis(course_id)
        counts.append(len(statements))

    assert counts[0] == counts[1] <= 4
