"""Question pools (`draw`) and waits after failures (`wait_after_failures`): each attempt draws its
own questions and is graded, reviewed, exported and analysed by them; the wait follows a failure
only from the set number of failures on."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from lms.extensions import db
from lms.models import Course, QuizAttempt
from lms.services import roster
from lms.services.authoring import authoring
from lms.services.authoring.publishing import sync_courses
from lms.services.learning import attempts
from lms.services.people import accounts, privacy
from tests.poolkit import POOL, write_pooled_module
from tests.statements import count_statements

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def pooled_module(courses_dir, settings="draw: 2", pool=POOL):
    """First Steps as a pool of `pool` questions with front matter `settings`, published."""
    write_pooled_module(courses_dir, settings, pool)
    sync_courses(courses_dir)


@pytest.fixture
def trainee(app_ctx, courses_dir):
    user, _ = accounts.create_account("ada@example.org", "Ada", ["trainee"], "a-long-passphrase")
    return user.id


def start(user_id, now=None):
    return attempts.start_attempt(user_id, "sample-course", "first-steps", now)


def answers_for(questions, right=()):
    """Answers to `questions`: the right choice for those numbered in `right`, else the wrong."""
    return {
        q.id: [c.id for c in q.choices if c.is_correct == (q.position in right)] for q in questions
    }


def take(user_id, right=(), now=None):
    """Start and submit an attempt; returns the submitted attempt and its questions."""
    _, _, attempt, questions, _ = start(user_id, now)
    submitted, _ = attempts.submit_attempt(
        user_id, attempt.id, answers_for(questions, right), now=now
    )
    return submitted, questions


def test_an_attempt_draws_its_questions_and_keeps_them_with_it(courses_dir, trainee):
    pooled_module(courses_dir)

    _, version, attempt, questions, _ = start(trainee)

    assert (version.draw, len(version.questions), len(questions)) == (2, POOL, 2)
    assert [q.position for q in questions] == sorted(q.position for q in questions)
    assert set(attempt.choice_order) == {str(q.id) for q in questions}
    for question in questions:
        assert sorted(attempt.choice_order[str(question.id)]) == sorted(
            c.id for c in question.choices
        )
    # A reload shows the same open attempt and the same questions.
    _, _, again, questions_again, _ = start(trainee)
    assert again.id == attempt.id and questions_again == questions


def test_each_attempt_draws_afresh(courses_dir, trainee):
    pooled_module(courses_dir)

    drawn = [frozenset(q.position for q in take(trainee)[1]) for _ in range(40)]

    assert all(len(positions) == 2 for positions in drawn)
    # 10 possible pairs: 40 attempts all drawing one pair, or never one question, is not chance.
    assert len(set(drawn)) > 1
    assert set().union(*drawn) == set(range(1, POOL + 1))


def test_a_draw_as_large_as_the_pool_shows_every_question(courses_dir, trainee):
    pooled_module(courses_dir, settings=f"draw: {POOL}")

    _, _, attempt, questions, _ = start(trainee)

    assert [q.position for q in questions] == list(range(1, POOL + 1))
    assert len(attempt.choice_order) == POOL


def test_grading_counts_only_the_drawn_questions(courses_dir, trainee):
    pooled_module(courses_dir)
    _, _, attempt, questions, _ = start(trainee)
    first, second = questions

    submitted, _ = attempts.submit_attempt(
        trainee, attempt.id, answers_for(questions, right={first.position})
    )

    assert (submitted.score, submitted.passed) == (50, False)
    assert set(submitted.answers) == {str(first.id), str(second.id)}


def test_an_answer_to_a_question_not_drawn_is_refused(courses_dir, trainee):
    pooled_module(courses_dir)
    _, version, attempt, questions, _ = start(trainee)
    other = next(q for q in version.questions if q not in questions)
    answers = answers_for(questions) | answers_for([other])

    with pytest.raises(attempts.FormMismatch):
        attempts.submit_attempt(trainee, attempt.id, answers)

    assert db.session.get(QuizAttempt, attempt.id).submitted_at is None


def test_a_drawn_question_left_unanswered_is_named(courses_dir, trainee):
    pooled_module(courses_dir)
    _, _, attempt, questions, _ = start(trainee)

    with pytest.raises(attempts.Unanswered) as unanswered:
        attempts.submit_attempt(trainee, attempt.id, answers_for(questions[:1]))

    assert unanswered.value.question_ids == [questions[1].id]


def test_the_review_and_the_export_show_the_drawn_questions(courses_dir, trainee):
    pooled_module(courses_dir)
    submitted, questions = take(trainee, right=range(1, POOL + 1))

    _, _, reviews, revealed = attempts.attempt_review(trainee, submitted.id)
    export = privacy.export_for(trainee)

    assert revealed and [r.question.id for r in reviews] == [q.id for q in questions]
    assert all(r.right for r in reviews)
    (exported,) = export["quiz_attempts"]
    assert [a["question"] for a in exported["answers"]] == [q.position for q in questions]
    assert exported["score"] == 100


def test_an_attempt_stored_before_pools_shows_and_grades_every_question(courses_dir, trainee):
    pooled_module(courses_dir)
    _, version, _, _, _ = start(trainee)
    db.session.execute(delete(QuizAttempt))  # the open attempt, replaced by an older kind
    old = QuizAttempt(
        user_id=trainee,
        module_id=version.module_id,
        module_version_id=version.id,
        started_at=NOW,
        choice_order={},
    )
    db.session.add(old)
    db.session.commit()
    every = list(version.questions)

    _, _, same, questions, _ = start(trainee)
    submitted, _ = attempts.submit_attempt(trainee, old.id, answers_for(every, right={1, 2, 3}))
    _, _, reviews, _ = attempts.attempt_review(trainee, old.id)

    assert same.id == old.id and len(questions) == POOL
    assert submitted.score == 60
    assert len(reviews) == POOL


def test_a_pooled_submit_runs_no_more_statements_than_a_whole_quiz(app, courses_dir, trainee):
    def submit_count(settings):
        pooled_module(courses_dir, settings=settings, pool=4)
        _, _, attempt, questions, _ = start(trainee)
        answers = answers_for(questions)
        db.session.expunge_all()
        return count_statements(app, lambda: attempts.submit_attempt(trainee, attempt.id, answers))

    whole = submit_count(None)
    pooled = submit_count("draw: 2")

    assert pooled <= whole


# -- waits after failures ----------------------------------------------------------------------


def test_without_wait_after_failures_every_failure_is_followed_by_the_wait(
    courses_dir, trainee, clock
):
    clock.freeze(NOW)
    pooled_module(courses_dir, settings="retry_after_minutes: 60")
    take(trainee)

    with pytest.raises(attempts.RetryLater) as later:
        start(trainee)

    assert later.value.opens_at == NOW + timedelta(minutes=60)


def test_the_wait_starts_at_the_set_number_of_failures_then_follows_each(
    courses_dir, trainee, clock
):
    clock.freeze(NOW)
    pooled_module(courses_dir, settings="retry_after_minutes: 60\nwait_after_failures: 2")
    take(trainee)  # one failure: no wait yet
    clock.advance(minutes=1)
    take(trainee)  # the second failure: the wait begins

    with pytest.raises(attempts.RetryLater) as later:
        start(trainee)
    assert later.value.opens_at == NOW + timedelta(minutes=61)

    clock.advance(minutes=60)
    take(trainee)  # a third failure: the wait again
    with pytest.raises(attempts.RetryLater):
        start(trainee)
    clock.advance(minutes=60)
    assert start(trainee)[2].submitted_at is None


def test_failures_on_earlier_versions_count_toward_the_wait(courses_dir, trainee, clock):
    clock.freeze(NOW)
    pooled_module(courses_dir, settings="retry_after_minutes: 60\nwait_after_failures: 2")
    first, _ = take(trainee)
    path = courses_dir / "sample-course" / "01-first-steps.md"
    path.write_text(path.read_text().replace("Recovery is personal.", "Recovery is yours."))
    sync_courses(courses_dir)
    second, _ = take(trainee)
    assert first.module_version_id != second.module_version_id

    with pytest.raises(attempts.RetryLater):
        start(trainee)


def test_a_pass_ends_the_wait(courses_dir, trainee, clock):
    clock.freeze(NOW)
    pooled_module(courses_dir, settings="retry_after_minutes: 60\nwait_after_failures: 2")
    take(trainee)
    take(trainee, right=range(1, POOL + 1))
    take(trainee)  # practice after passing, failed: no wait once passed

    assert start(trainee)[4].error is None


def test_quiz_chance_still_runs_one_query_when_the_pass_is_known(app, courses_dir, trainee):
    pooled_module(courses_dir, settings="retry_after_minutes: 60\nwait_after_failures: 2")
    _, version, *_ = start(trainee)

    assert count_statements(app, lambda: attempts.quiz_chance(trainee, version, passed=False)) == 1


# -- item analysis -----------------------------------------------------------------------------


def test_item_analysis_counts_each_question_over_the_attempts_that_showed_it(courses_dir, trainee):
    pooled_module(courses_dir)
    shown = {n: 0 for n in range(1, POOL + 1)}
    right = {n: 0 for n in range(1, POOL + 1)}
    for n in range(12):
        submitted, questions = take(trainee, right={1, 2} if n % 2 else ())
        for q in questions:
            shown[q.position] += 1
            if n % 2 and q.position in {1, 2}:
                right[q.position] += 1
    course_id = db.session.scalar(select(Course.id).where(Course.slug == "sample-course"))

    first_steps, listening = authoring.item_analysis(course_id)

    assert (first_steps.attempts, first_steps.draw, listening.draw) == (12, 2, None)
    assert [q.seen for q in first_steps.questions] == [shown[n] for n in range(1, POOL + 1)]
    assert [q.answered for q in first_steps.questions] == [shown[n] for n in range(1, POOL + 1)]
    assert [q.correct for q in first_steps.questions] == [right[n] for n in range(1, POOL + 1)]
    assert sum(q.seen for q in first_steps.questions) == 12 * 2


def test_the_supervisors_record_shows_the_drawn_questions(courses_dir, trainee):
    pooled_module(courses_dir)
    staff, _ = accounts.create_account("sam@example.org", "Sam", ["staff"], "a-long-passphrase")
    _, questions = take(trainee, right=range(1, POOL + 1))

    record = roster.trainee_record(staff, trainee, today=NOW.date())

    (course_record,) = record.courses
    (attempt,) = course_record.modules[0].attempts
    assert [a.stem_html for a in attempt.answers] == [q.stem_html for q in questions]
    assert [a.right for a in attempt.answers] == [True, True]
