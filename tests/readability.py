"""The reading level of a bundled course file, as the readability test measures it.

The text a trainee reads: the lesson and its quiz, without front matter, Markdown markup, link
targets, tables' rules or the Sources section (titles of works, not our sentences). Flesch-Kincaid
grade from textstat. Run it on files to see their grades:

    .venv/bin/python -m tests.readability courses/peer-support-foundations/*.md
"""

import re
import sys
from pathlib import Path

import textstat

MAX_GRADE = 9  # the test fails above it; aim at 8 or below


def readable_text(markdown):
    text = markdown
    if text.startswith("---"):
        text = text.split("\n---", 1)[1]
    text = re.sub(r"\n## Sources\n.*?(?=\n## |\Z)", "\n", text, flags=re.S)
    text = re.sub(r"(?m)^ {0,3}(```|~~~).*?^ {0,3}\1", "", text, flags=re.S)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(?m)^\s*\|?\s*:?-{3,}.*$", "", text)  # table rules
    text = re.sub(r"(?m)^\s*(#{1,6}|>|[-*+]\s+\[[ xX]\]|[-*+]|\d+[.)])\s*", "", text)
    text = text.replace("|", ". ").replace("**", "").replace("*", "").replace("`", "")
    # a heading or list item without a full stop still ends a sentence
    return "\n".join(
        line if not line.strip() or line.rstrip()[-1] in ".?!:;" else line + "."
        for line in text.split("\n")
    )


def grade(markdown):
    return textstat.flesch_kincaid_grade(readable_text(markdown))


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"{grade(Path(name).read_text(encoding='utf-8')):5.1f}  {name}")
