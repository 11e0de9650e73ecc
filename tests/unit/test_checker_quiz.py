"""The checker on quizzes: '## Quiz', '### ' questions, task-list choices, '> ' explanations.

`course.quiz(...)` replaces the quiz of 01-first-steps.md; its first line is line 18 of the file.
"""

import re

import pytest

from tests.conftest import BUNDLED_COURSES
from tests.unit.coursekit import FIRST, CourseFolder


@pytest.fixture
def course(tmp_path):
    return CourseFolder(tmp_path)


def questions(course):
    assert course.problems() == []  # item-writing warnings aside: test_item_writing.py has them
    return course.load().courses[0].modules[0].questions


def test_a_module_with_no_quiz(course):
    course.write("01-first-steps.md", course.read("01-first-steps.md").split("## Quiz")[0])
    assert course.problems() == [
        f"{FIRST}:14: this module has no quiz: add a '## Quiz' section at the end"
    ]


@pytest.mark.parametrize("heading", ["# Quiz", "### Quiz"])
def test_a_quiz_heading_at_the_wrong_level(course, heading):
    course.replace("01-first-steps.md", "## Quiz", heading)
    assert course.problems() == [
        f"{FIRST}:16: the quiz heading must be '## Quiz' (two #), not '{heading}'"
    ]


def test_a_quiz_heading_inside_a_fenced_code_block_is_not_the_quiz(course):
    course.lesson("Write the quiz like this:\n\n```markdown\n## Quiz\n\n### A question?\n```")
    module = course.load().courses[0].modules[0]
    assert course.problems() == []
    assert "### A question?" in module.lesson
    assert module.questions[0].stem == "Which statement about recovery is true?"


def test_a_quiz_with_no_questions(course):
    course.quiz("")
    assert course.problems() == [
        f"{FIRST}:16: the quiz has no questions: add '### ' question headings under '## Quiz'"
    ]


QUESTION_CASES = {
    "no-choices": (
        """
        ### Is this a question?

        It has a scenario but nothing to choose.
        """,
        [
            f"{FIRST}:18: question 'Is this a question?' has no choices: add a task list "
            "('- [x] right', '- [ ] wrong')"
        ],
    ),
    "one-choice": (
        """
        ### Is this a question?

        - [x] Yes.

        > There is only one answer.
        """,
        [f"{FIRST}:18: question 'Is this a question?' has only one choice: give at least two"],
    ),
    "no-correct-choice": (
        """
        ### Is this a question?

        - [ ] Yes.
        - [ ] No.

        > Neither is marked.
        """,
        [
            f"{FIRST}:18: question 'Is this a question?' has no correct choice: "
            "mark one with '- [x]'"
        ],
    ),
    "duplicate-stem": (
        """
        ### Is this a question?

        - [x] Yes.
        - [ ] No.

        > It is.

        ### Is this a QUESTION?

        - [x] Yes.
        - [ ] No.

        > It is, again.
        """,
        [
            f"{FIRST}:25: question 'Is this a QUESTION?' appears twice (also on line 18): "
            "each stem must be different"
        ],
    ),
    "duplicate-choice": (
        """
        ### Is this a question?

        - [x] Yes.
        - [ ] No.
        - [ ] yes.

        > It is.
        """,
        [f"{FIRST}:22: question 'Is this a question?': choice 'yes.' appears twice"],
    ),
    "empty-choice": (
        """
        ### Is this a question?

        - [x] Yes.
        - [ ]
        - [ ] No.

        > It is.
        """,
        [f"{FIRST}:21: question 'Is this a question?': a choice has no text"],
    ),
    "empty-stem": (
        """
        ###

        - [x] Yes.
        - [ ] No.

        > It is.
        """,
        [f"{FIRST}:18: a question heading has no text: write the question"],
    ),
    "explanation-before-choices": (
        """
        ### Is this a question?

        > It is.
        > Really.

        - [x] Yes.
        - [ ] No.
        """,
        [
            f"{FIRST}:20: question 'Is this a question?': the '> ' explanation must come "
            "after its choices"
        ],
    ),
    "explanation-between-choices": (
        """
        ### Is this a question?

        - [x] Yes.

        > It is.

        - [ ] No.
        """,
        [
            f"{FIRST}:24: question 'Is this a question?': the choices must come before the "
            "'> ' explanation"
        ],
    ),
    "plain-bullets": (
        """
        ### Is this a question?

        - Yes.
        - No.

        > It is.
        """,
        [
            f"{FIRST}:20: question 'Is this a question?': write choices as a task list, "
            "'- [x] a correct choice' or '- [ ] a wrong one'"
        ],
    ),
    "plain-bullet-before-task-items": (
        """
        ### Is this a question?

        - foo
        - [x] Yes.
        - [ ] No.

        > It is.
        """,
        [
            f"{FIRST}:20: question 'Is this a question?': write choices as a task list, "
            "'- [x] a correct choice' or '- [ ] a wrong one'"
        ],
    ),
    "text-after-choices": (
        """
        ### Is this a question?

        - [x] Yes.
        - [ ] No.

        It is, and this paragraph
        runs over two lines.

        > It is.
        """,
        [
            f"{FIRST}:23: question 'Is this a question?': text after the choices must be a "
            "'> ' explanation (or indent it by two spaces to continue the choice above)"
        ],
    ),
    "unindented-choice-continuation": (
        """
        ### Is this a question?

        - [x] Yes, and this choice
        goes on without an indent.
        - [ ] No.

        > It is.
        """,
        [
            f"{FIRST}:21: question 'Is this a question?': text after the choices must be a "
            "'> ' explanation (or indent it by two spaces to continue the choice above)"
        ],
    ),
    "text-after-explanation": (
        """
        ### Is this a question?

        - [x] Yes.
        - [ ] No.

        > It is.

        An afterthought.
        """,
        [
            f"{FIRST}:25: question 'Is this a question?': text after the explanation must be "
            "part of it: start the line with '> '"
        ],
    ),
    "code-block-after-explanation": (
        """
        ### Is this a question?

        - [x] Yes.
        - [ ] No.

        > It is.

        ```
        ### not a question
        ```
        """,
        [
            f"{FIRST}:25: question 'Is this a question?': text after the explanation must be "
            "part of it: start the line with '> '"
        ],
    ),
    "another-section-after-the-quiz": (
        """
        ### Is this a question?

        - [x] Yes.
        - [ ] No.

        > It is.

        ## Further reading

        A list of books.

        ### Recovery stories
        """,
        [
            f"{FIRST}:25: the quiz must be the module's last section: move '## Further reading' "
            "and what follows it above '## Quiz'"
        ],
    ),
    "level-4-heading": (
        """
        ### Is this a question?

        #### A hint

        - [x] Yes.
        - [ ] No.

        > It is.
        """,
        [f"{FIRST}:20: only '### ' headings belong in the quiz, one for each question"],
    ),
    "text-before-the-first-question": (
        """
        Answer every question.
        Take your time.

        ### Is this a question?

        - [x] Yes.
        - [ ] No.

        > It is.
        """,
        [
            f"{FIRST}:18: the quiz must start with a question heading ('### ...'): "
            "move this text above '## Quiz'"
        ],
    ),
    "numbered-choices": (
        """
        ### Is this a question?

        1. [x] Yes.
        2. [ ] No.

        > It is.
        """,
        [
            f"{FIRST}:20: question 'Is this a question?': write choices as a task list, "
            "'- [x] a correct choice' or '- [ ] a wrong one'"
        ],
    ),
}


@pytest.mark.parametrize(
    ("quiz", "expected"), list(QUESTION_CASES.values()), ids=list(QUESTION_CASES)
)
def test_a_broken_question(course, quiz, expected):
    course.quiz(quiz)
    assert course.problems() == expected


def test_a_missing_explanation_is_a_warning(course):
    course.quiz(
        """
        ### Is this a question?

        - [x] Yes.
        - [ ] No.
        """
    )
    result = course.load()
    assert [str(p) for p in result.problems] == [
        f"{FIRST}:18: warning: question 'Is this a question?' has no explanation: "
        "add a '> ' blockquote after its choices"
    ]
    assert result.errors == []
    assert [m.slug for m in result.courses[0].modules] == ["first-steps", "listening"]


def test_a_choice_continued_with_an_indent_is_one_choice(course):
    course.quiz(
        """
        ### Is this a question?

        - [x] Yes, and this choice
          goes on for a second line.
        - [ ] No.

        > It is.
        """
    )
    (question,) = questions(course)
    assert [(c.text, c.correct, c.line) for c in question.choices] == [
        ("Yes, and this choice\ngoes on for a second line.", True, 20),
        ("No.", False, 22),
    ]


def test_a_question_is_read_in_full(course):
    course.quiz(
        """
        ### Sam asks you to **keep a secret**

        Sam tells you he has been skipping his medication.

        ```
        ### a code block in the scenario is not a question
        ```

        * [X] Listen first.
        + [ ] Promise to tell nobody.

        > Honesty about the limits of confidentiality
        keeps trust.

        > A second paragraph.
        """
    )
    (question,) = questions(course)
    assert question.stem == "Sam asks you to **keep a secret**"
    assert question.scenario == (
        "Sam tells you he has been skipping his medication.\n\n"
        "```\n### a code block in the scenario is not a question\n```"
    )
    assert [(c.text, c.correct) for c in question.choices] == [
        ("Listen first.", True),
        ("Promise to tell nobody.", False),
    ]
    assert question.explanation == (
        "Honesty about the limits of confidentiality\nkeeps trust.\n\nA second paragraph."
    )
    assert question.line == 18


def test_the_number_of_correct_choices_sets_the_kind_of_question(course):
    first, second = questions(course)
    assert first.kind == "single"
    assert second.kind == "multiple"
    assert [c.correct for c in second.choices] == [True, True, False]


def test_the_examples_in_the_authors_guide_check_clean(course):
    guide = (BUNDLED_COURSES / "README.md").read_text(encoding="utf-8")
    course_md, module_md, session_md = re.findall(r"```markdown\n(.*?)```", guide, re.DOTALL)
    course.write("course.md", course_md)
    course.write("03-boundaries.md", module_md)
    course.write("04-confidentiality.md", course.read("02-listening.md"))
    course.write("sessions/01-boundaries-practice.md", session_md)
    result = course.load()
    assert result.problems == []
    boundaries = result.courses[0].modules[2]
    assert [q.kind for q in boundaries.questions] == ["single", "multiple"]
    (practice,) = result.courses[0].sessions
    assert len(practice.skills) == 2
