"""The item-writing check: warnings, with file:line, about questions a test-wise trainee can pass
without knowing the answer, and silencing one rule for one question with a stated reason."""

import pytest

from tests.unit.coursekit import FIRST, QUIZ_LINE, CourseFolder


@pytest.fixture
def course(tmp_path):
    return CourseFolder(tmp_path)


def item_warnings(course, rule=""):
    return [p for p in course.problems(item_writing=True) if f"item-writing ({rule}" in p]


QUESTION = """
### {stem}

{scenario}

{extra}

- [x] {right}
- [ ] {wrong1}
- [ ] {wrong2}

> Why the right one is right, and why each of the others is wrong.
"""


def quiz(course, **changes):
    """One question (a scenario item by default) with some of its parts changed."""
    parts = {
        "stem": "What should you do first?",
        "scenario": "Noor's friend calls late.",
        "extra": "",
        "right": "Listen and ask how she is.",
        "wrong1": "Give her advice at once.",
        "wrong2": "Tell her to call back tomorrow.",
        **changes,
    }
    course.quiz(QUESTION.format(**parts))


def test_a_well_written_question_draws_no_warning(course):
    quiz(course)
    assert course.problems(item_writing=True) == []


def test_the_longest_right_answer_is_flagged(course):
    quiz(
        course, right="Listen first, ask gently how she is feeling, and offer to stay on the line."
    )
    [warning] = item_warnings(course)
    assert warning.startswith(f"{FIRST}:{QUIZ_LINE}: warning: item-writing (longest-correct): ")
    assert "(75 characters against at most 31)" in warning


def test_a_slightly_longer_right_answer_is_fine(course):
    quiz(course, right="Listen and ask her how she is doing.")
    assert item_warnings(course) == []


@pytest.mark.parametrize("word", ["always", "never", "only", "Everyone", "nothing"])
def test_absolute_words_only_in_wrong_choices_are_flagged(course, word):
    quiz(course, wrong1=f"Tell her this {word} works.")
    [warning] = item_warnings(course)
    assert f"item-writing (absolute-words): absolute words ('{word.lower()}')" in warning


def test_absolute_words_in_a_right_choice_too_are_fine(course):
    quiz(course, right="Listen; never rush her.", wrong1="Tell her this always works.")
    assert item_warnings(course) == []


@pytest.mark.parametrize("choice", ["All of the above", "None of these", "both of the above"])
def test_all_or_none_of_the_above_is_flagged(course, choice):
    quiz(course, wrong2=choice)
    (warning,) = item_warnings(course, "all-none-of-the-above")
    assert "tests reading the choices, not judgment, and becomes wrong" in warning


@pytest.mark.parametrize(
    ("stem", "flagged"),
    [
        ("Which step is not part of the plan?", True),
        ("Which step is **not** part of the plan?", False),
        ("Which step is NOT part of the plan?", False),
        ("All of these help except which one?", True),
        ("Which one helps *least*?", False),
        ("Which step is notable?", False),
    ],
)
def test_a_negative_stem_must_stress_the_negative(course, stem, flagged):
    quiz(course, stem=stem)
    warnings = [w for w in item_warnings(course) if "negative-stem" in w]
    assert bool(warnings) == flagged


def test_a_negative_in_the_scenarios_question_counts_too(course):
    quiz(course, scenario="Noor calls. Which reply would not help her?")
    assert any("negative-stem" in w for w in item_warnings(course))


def test_a_negative_in_the_scenarios_story_is_fine(course):
    quiz(course, scenario="Noor did not sleep last night. What should you say?")
    assert item_warnings(course) == []


def test_nearly_identical_choices_are_flagged(course):
    quiz(
        course,
        right="Ask her what she would like to happen next with her housing plan.",
        wrong1="Ask her what she would like to happen next with her housing plans.",
        wrong2="Tell her what to do about her housing plan tonight, step by step.",
    )
    assert any("similar-choices" in w for w in item_warnings(course))


def test_choices_that_differ_in_one_short_word_are_different_ideas(course):
    quiz(course, right="Naming things you can see.", wrong1="Naming things you can hear.")
    assert item_warnings(course) == []


def test_a_question_that_copies_a_lesson_sentence_is_flagged(course):
    course.lesson("Peer supporters listen more than they talk in a first meeting.")
    quiz(course, scenario="Peer supporters listen more than they talk in a first meeting. Why?")
    [warning] = item_warnings(course)
    assert "item-writing (copied-from-lesson): the question repeats the lesson word for word" in (
        warning
    )


def test_a_question_that_shares_a_few_words_with_the_lesson_is_fine(course):
    course.lesson("Peer supporters listen more than they talk in a first meeting.")
    quiz(course, scenario="In a first meeting, Noor talks a lot. What should you do?")
    assert item_warnings(course) == []


def test_a_rule_is_silenced_for_one_question_with_a_reason(course):
    quiz(
        course,
        right="Listen first, ask gently how she is feeling, and offer to stay on the line.",
        extra="<!-- allow longest-correct: the safe answer has to name all three steps -->",
    )
    assert course.problems(item_writing=True) == []
    [question] = course.load().courses[0].modules[0].questions
    assert question.allowed == (("longest-correct", "the safe answer has to name all three steps"),)
    assert "allow" not in question.scenario


def test_silencing_needs_a_reason_and_a_known_rule(course):
    quiz(course, extra="<!-- allow longest-correct -->")
    assert any("say why the question may break 'longest-correct'" in p for p in course.problems())
    quiz(course, extra="<!-- allow longest: because it must -->")
    assert any(
        "'longest' is not an item-writing rule: the rules are" in p for p in course.problems()
    )


def test_a_course_whose_select_all_questions_all_have_the_same_count(course):
    select_all = """
    ### Question {n}: which help? Choose all that apply.

    - [x] Listening to her.
    - [x] Asking what she wants.
    - [ ] Telling her what to do.
    - [ ] Deciding for her.

    > The first two put her in charge; the last two take her choices away.
    """
    course.quiz("".join(select_all.format(n=n) for n in range(3)))
    warnings = item_warnings(course)
    assert warnings == [
        f"{FIRST}:{QUIZ_LINE}: warning: item-writing (select-all-count): all 3 select-all "
        "questions in this course have 2 right answers (of about 4 choices), so trainees learn to "
        "tick 2: vary how many are right"
    ]
    varied = select_all.format(n=9).replace("- [ ] Deciding for her.", "- [x] Deciding with her.")
    course.quiz("".join(select_all.format(n=n) for n in range(2)) + varied)
    assert item_warnings(course) == []
