"""The text a new draft file starts from: well-formed, so the checker passes it, with plain
placeholders that tell the author what to write. course.md leaves `summary` empty on purpose:
the checker asks for it, the one thing no template can guess."""

from __future__ import annotations

import json
import re

_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ,.'()&-]*$")


def yaml_text(value):
    """A title as a YAML scalar: as written when plain, else double-quoted (JSON is YAML)."""
    return value if _PLAIN.match(value) and not value.endswith(" ") else json.dumps(value)


def question_skeleton(number=1):
    """A quiz question to fill in, as the editor's "new question" helper inserts it; `number`
    keeps its stem apart from the skeletons already in the quiz (two equal stems are an error).
    The stem does not begin "Question N": quiz pages number each question already, and the
    preview would read "Question 2. Question 2: ..."."""
    return (
        f"### Write question {number} here: a person, a situation, and what you would say or do?\n"
        "\n"
        "- [x] The response that fits the peer role.\n"
        "- [ ] A mistake a new peer supporter could make.\n"
        "- [ ] A second mistake that looks helpful.\n"
        "\n"
        "> Why the right choice is right, and why each wrong one is wrong.\n"
    )


def course_file(title):
    return (
        "---\n"
        f"title: {yaml_text(title)}\n"
        "summary:\n"
        "certificate:\n"
        f"  title: {yaml_text('Certificate of Completion: ' + title)}\n"
        "  valid_for_months: 24\n"
        "---\n"
        "\n"
        "Write the course overview here: who the course is for, what trainees will learn and "
        "how they are assessed.\n"
    )


def module_file(title, domain):
    return (
        "---\n"
        f"title: {yaml_text(title)}\n"
        "minutes: 12\n"
        f"domain: {domain}\n"
        "objectives:\n"
        "  - Write what a trainee will be able to do after this module.\n"
        "---\n"
        "\n"
        "Write the lesson here in plain words: what a peer supporter needs to know, and why it "
        "matters to the people they support.\n"
        "\n"
        "## Practice: name the activity here (10 minutes)\n"
        "\n"
        "Describe what trainees do, step by step. The time at the end of the heading is what "
        "the activity really takes.\n"
        "\n"
        "## Quiz\n"
        "\n" + question_skeleton()
    )


def session_file(title, domain):
    return (
        "---\n"
        f"title: {yaml_text(title)}\n"
        "minutes: 60\n"
        f"domain: {domain}\n"
        "objectives:\n"
        "  - Write what trainees will practice in this session.\n"
        "---\n"
        "\n"
        "## Plan (60 minutes)\n"
        "\n"
        "| Time | Minutes | What happens |\n"
        "| --- | --- | --- |\n"
        "| 0:00 | 10 | Welcome and group agreements |\n"
        "| 0:10 | 40 | The practice: describe it here |\n"
        "| 0:50 | 10 | Debrief: what went well, what to try next |\n"
    )


def ethics_file(title):
    return (
        f"# {title}\n"
        "\n"
        "Write the code trainees read and sign: the values and duties of a peer supporter in "
        "this program. For trainees to sign it, set `code_of_ethics: true` under "
        "`certificate: requires:` in course.md.\n"
    )
