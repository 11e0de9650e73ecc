"""The item-writing check: warnings about quiz questions that a test-wise trainee can pass without
knowing the answer, or that are unclear.

Each rule has a name; a question silences a rule with a stated reason, on a line of its own in the
question's block: `<!-- allow longest-correct: both steps must be named, so it is longer -->`.
courses/README.md ("Questions that test judgment") says why each rule exists.
"""

from __future__ import annotations

import difflib
import re

RULES = {
    "longest-correct": "the right answer is notably longer than every wrong one",
    "absolute-words": "absolute words only in the wrong choices",
    "all-none-of-the-above": "'all of the above' or 'none of the above'",
    "negative-stem": "a negative question ('not', 'except', 'least') without emphasis",
    "similar-choices": "two choices the same or nearly the same",
    "select-all-count": "every select-all question of the course has the same number right",
    "copied-from-lesson": "the question repeats a sentence of its lesson word for word",
}

LONGER = 1.2  # "notably longer": by a fifth or more...
LONGER_BY = 10  # ...and by at least this many characters
SIMILAR = 0.9  # difflib ratio of their words at which two choices read as the same
MOST_CHOICES_COMPARED = 30  # beyond this many choices, the pairs are not compared
SENTENCE_WORDS = 6  # a whole lesson sentence this long, repeated in a question, is flagged
COPIED_WORDS = 12  # and so is any run of this many of the lesson's words
SELECT_ALL_MINIMUM = 3  # the count rule needs this many select-all questions to judge
ABSOLUTE = re.compile(
    r"\b(always|never|only|all|none|every|everyone|everybody|everything|nobody|nothing|"
    r"completely|entirely|totally|guaranteed?|impossible|definitely|certainly)\b",
    re.IGNORECASE,
)
_ABOVE = re.compile(r"\b(all|none|both|neither) of (the )?(above|these|those)\b", re.IGNORECASE)
_NEGATIVE = re.compile(r"(\*\*|__|\*|_)?\b(not|except|least)\b(\*\*|__|\*|_)?", re.IGNORECASE)
_LINK = re.compile(r"!?\[([^\]]*+)\]\([^)]*+\)")
_MARKUP = re.compile(r"[*_`~]")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
_ALLOW = re.compile(r"^ {0,3}<!--\s*+allow\b(.*?)-->\s*+$", re.IGNORECASE)


def plain(markdown):
    """Text as a trainee reads it: link text without its target, no emphasis markers."""
    return " ".join(_MARKUP.sub("", _LINK.sub(r"\1", markdown)).split())


def words(text):
    return _WORD.findall(plain(text).casefold().replace("’", "'"))


def parse_allow(line):
    """For a `<!-- allow RULE[, RULE]: REASON -->` line: ((rules, reason), problem or None);
    None for any other line."""
    found = _ALLOW.match(line.strip())
    if not found:
        return None
    rules_text, _, reason = found.group(1).partition(":")
    rules = tuple(name.strip().lower() for name in rules_text.split(",") if name.strip())
    known = ", ".join(RULES)
    if not rules:
        return (), f"name the rule to allow: '<!-- allow RULE: why -->', one of {known}"
    unknown = [name for name in rules if name not in RULES]
    if unknown:
        return (), f"'{unknown[0]}' is not an item-writing rule: the rules are {known}"
    if len(reason.strip()) < 10:
        return (), (
            f"say why the question may break '{rules[0]}': "
            f"'<!-- allow {rules[0]}: the reason, in a sentence -->'"
        )
    return tuple((name, reason.strip()) for name in rules), None


def question_warnings(question, lesson_sentences):
    """[(line, message)] for one question, less the rules it allows."""
    allowed = {name for name, _ in question.allowed}
    found = []
    for rule, check in _QUESTION_RULES:
        if rule in allowed:
            continue
        message = check(question, lesson_sentences)
        if message:
            found.append((question.line, f"item-writing ({rule}): {message}"))
    return found


def lesson_sentences(lesson):
    """What the copy rule looks for: the lesson's sentences of SENTENCE_WORDS words or more, and
    every run of COPIED_WORDS words in it, each as a string of words."""
    sentences, runs = set(), set()
    for sentence in _SENTENCE_END.split(" ".join(lesson.split())):
        found = words(sentence)
        if len(found) >= SENTENCE_WORDS:
            sentences.add(" ".join(found))
        runs.update(_runs(found))
    return sentences, runs


def _runs(sentence_words):
    """Every run of COPIED_WORDS consecutive words, so a long copied clause is found anywhere."""
    return {
        " ".join(sentence_words[i : i + COPIED_WORDS])
        for i in range(len(sentence_words) - COPIED_WORDS + 1)
    }


def _longest_correct(question, _lesson):
    right = [len(plain(c.text)) for c in question.choices if c.correct]
    wrong = [len(plain(c.text)) for c in question.choices if not c.correct]
    if not right or not wrong:
        return None
    shortest_right, longest_wrong = min(right), max(wrong)
    if shortest_right >= longest_wrong * LONGER and shortest_right - longest_wrong >= LONGER_BY:
        what = "the right answer is" if len(right) == 1 else "every right answer is"
        return (
            f"{what} notably longer than every wrong one ({shortest_right} characters against "
            f"at most {longest_wrong}), and test-wise trainees pick the longest: make the choices "
            "similar in length"
        )
    return None


def _absolute_words(question, _lesson):
    in_right = [ABSOLUTE.search(plain(c.text)) for c in question.choices if c.correct]
    in_wrong = [ABSOLUTE.search(plain(c.text)) for c in question.choices if not c.correct]
    if any(in_right) or not any(in_wrong):
        return None
    shown = sorted({m.group(1).lower() for m in in_wrong if m})
    return (
        f"absolute words ({', '.join(repr(w) for w in shown)}) appear only in wrong choices, "
        "which gives them away: reword those choices, or use such words in right ones too"
    )


def _above(question, _lesson):
    for choice in question.choices:
        found = _ABOVE.search(plain(choice.text))
        if found:
            return (
                f"'{found.group(0)}' tests reading the choices, not judgment, and becomes "
                "wrong when choices are shuffled: write a real choice instead"
            )
    return None


def _negative_stem(question, _lesson):
    asked = [question.stem] + [
        s for s in _SENTENCE_END.split(" ".join(question.scenario.split())) if s.endswith("?")
    ]
    for sentence in asked:
        for found in _NEGATIVE.finditer(sentence):
            word = found.group(2)
            emphasised = (found.group(1) and found.group(3)) or (word.isupper() and len(word) > 1)
            if not emphasised:
                return (
                    f"the question asks with '{word}' but does not stress it, so readers miss it: "
                    f"write **{word}** (or ask the question the positive way)"
                )
    return None


def _similar_choices(question, _lesson):
    if len(question.choices) > MOST_CHOICES_COMPARED:
        return None  # pairs grow with the square; a real question has a handful of choices
    texts = [words(c.text) for c in question.choices]
    for i, first in enumerate(texts):
        for second in texts[i + 1 :]:
            pair = difflib.SequenceMatcher(None, first, second)
            if first == second or (pair.quick_ratio() >= SIMILAR and pair.ratio() >= SIMILAR):
                one, other = " ".join(first[:8]), " ".join(second[:8])
                return (
                    f"two choices read nearly the same ('{one} ...' and '{other} ...'): make "
                    "each choice a different idea"
                )
    return None


def _copied(question, lesson):
    sentences, runs = lesson
    asked_words = words(question.stem + " " + question.scenario)
    asked = f" {' '.join(asked_words)} "
    copied = next((s for s in sorted(sentences) if f" {s} " in asked), None)
    copied = copied or next((run for run in sorted(_runs(asked_words)) if run in runs), None)
    if copied is None:
        return None
    shown = " ".join(copied.split()[:8])
    return (
        f"the question repeats the lesson word for word ('{shown} ...'), so it tests "
        "recognition, not understanding: put it in new words or a new situation"
    )


_QUESTION_RULES = (
    ("longest-correct", _longest_correct),
    ("absolute-words", _absolute_words),
    ("all-none-of-the-above", _above),
    ("negative-stem", _negative_stem),
    ("similar-choices", _similar_choices),
    ("copied-from-lesson", _copied),
)


def select_all_warning(located_questions):
    """(path, line, message) when a course's select-all questions all have the same number of
    right answers, or None. `located_questions` is [(path, question)] over the course."""
    counted = [
        (path, question, sum(c.correct for c in question.choices))
        for path, question in located_questions
        if question.kind == "multiple"
        and "select-all-count" not in {name for name, _ in question.allowed}
    ]
    counts = {count for _, _, count in counted}
    if len(counted) < SELECT_ALL_MINIMUM or len(counts) != 1:
        return None
    path, question, count = counted[0]
    total = sum(len(q.choices) for _, q, _ in counted) / len(counted)
    return (
        path,
        question.line,
        f"item-writing (select-all-count): all {len(counted)} select-all questions in this "
        f"course have {count} right answers (of about {total:.0f} choices), so trainees learn "
        f"to tick {count}: vary how many are right",
    )
