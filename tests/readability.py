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


_BLOCK_START = re.compile(r"^\s*(#{1,6}\s|>|[-*+]\s|\d+[.)]\s|\|)")


def readable_text(markdown):
    text = markdown
    if text.startswith("---"):
        text = text.split("\n---", 1)[1]
    text = re.sub(r"\n## Sources\n.*?(?=\n## |\Z)", "\n", text, flags=re.S)
    text = re.sub(r"(?m)^ {0,3}(```|~~~).*?^ {0,3}\1", "", text, flags=re.S)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(?m)^\s*\|?\s*:?-{3,}.*$", "", text)  # table rules
    # A paragraph wrapped over several lines is one run of sentences; a heading, list item, quote
    # or table row is a block of its own, and one without a full stop still ends a sentence.
    blocks, current = [], []
    for line in text.split("\n"):
        if not line.strip() or _BLOCK_START.match(line):
            if current:
                blocks.append(" ".join(current))
            current = [line.strip()] if line.strip() else []
        else:
            current.append(line.strip())
    if current:
        blocks.append(" ".join(current))
    sentences = []
    for block in blocks:
        block = re.sub(r"^(#{1,6}|>|[-*+]\s+\[[ xX]\]|[-*+]|\d+[.)])\s*", "", block)
        block = block.replace("|", ". ").replace("**", "").replace("*", "").replace("`", "")
        block = block.strip(" .")
        if block:
            sentences.append(block if block[-1] in "?!:;" else block + ".")
    return "\n".join(sentences)


def grade(markdown):
    return textstat.flesch_kincaid_grade(readable_text(markdown))


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"{grade(Path(name).read_text(encoding='utf-8')):5.1f}  {name}")
