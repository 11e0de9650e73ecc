"""Blocks the renderer reshapes for the page they go in. Each table sits in a focusable scroll
region named by its header row, and no two regions of one text share a name (axe-core's
landmark-unique: a lesson with two tables headed "Kind" gave two regions called "Table: Kind").
A level-1 heading becomes a level-2 one: the page's title is its one <h1>, and the sanitiser,
which allows none in a text, left an author's '# Heading' as bare words among the paragraphs."""

import re

from lms.content.render import render_block

REGION = re.compile(r'<div class="table-scroll" role="region" tabindex="0" aria-label="([^"]*)">')


def names(markdown):
    return REGION.findall(render_block(markdown))


def table(*headers):
    return (
        "| "
        + " | ".join(headers)
        + " |\n|"
        + "---|" * len(headers)
        + "\n|"
        + " x |" * len(headers)
        + "\n\n"
    )


def test_a_region_is_named_by_the_whole_header_row():
    assert names(table("Kind", "What it means", "Examples")) == [
        "Table: Kind, What it means, Examples"
    ]


def test_tables_with_the_same_header_row_are_numbered():
    text = table("Kind", "Notes") + "Between them.\n\n" + table("Kind", "Notes") + table("Kind")
    assert names(text) == ["Table: Kind, Notes", "Table: Kind, Notes (2)", "Table: Kind"]


def test_marks_and_entities_are_read_as_words_and_the_name_is_escaped():
    assert names(table("*Kind*", 'Say "hi" & 3 < 4', "")) == [
        "Table: Kind, Say &quot;hi&quot; &amp; 3 &lt; 4"
    ]


def test_a_table_without_header_words_is_just_a_table():
    assert names(table(" ", " ") + table(" ")) == ["Table", "Table (2)"]


def test_a_long_header_row_is_cut_to_a_name():
    (name,) = names(table(*(f"Column {n} of a wide table" for n in range(12))))
    assert len(name) == len("Table: ") + 100


def test_a_level_one_heading_is_published_as_a_section_heading():
    text = "# Before you start\n\nRead this first.\n\n<h1>Raw</h1>\n\n`<h1>` and ## stay as written"
    assert render_block(text) == (
        "<h2>Before you start</h2>\n<p>Read this first.</p>\n<h2>Raw</h2>\n\n"
        "<p><code>&lt;h1&gt;</code> and ## stay as written</p>"
    )
