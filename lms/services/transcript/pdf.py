"""A training transcript as a PDF a coordinator can attach to a board application: portrait, on
US Letter or A4 (LMS_PAPER_SIZE, as certificates),
the trainee's name, the issue date and the page number ("Page 2 of 5") on every page, tables
whose long titles wrap, the code and the address that verifies it, with a QR code.

Fonts are the certificate's (certificate_fonts), so any name prints; fpdf2 and qrcode are loaded
by the first PDF made, as for certificates."""

from __future__ import annotations

from dataclasses import dataclass

from ..certification import certificate_fonts
from ..certification.certificate_fonts import set_font as _font
from ..certification.certificate_pdf import ACCENT, DEFAULT_PAPER, INK, MUTED, PAPER_SIZES, qr_code
from ..learning.training import domain_label
from ..logbook.practice import KIND_NAMES
from .record import hours_text

# The text's width fits the narrower paper (A4, 210 mm) with 15 mm margins; on US Letter
# (215.9 mm) the margins grow to keep it centred.
WIDTH = 180
STATUS = {"valid": "Valid", "expired": "Expired", "superseded": "Renewed", "revoked": "Revoked"}
ATTENDANCE = {"present": "Present", "partial": "Part of it"}


@dataclass(frozen=True)
class TranscriptSheet:
    """What surrounds the transcript's content on paper."""

    site_name: str
    code: str
    verify_url: str
    issued_on: str  # already worded: "November 21, 2026"
    paper: str = DEFAULT_PAPER  # a key of certificate_pdf.PAPER_SIZES


def _counted(number, noun):
    """'1 session', '2 sessions' (the page's `counted` filter, for paper)."""
    return f"{number} {noun if number == 1 else noun + 's'}"


def _skills(skills):
    """Skills in one line: "Asks open questions; Names a boundary kindly". A checklist item's own
    full stop is dropped, or it would read "information.; Asks" (a new line prints as a box)."""
    return "; ".join(skill.rstrip(".") for skill in skills) or "None recorded"


def _domains(split):
    return ", ".join(domain_label(domain) for domain, _ in split)


def _tables(data, date_text):
    """[(heading, intro line or "", column widths, header row, rows)] of the transcript."""
    tables = []
    for course in data.courses:
        rows = [
            (row.label, row.hours, "" if row.required_hours is None else str(row.required_hours),
             "" if row.required_hours is None else ("Met" if row.met else "Not yet"))
            for row in course.training
        ] + [
            (f"Approved {hours.label} hours", hours.hours, str(hours.required_hours),
             "Met" if hours.met else "Not yet")
            for hours in course.hours
        ]  # fmt: skip
        tables.append(
            (f"{course.title}: hours against the certificate",
             f"Certificate: {course.certificate_title}. Training hours are modules passed and "
             "live sessions attended.",
             (90, 30, 30, 30), ("Domain", "Hours done", "Hours required", "Status"), rows)
        )  # fmt: skip
    tables.append(
        ("Modules passed", f"{_counted(len(data.modules), 'module')}.", (50, 55, 27, 15, 33),
         ("Course", "Module", "Passed on", "Hours", "Domain"),
         [(m.course, m.title, date_text(m.passed_on), m.hours, _domains(m.domains))
          for m in data.modules])
    )  # fmt: skip
    tables.append(
        ("Live sessions attended", f"{_counted(len(data.sessions), 'session')}.",
         (22, 42, 28, 20, 30, 38),
         ("Date", "Session", "Facilitator", "Hours", "Domain", "Skills demonstrated"),
         [(date_text(s.held_on), f"{s.title} ({s.course})", s.facilitator,
           f"{s.hours} ({ATTENDANCE.get(s.status, s.status).lower()})", _domains(s.domains),
           _skills(s.skills)) for s in data.sessions])
    )  # fmt: skip
    totals = ", ".join(
        f"{KIND_NAMES.get(kind, kind).lower()} {hours_text(minutes)} hours"
        for kind, minutes in data.hours_by_kind.items()
    )
    tables.append(
        ("Approved work and supervision hours", f"Approved in total: {totals}.",
         (24, 26, 14, 52, 38, 26),
         ("Date", "Kind", "Hours", "Activity", "Approved by", "Approved on"),
         [(date_text(e.on), e.kind_name, e.hours, e.activity, e.approved_by,
           date_text(e.approved_on)) for e in data.hours])
    )  # fmt: skip
    tables.append(
        ("Code of ethics", "", (80, 40, 60), ("Course", "Signed on", "Name typed"),
         [(s.course, date_text(s.signed_on), s.typed_name) for s in data.signatures])
    )  # fmt: skip
    tables.append(
        ("Certificates held", "", (60, 50, 25, 25, 20),
         ("Certificate", "Code", "Issued", "Expires", "Status"),
         [(c.title, c.code, date_text(c.issued_on), date_text(c.expires_on), STATUS[c.status])
          for c in data.certificates])
    )  # fmt: skip
    return tables


def transcript_pdf(data, sheet, date_text):
    """The transcript (transcript.TranscriptData) as PDF bytes; `date_text` words a date."""
    from fpdf import FPDF  # here, not at the top: see the module's docstring

    tables = _tables(data, date_text)
    texts = [data.name, sheet.site_name, sheet.verify_url]
    for heading, intro, _, header, rows in tables:
        texts += [heading, intro, *header]
        texts += [cell for row in rows for cell in row]
    lettering = certificate_fonts.letter({text: text for text in texts})
    printed = lettering.texts
    name = printed[data.name]

    class Pages(FPDF):
        def header(self):
            if self.page_no() == 1:
                return
            self.set_y(8)
            _font(self, name, "", 8)
            self.set_text_color(*MUTED)
            self.cell(WIDTH, 5, f"Training transcript of {name}, issued {sheet.issued_on}")
            self.ln(9)

        def footer(self):
            self.set_y(-12)
            _font(self, name, "", 8)
            self.set_text_color(*MUTED)
            self.cell(WIDTH / 2, 5, f"{name} · issued {sheet.issued_on} · {sheet.code}")
            self.cell(WIDTH / 2, 5, f"Page {self.page_no()} of {{nb}}", align="R")

    pdf = Pages(orientation="portrait", unit="mm", format=PAPER_SIZES[sheet.paper])
    certificate_fonts.load_faces(pdf, lettering)
    side = (pdf.w - WIDTH) / 2
    pdf.set_margins(side, 18, side)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(f"Training transcript: {name}")
    pdf.set_author(sheet.site_name)
    pdf.set_subject(f"Training transcript {sheet.code}")
    pdf.set_creator(sheet.site_name)
    pdf.set_lang("en")
    pdf.add_page()
    _first_page_top(pdf, data, sheet, name)
    for heading, intro, widths, header, rows in tables:
        _table(pdf, printed, heading, intro, widths, header, rows)
    return bytes(pdf.output())


def _first_page_top(pdf, data, sheet, name):
    pdf.set_y(15)
    _font(pdf, sheet.site_name, "", 10)
    pdf.set_text_color(*MUTED)
    pdf.cell(WIDTH - 40, 6, sheet.site_name, new_x="LMARGIN", new_y="NEXT")
    _font(pdf, "", "B", 22)
    pdf.set_text_color(*ACCENT)
    pdf.cell(WIDTH - 40, 11, "Training transcript", new_x="LMARGIN", new_y="NEXT")
    _font(pdf, name, "B", 16)
    pdf.set_text_color(*INK)
    pdf.multi_cell(WIDTH - 40, 8, name, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for label, value in (("Issued on", sheet.issued_on), ("Transcript code", sheet.code)):
        _font(pdf, "", "", 10)
        pdf.set_text_color(*MUTED)
        pdf.cell(35, 6, label)
        _font(pdf, value, "B", 10)
        pdf.set_text_color(*INK)
        pdf.cell(WIDTH - 75, 6, value, new_x="LMARGIN", new_y="NEXT")
    _font(pdf, "", "", 10)
    pdf.set_text_color(*MUTED)
    pdf.cell(35, 6, "Check it at")
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(WIDTH - 75, 6, sheet.verify_url, link=sheet.verify_url, wrapmode="CHAR",
                   new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    bottom = pdf.get_y()
    qr_code(pdf, sheet.verify_url, x=pdf.l_margin + WIDTH - 32, y=15, size=32)
    pdf.set_xy(pdf.l_margin, max(bottom, 15 + 32 + 8) + 2)
    _font(pdf, "", "", 10)
    pdf.set_text_color(*INK)
    training = data.module_minutes + data.session_minutes
    pdf.multi_cell(
        WIDTH, 5.5,
        f"{_counted(len(data.modules), 'module')} passed and "
        f"{_counted(len(data.sessions), 'live session')} attended: "
        f"{hours_text(training)} training hours. Approved practice: "
        f"{hours_text(data.hours_by_kind.get('work', 0))} hours of peer-support work and "
        f"{hours_text(data.hours_by_kind.get('supervision', 0))} hours of supervision.",
        align="L", new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip


def _table(pdf, printed, heading, intro, widths, header, rows):
    pdf.ln(4)
    if pdf.get_y() > pdf.h - 50:
        pdf.add_page()  # a heading never sits alone at the foot of a page
    _font(pdf, heading, "B", 13)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(WIDTH, 7, printed[heading], new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    if intro:
        _font(pdf, intro, "", 9)
        pdf.multi_cell(WIDTH, 5, printed[intro], align="L", new_x="LMARGIN", new_y="NEXT")
    if not rows:
        _font(pdf, "", "", 9)
        pdf.set_text_color(*MUTED)
        pdf.cell(WIDTH, 6, "None yet.", new_x="LMARGIN", new_y="NEXT")
        return
    pdf.ln(1)
    _font(pdf, "", "", 8)
    scale = WIDTH / sum(widths)
    with pdf.table(
        col_widths=[w * scale for w in widths], width=WIDTH, text_align="LEFT",
        line_height=4.2, padding=1.2, repeat_headings=1,
    ) as table:  # fmt: skip
        row = table.row()
        for cell in header:
            row.cell(printed[cell])
        for values in rows:
            row = table.row()
            for cell in values:
                row.cell(printed[cell])
