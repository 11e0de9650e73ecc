"""A quiz attempt from opening to grading, and how much its result reveals.

An attempt is tied to the module version it showed, with its own shuffled choice order and,
when the module draws from a pool (`draw`), its own questions. Grading happens here, on the
server; the page never receives the correct answers.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, bindparam, func, select, update
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from ...extensions import db
from ...models import ModuleProgress, QuizAttempt, User
from ...models.types import UTCDateTime, utcnow
from ..certification import certification
from ..logbook import ce
from ..plain_rows import plain_rows
from . import catalog, learning
from .learning import LearningError

_random = random.SystemRandom()
_shuffle = _random.shuffle
_sample = _random.sample


class AttemptsUsedUp(LearningError):
    def __init__(self, max_attempts):
        super().__init__(f"all {max_attempts} attempts used")
        self.max_attempts = max_attempts


class RetryLater(LearningError):
    def __init__(self, opens_at):
        super().__init__(f"the next attempt opens at {opens_at.isoformat()}")
        self.opens_at = opens_at


class Unanswered(LearningError):
    def __init__(self, question_ids):
        super().__init__("some questions have no answer")
        self.question_ids = question_ids


class AlreadySubmitted(LearningError):
    """Different answers for an attempt that is already graded (another tab, the Back button):
    they are not graded, and the trainee must be told so."""

    def __init__(self, attempt):
        super().__init__("this attempt was already submitted")
        self.attempt = attempt


class FormMismatch(LearningError):
    """The answers do not fit the attempt they claim: not the order it showed, or questions and
    choices it never showed (a form restored onto another page, or a quiz changed meanwhile)."""

    def __init__(self):
        super().__init__("these answers do not match the quiz they claim to answer")


@dataclass(frozen=True)
class QuizChance:
    """Whether a trainee may take a quiz now, and how many tries they have used."""

    used: int
    max_attempts: int | None
    passed: bool
    error: LearningError | None


def has_passed(user_id, module_id):
    """Whether this person has passed this module (in any of its versions)."""
    passed_at = db.session.scalar(
        select(ModuleProgress.passed_at).where(
            ModuleProgress.user_id == user_id, ModuleProgress.module_id == module_id
        )
    )
    return passed_at is not None


# What quiz_chance decides by, over the trainee's submitted attempts at a module (any version):
# how many, how many failed, when the last failure was; and whether the module is passed. Built
# once with the values bound per call (as sessions._SIGNED_IN), so SQLAlchemy's compiled-statement
# cache serves them: building them cost more than running them.
def _tally(attempts, user_id, module_id):
    submitted = and_(
        attempts.user_id == user_id,
        attempts.module_id == module_id,
        attempts.submitted_at.is_not(None),
    )
    failed = and_(submitted, attempts.passed.is_(False))
    return (
        select(func.count(attempts.id)).where(submitted).scalar_subquery(),
        select(func.count(attempts.id)).where(failed).scalar_subquery(),
        select(func.max(attempts.submitted_at)).where(failed).scalar_subquery(),
        select(ModuleProgress.passed_at)
        .where(ModuleProgress.user_id == user_id, ModuleProgress.module_id == module_id)
        .scalar_subquery(),
    )


_CHANCE = select(*_tally(QuizAttempt, bindparam("user_id"), bindparam("module_id")))
# The trainee's row, taken before anything else a submission writes: erasing an account
# (people.erasure) takes the row first and then deletes the progress and attempts, and a pass
# takes it again to issue the certificate (certification.issue_if_due, the same NO KEY UPDATE) and
# through the foreign keys of its CE entry and certificate. Graded before it was taken, a pass
# held the progress row while waiting for the account that an erasure held while waiting for the
# progress row: a deadlock on PostgreSQL. Taken first, the two queue on the one row instead.
_TRAINEE_FIRST = (
    select(User.erased_at).where(User.id == bindparam("user_id")).with_for_update(key_share=True)
)
# The attempt a submission names, with the tally of its trainee's attempts at its module, in one
# query (the other attempts correlated by the attempt's own trainee and module).
_EARLIER = aliased(QuizAttempt)
_ATTEMPT_AND_TALLY = select(
    QuizAttempt, *_tally(_EARLIER, QuizAttempt.user_id, QuizAttempt.module_id)
).where(QuizAttempt.id == bindparam("attempt_id"))


def quiz_chance(user_id, version, now=None, passed=None):
    """May this trainee start or submit an attempt at this module's quiz now?

    `passed` may be given when the caller already knows whether the module is passed.
    The wait (`retry_after_minutes`) follows a failed attempt once the trainee has failed the
    module's quiz (any version) `wait_after_failures` times; without that key, every failure.
    One query.
    """
    values = {"user_id": user_id, "module_id": version.module_id}
    used, failures, last_failed_at, passed_at = plain_rows(_CHANCE, values).one()
    if passed is None:
        passed = passed_at is not None
    return _chance(version, used, failures, last_failed_at, passed, now or utcnow())


def _chance(version, used, failures, last_failed_at, passed, now):
    """quiz_chance's decision, from the tally of the trainee's submitted attempts."""
    error = None
    if version.max_attempts is not None and used >= version.max_attempts:
        error = AttemptsUsedUp(version.max_attempts)
    elif (
        version.retry_after_minutes
        and last_failed_at is not None
        and failures >= (version.wait_after_failures or 1)
        and not passed
    ):
        opens_at = last_failed_at + timedelta(minutes=version.retry_after_minutes)
        if opens_at > now:
            error = RetryLater(opens_at)
    return QuizChance(used, version.max_attempts, passed, error)


# Built once, as _CHANCE: read on every opening of a quiz page.
_OPEN_ATTEMPT = select(QuizAttempt).where(
    QuizAttempt.user_id == bindparam("user_id"),
    QuizAttempt.module_id == bindparam("module_id"),
    QuizAttempt.submitted_at.is_(None),
)


def start_attempt(user_id, course_slug, module_slug, now=None):
    """The trainee's open attempt at this quiz, created (with its questions, drawn afresh from
    the pool when the module sets `draw`, and its shuffled choice order) if needed.

    The same open attempt comes back on every reload, so its questions and order stay put. Raises
    ModuleLocked, AttemptsUsedUp or RetryLater.
    Returns (course, version, attempt, the attempt's questions, QuizChance).
    """
    now = now or utcnow()
    course, version, progress = learning.open_quiz(user_id, course_slug, module_slug, now)
    chance = quiz_chance(user_id, version, now, passed=progress.passed)
    if chance.error is not None:
        raise chance.error
    if not progress.read:
        learning.mark_read(user_id, version.module_id, now)
    questions = version.questions  # the whole pool, from the catalog's copy
    values = {"user_id": user_id, "module_id": version.module_id}
    attempt = db.session.scalar(_OPEN_ATTEMPT, values)
    if attempt is None or attempt.module_version_id != version.id:
        # About to make one: another tab may be doing the same. Take turns, then look again.
        learning.hold_progress(user_id, version.module_id, now)
        attempt = db.session.scalar(_OPEN_ATTEMPT, values)
    if attempt is not None and attempt.module_version_id != version.id:
        db.session.delete(attempt)  # never submitted, and its content has changed
        attempt = None
    if attempt is None:
        order = {}
        for question in _draw(questions, version.draw):
            ids = [choice.id for choice in question.choices]
            _shuffle(ids)
            order[str(question.id)] = ids
        attempt = QuizAttempt(
            user_id=user_id,
            module_id=version.module_id,
            module_version_id=version.id,
            started_at=now,
            choice_order=order,
        )
        db.session.add(attempt)
    db.session.commit()
    return course, version, attempt, shown_questions(attempt, questions), chance


def _draw(questions, draw):
    """`draw` of the questions at random, in the module's order (all of them without a pool)."""
    if draw is None or draw >= len(questions):
        return questions
    return sorted(_sample(questions, draw), key=lambda question: question.position)


def shown_questions(attempt, questions):
    """The questions of its version that an attempt shows, in the module's order: those its
    choice order holds (drawn for it), or all of them for an attempt stored with none."""
    if not attempt.choice_order:
        return list(questions)
    return [question for question in questions if str(question.id) in attempt.choice_order]


def ordered_choices(attempt, question):
    """A question's choices in the order this attempt shows them."""
    by_id = {choice.id: choice for choice in question.choices}
    order = attempt.choice_order.get(str(question.id), list(by_id))
    return [by_id[choice_id] for choice_id in order if choice_id in by_id]


def order_digest(attempt):
    """A short fingerprint of what an attempt shows: its id and its questions' choice order.

    The quiz form sends it back, so a form restored onto another attempt (or onto an id that
    SQLite reused after a changed quiz dropped an unsent attempt) is refused, not graded."""
    shown = json.dumps([attempt.id, attempt.choice_order], sort_keys=True)
    return hashlib.sha256(shown.encode()).hexdigest()[:32]


# The grade, written once: the WHERE clause makes the first submission win, and a second one
# (another tab, a double click that got past the form) updates nothing. On the table, not the
# entity, so that the ORM's bulk-update machinery stays out of it (the loaded attempt is given
# the values after the commit).
_ATTEMPTS = QuizAttempt.__table__
_GRADE = (
    update(_ATTEMPTS)
    .where(_ATTEMPTS.c.id == bindparam("attempt"), _ATTEMPTS.c.submitted_at.is_(None))
    .values(
        submitted_at=bindparam("graded_submitted_at", type_=UTCDateTime()),
        answers=bindparam("graded_answers", type_=_ATTEMPTS.c.answers.type),
        score=bindparam("graded_score"),
        passed=bindparam("graded_passed"),
    )
)


def submit_attempt(user_id, attempt_id, answers, shown=None, now=None, program=None):
    """Grade and record an attempt exactly once. `answers` maps question id -> [choice ids];
    `shown`, when given, is the order_digest of the attempt the form was made for.

    Returns (attempt, the certificate this pass issued or None: one held already is not
    returned). Sending the same answers again (double click) changes nothing and returns the
    attempt as it was. Raises LookupError for someone else's attempt (or an account erased
    meanwhile); FormMismatch when the answers do not fit the attempt; AlreadySubmitted when it
    was already graded with other answers (two tabs); Unanswered when a question has no answer;
    and the QuizChance errors when the limits no longer allow it.

    A first pass of a module that grants continuing education adds it to the CE ledger in the
    same transaction, naming `program` (the site's name) as its provider.
    """
    now = now or utcnow()
    trainee = db.session.execute(_TRAINEE_FIRST, {"user_id": user_id}).first()
    if trainee is None or trainee.erased_at is not None:  # erased while this was on its way
        db.session.rollback()
        raise LookupError(attempt_id)
    # The attempt and what quiz_chance decides by, in one query; decided only if it is graded.
    found = db.session.execute(_ATTEMPT_AND_TALLY, {"attempt_id": attempt_id}).first()
    attempt = found[0] if found is not None else None
    if attempt is not None and attempt.user_id != user_id:
        raise LookupError(attempt_id)
    if attempt is None or (shown is not None and shown != order_digest(attempt)):
        raise FormMismatch()  # an unsent attempt is dropped when its quiz changes
    # Only the questions drawn for this attempt are graded: an answer to any other is refused.
    version = catalog.module_version(attempt.module_version_id)
    questions = shown_questions(attempt, version.questions)
    valid = {q.id: {c.id for c in q.choices} for q in questions}
    if any(q_id not in valid or not set(ids) <= valid[q_id] for q_id, ids in answers.items()):
        raise FormMismatch()
    chosen = {q_id: sorted(set(answers.get(q_id, ()))) for q_id in valid}
    if attempt.submitted_at is not None:
        return _already_submitted(attempt, chosen)
    used, failures, last_failed_at, passed_at = found[1:]
    chance = _chance(version, used, failures, last_failed_at, passed_at is not None, now)
    if chance.error is not None:
        raise chance.error
    missing = [q_id for q_id, ids in chosen.items() if not ids]
    if missing:
        raise Unanswered(missing)
    correct = sum(
        1 for q in questions if set(chosen[q.id]) == {c.id for c in q.choices if c.is_correct}
    )
    score = round(100 * correct / len(questions)) if questions else 0
    passed = score >= version.pass_mark
    graded = {
        "submitted_at": now,
        "answers": {str(q_id): ids for q_id, ids in chosen.items()},
        "score": score,
        "passed": passed,
    }
    # The progress row before the grade: every write to progress (a module page, the quiz page)
    # locks the row and then, through roster_standing's trigger, the trainee's standing in the
    # course. Grading first would take the standing, then wait for a progress row another tab
    # holds while that tab waits for the standing: a deadlock on PostgreSQL.
    learning.note_graded_attempt(user_id, version.module_id, score, passed, now)
    result = db.session.execute(
        _GRADE, {"attempt": attempt.id, **{f"graded_{key}": value for key, value in graded.items()}}
    )
    if result.rowcount != 1:  # the other tab's submission won the race: its grade stands
        db.session.rollback()  # and this one's progress with it
        db.session.refresh(attempt)
        return _already_submitted(attempt, chosen)
    if passed:
        ce.record_module_pass(user_id, version, now, program)
    db.session.flush()
    certificate = None
    if passed:
        certificate = certification.newly_issued(
            certification.issue_if_due(user_id, version.course_id, now=now), now
        )
    db.session.commit()
    # What the update wrote, set on the loaded attempt instead of reading it back.
    for key, value in graded.items():
        set_committed_value(attempt, key, value)
    return attempt, certificate


def _already_submitted(attempt, chosen):
    """The same answers again are a double click: its result is theirs. Other answers are not."""
    recorded = {int(q_id): sorted(ids) for q_id, ids in attempt.answers.items()}
    if recorded != chosen:
        raise AlreadySubmitted(attempt)
    return attempt, None


def reveals_answers(review, passed_module):
    """Whether a trainee may see which of their answers were right (the quiz's `review` setting,
    and whether they have passed that module's quiz). The one place that decides it, for the
    result page and the trainee's data export alike."""
    return review == "always" or passed_module


@dataclass(frozen=True)
class QuestionReview:
    question: catalog.QuestionSnapshot
    choices: list  # [Choice] in the attempt's order
    chosen: set  # choice ids the trainee picked
    right: bool | None  # None while the quiz's review setting keeps it hidden


def attempt_review(user_id, attempt_id, passed_module=None):
    """A submitted attempt for its owner, and how much of the answers its review setting reveals.

    `review: always` reveals each question's verdict and explanation after every attempt.
    `review: after_pass` reveals neither until the trainee has passed the quiz: with unlimited
    attempts, a verdict per question would let the answers be found one question at a time, so
    until then only the score and pass or fail are given (`right` is None).
    `passed_module` may be given when the caller knows whether the module is passed.
    Returns (attempt, version, [QuestionReview], revealed).
    """
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != user_id or attempt.submitted_at is None:
        raise LookupError(attempt_id)
    version = catalog.module_version(attempt.module_version_id)
    if passed_module is None:
        passed_module = has_passed(user_id, version.module_id)
    revealed = reveals_answers(version.review, passed_module)
    reviews = []
    for question in shown_questions(attempt, version.questions):
        chosen = set(attempt.answers.get(str(question.id), []))
        correct = {c.id for c in question.choices if c.is_correct}
        right = chosen == correct if revealed else None
        reviews.append(QuestionReview(question, ordered_choices(attempt, question), chosen, right))
    return attempt, version, reviews, revealed


def attempts_for_module(user_id, module_id):
    """Submitted attempts at one module's quiz, newest first."""
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(
                QuizAttempt.user_id == user_id,
                QuizAttempt.module_id == module_id,
                QuizAttempt.submitted_at.is_not(None),
            )
            .order_by(QuizAttempt.submitted_at.desc())
        )
    )
