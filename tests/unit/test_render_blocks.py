"""Blocks the renderer reshapes for the page they go in. Each table sits in a focusable scroll
region named by its header row, and no two regions of one text share a name (axe-core's
landmark-unique: a lesson with two tables headed "Kind" gave two regions called "Table: Kind").
A level-1 heading becomes a level-2 one: the page's title is its one <h1>, and the sanitiser,
which allows none in a text, left an author's '# Heading' as bare words among the paragraphs.
Each heading has an id made from its words, which a '#anchor' link is rewritten to match."""

import re

from lms.content.render import anchors, render_block, render_inline

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
        '<h2 id="section-before-you-start">Before you start</h2>\n<p>Read this first.</p>\n'
        '<h2 id="section-raw">Raw</h2>\n\n'
        "<p><code>&lt;h1&gt;</code> and ## stay as written</p>"
    )


def test_headings_get_ids_that_a_fragment_link_points_at():
    text = (
        "See [the plan](#safety-plan-step-1) and [the top](#).\n\n"
        "## Safety plan: step 1\n\n### **Who** to call & `when`\n\n## Safety plan: step 1\n\n"
        "Setext heading\n---\n\n> ## In a quote"
    )
    html = render_block(text)
    assert '<a href="#section-safety-plan-step-1" rel="noopener noreferrer">the plan</a>' in html
    assert '<a href="#" rel="noopener noreferrer">the top</a>' in html
    # as GitHub makes them: lowercase, punctuation dropped, each space a hyphen, repeats numbered
    assert re.findall(r'<h[2-6] id="([^"]*)"', html) == [
        "section-safety-plan-step-1",
        "section-who-to-call--when",
        "section-safety-plan-step-1-1",
        "section-setext-heading",
        "section-in-a-quote",
    ]
    assert anchors(text) == [
        "safety-plan-step-1",
        "who-to-call--when",
        "safety-plan-step-1-1",
        "setext-heading",
        "in-a-quote",
    ]


def test_an_author_cannot_give_a_heading_an_id_of_the_page():
    # The page's own elements have ids (main, quiz-heading); an author's id is removed, and the
    # renderer's all start with 'section-'.
    html = render_block('<h2 id="main">Main</h2>\n\n<h3 id="section-x" class="y">X</h3>')
    assert html == '<h2 id="section-main">Main</h2>\n\n<h3 id="section-x">X</h3>'


def test_quiz_pieces_have_no_heading_ids():
    # A quiz page shows many questions, each rendered apart: ids there would repeat.
    assert render_block("#### Before", anchors=False) == "<h4>Before</h4>"
    assert render_inline("Go [back](#before)") == (
        'Go <a href="#section-before" rel="noopener noreferrer">back</a>'
    )
