"""A continuing-education (CE) certificate for a module passed here, as a PDF: who completed what,
when, for how many contact hours in which category, and the module's learning objectives, which
boards ask to see in an audit. Same fonts, frame and lettering as the course certificate
(certificate_pdf); fpdf2 is loaded by the first PDF made."""

from __future__ import annotations

from dataclasses import dataclass, replace

from . import certificate_fonts
from .certificate_fonts import set_font as _font
from .certificate_pdf import (
    ACCENT,
    DEFAULT_PAPER,
    INK,
    MARGIN,
    MUTED,
    TEXT_W,
    Fit,
    _centred,
    _facts,
    _frame,
    new_page,
)

MAX_OBJECTIVES = 8  # what fits under the facts; a module rarely has more


@dataclass(frozen=True)
class CESheet:
    """Everything printed, already worded (the date as "November 21, 2026")."""

    program: str  # the provider: the program that runs this site
    holder: str
    module_title: str
    course_title: str
    hours: str  # "1.5"
    category: str  # "Ethics"
    completed_on: str
    objectives: tuple = ()
    site_name: str = ""
    paper: str = DEFAULT_PAPER  # a key of certificate_pdf.PAPER_SIZES


def ce_certificate_pdf(sheet):
    """The CE certificate as PDF bytes."""
    objectives = tuple(sheet.objectives[:MAX_OBJECTIVES])
    texts = {
        name: value
        for name, value in vars(sheet).items()
        if isinstance(value, str) and value and name != "paper"
    }
    texts.update({f"objective-{i}": text for i, text in enumerate(objectives)})
    lettering = certificate_fonts.letter(texts)
    printed = lettering.texts
    sheet = replace(
        sheet,
        **{k: v for k, v in printed.items() if not k.startswith("objective-")},
        objectives=tuple(printed[f"objective-{i}"] for i in range(len(objectives))),
    )
    pdf = new_page(sheet.paper, lettering)  # fpdf2 is loaded here, by the first PDF made
    pdf.set_title(f"Continuing education certificate: {sheet.holder}, {sheet.module_title}")
    pdf.set_author(sheet.program)
    pdf.set_creator(sheet.site_name or sheet.program)
    pdf.set_lang("en")
    pdf.add_page()
    _frame(pdf)

    y = _centred(pdf, 22, sheet.program, Fit(12, floor=8), colour=MUTED)
    y = _centred(pdf, y + 3, "Certificate of Continuing Education", Fit(28, floor=18), True,
                 ACCENT)  # fmt: skip
    y = _centred(pdf, y + 5, "This certifies that", Fit(12), colour=MUTED)
    y = _centred(pdf, y + 2, sheet.holder, Fit(26, wrap_below=20, floor=14), True)
    y = _centred(pdf, y + 4, "completed the continuing education module", Fit(12), colour=MUTED)
    y = _centred(pdf, y + 2, sheet.module_title, Fit(18, wrap_below=14, floor=10), True)
    if sheet.course_title:
        y = _centred(pdf, y + 1, f"part of {sheet.course_title}", Fit(11, floor=8), colour=MUTED)
    top = y + 6
    # Measured from the page's edges, so that the date stays inside the frame on either paper.
    date_x = pdf.w - MARGIN - 82
    _facts(pdf, MARGIN, top, [("Contact hours", sheet.hours)], width=60)
    _facts(pdf, 95, top, [("Category", sheet.category)], width=min(80, date_x - 5 - 95))
    _facts(pdf, date_x, top, [("Date completed", sheet.completed_on)], width=80)
    y = top + 19
    if sheet.objectives:
        pdf.set_xy(MARGIN, y)
        _font(pdf, "Learning objectives", "B", 10)
        pdf.set_text_color(*INK)
        pdf.cell(TEXT_W, 5, "Learning objectives")
        y += 6
        for objective in sheet.objectives:
            _font(pdf, objective, "", 9)
            pdf.set_xy(MARGIN, y)
            pdf.multi_cell(pdf.w - 2 * MARGIN, 4.2, f"• {objective}", align="L")
            y = pdf.get_y() + 0.6
            if y > pdf.h - 32:  # the statement below needs the rest, above the frame
                break
    pdf.set_xy(MARGIN, max(y + 3, pdf.h - 30))
    statement = (
        f"This is a record of continuing education provided by {sheet.program}: "
        f"{sheet.hours} contact hours, completed on {sheet.completed_on}."
    )
    _font(pdf, statement, "", 9)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(pdf.w - 2 * MARGIN, 4.2, statement, align="L")
    return bytes(pdf.output())
