"""Item analysis for course authors: how each quiz question of a course's current module
versions was answered, and which questions to look at again (almost everyone right, most wrong).

When a module draws its questions from a pool, each question counts only the attempts that
showed it (those that drew it), so a question is judged by the people who saw it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import and_, func, select

from ...extensions import db
from ...models import Choice, Module, ModuleVersion, Question, QuizAttempt

# A question is flagged for its author once this many attempts have answered it...
MIN_ANSWERS_TO_FLAG = 10
# ...when at least this share of them is right (it teaches nothing)...
TOO_EASY_PERCENT = 95
# ...or when fewer than this share is right (it may be unclear, or its answer wrong).
TOO_HARD_PERCENT = 40
FLAG_LABELS = {"too_easy": "Too easy", "too_hard": "Too hard"}


@dataclass(frozen=True)
class QuestionItems:
    position: int
    stem_html: str
    seen: int  # submitted attempts that showed it (all of them, unless the quiz draws a pool)
    answered: int
    correct: int
    common_wrong_html: str | None  # the wrong choice picked most often
    common_wrong_count: int
    flag: str | None  # "too_easy", "too_hard" or None

    @property
    def percent_correct(self):
        return round(100 * self.correct / self.answered) if self.answered else None

    @property
    def flag_label(self):
        return FLAG_LABELS.get(self.flag)


@dataclass(frozen=True)
class ModuleItems:
    slug: str
    title: str
    version: int
    attempts: int  # submitted attempts on the current version
    older_attempts: int  # submitted attempts on earlier versions (not counted below)
    questions: tuple
    draw: int | None = None  # questions each attempt draws from the pool (None: all of them)


def question_flag(answered, correct):
    """'too_easy', 'too_hard' or None, by the thresholds above."""
    if answered < MIN_ANSWERS_TO_FLAG:
        return None
    if 100 * correct >= TOO_EASY_PERCENT * answered:
        return "too_easy"
    if 100 * correct < TOO_HARD_PERCENT * answered:
        return "too_hard"
    return None


def item_analysis(course_id):
    """Per module (its current version) and per question: how submitted attempts answered.

    Four queries whatever the number of attempts: modules, questions with choices, the answers of
    attempts on current versions, and a count of attempts on older versions.
    """
    versions = db.session.execute(
        select(
            Module.id,
            Module.slug,
            ModuleVersion.id,
            ModuleVersion.number,
            ModuleVersion.title,
            ModuleVersion.draw,
        )
        .join(
            ModuleVersion,
            and_(
                ModuleVersion.module_id == Module.id,
                ModuleVersion.number == Module.current_version_number,
            ),
        )
        .where(Module.course_id == course_id, Module.retired_at.is_(None))
        .order_by(Module.position)
    ).all()
    if not versions:
        return []
    version_ids = [row[2] for row in versions]
    questions = _questions(version_ids)
    tallies = {q_id: _Tally() for qs in questions.values() for q_id in qs}
    attempts = Counter()
    for version_id, shown, answers in db.session.execute(
        select(QuizAttempt.module_version_id, QuizAttempt.choice_order, QuizAttempt.answers).where(
            QuizAttempt.module_version_id.in_(version_ids), QuizAttempt.submitted_at.is_not(None)
        )
    ):
        attempts[version_id] += 1
        # an attempt stored without a choice order (before pools) showed every question
        for q_id in questions[version_id] if not shown else _ids(shown, questions[version_id]):
            tallies[q_id].seen += 1
        for key, chosen in (answers or {}).items():
            facts = questions[version_id].get(int(key)) if str(key).isdigit() else None
            if facts is not None and chosen:
                tallies[int(key)].add(chosen, facts)
    older = dict(
        db.session.execute(
            select(QuizAttempt.module_id, func.count())
            .where(
                QuizAttempt.module_id.in_([row[0] for row in versions]),
                QuizAttempt.module_version_id.not_in(version_ids),
                QuizAttempt.submitted_at.is_not(None),
            )
            .group_by(QuizAttempt.module_id)
        ).all()
    )
    return [
        ModuleItems(
            slug=slug,
            title=title,
            version=number,
            attempts=attempts[version_id],
            older_attempts=older.get(module_id, 0),
            questions=tuple(
                tallies[q_id].result(question) for q_id, question in questions[version_id].items()
            ),
            draw=draw if draw is not None and draw < len(questions[version_id]) else None,
        )
        for module_id, slug, version_id, number, title, draw in versions
    ]


def _ids(choice_order, version_questions):
    """The ids of the version's questions that an attempt's choice order holds."""
    return [
        int(key) for key in choice_order if str(key).isdigit() and int(key) in version_questions
    ]


@dataclass
class _QuestionFacts:
    position: int
    stem_html: str
    correct_ids: frozenset
    wrong_choices: dict  # choice id -> text_html, in position order


def _questions(version_ids):
    """{version id: {question id: _QuestionFacts}} in position order, in one query."""
    rows = db.session.execute(
        select(
            Question.module_version_id,
            Question.id,
            Question.position,
            Question.stem_html,
            Choice.id,
            Choice.text_html,
            Choice.is_correct,
        )  # fmt: skip
        .join(Choice, Choice.question_id == Question.id)
        .where(Question.module_version_id.in_(version_ids))
        .order_by(Question.module_version_id, Question.position, Choice.position)
    )
    found = {version_id: {} for version_id in version_ids}
    for version_id, q_id, position, stem_html, c_id, text_html, is_correct in rows:
        facts = found[version_id].setdefault(
            q_id, _QuestionFacts(position, stem_html, frozenset(), {})
        )
        if is_correct:
            facts.correct_ids = facts.correct_ids | {c_id}
        else:
            facts.wrong_choices[c_id] = text_html
    return found


class _Tally:
    def __init__(self):
        self.seen = 0
        self.answered = 0
        self.correct = 0
        self.wrong_picks = Counter()

    def add(self, chosen, facts):
        chosen = set(chosen)
        self.answered += 1
        if chosen == facts.correct_ids:
            self.correct += 1
        self.wrong_picks.update(c for c in chosen if c in facts.wrong_choices)

    def result(self, facts):
        common_html, common_count = None, 0
        for choice_id, text_html in facts.wrong_choices.items():  # ties: the earlier choice
            if self.wrong_picks[choice_id] > common_count:
                common_html, common_count = text_html, self.wrong_picks[choice_id]
        return QuestionItems(
            position=facts.position,
            stem_html=facts.stem_html,
            seen=self.seen,
            answered=self.answered,
            correct=self.correct,
            common_wrong_html=common_html,
            common_wrong_count=common_count,
            flag=question_flag(self.answered, self.correct),
        )
