"""A certificate as a printable PDF: landscape, on US Letter or A4 (LMS_PAPER_SIZE), real text in
bundled Unicode fonts, shaped and ordered by HarfBuzz (so a name in any major script prints,
right-to-left ones too, and the page can be searched and read aloud), a QR code that opens the
certificate's verification page, and a stamp across a revoked or expired certificate.

fpdf2, qrcode and the fonts are loaded by the first PDF made, not when the app starts: most
workers never make one."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

from . import certificate_fonts

# The paper a certificate is printed on, landscape (LMS_PAPER_SIZE): fpdf's format names. Every
# position below is measured from the page's own edges (pdf.w, pdf.h), so both fit.
PAPER_SIZES = {"letter": "Letter", "a4": "A4"}
PAPER_NAMES = {"letter": "US Letter", "a4": "A4"}  # as the holder's certificate page names them
DEFAULT_PAPER = "letter"  # US programs print on US Letter
MARGIN = 30  # from the page's edge to the facts and the QR code, mm
TEXT_W = 225  # the width centred lines may take
QR_SIZE = 38
TOP, TOP_SPACE, GAPS = 22, 110, 25  # where the top half starts, its room, its total spacing
INK = (29, 35, 48)
MUTED = (77, 85, 102)
ACCENT = (31, 95, 139)
GOLD = (176, 141, 62)
STAMP = (178, 34, 34)


@dataclass(frozen=True)
class CertificateSheet:
    """Everything printed on the page, already worded (dates as "November 21, 2026")."""

    site_name: str
    title: str
    holder: str
    course_title: str
    course_version: int
    issued_on: str
    expires_on: str
    code: str
    verify_url: str
    stamp: str = ""  # "Revoked" or "Expired", printed across the page; empty while valid
    stamp_note: str = ""  # a line under the stamp, e.g. "on December 3, 2026"
    paper: str = DEFAULT_PAPER  # a key of PAPER_SIZES


def new_page(paper, lettering):
    """A landscape FPDF page of this paper (a key of PAPER_SIZES), the lettering's fonts loaded."""
    from fpdf import FPDF  # here, not at the top: see the module's docstring

    pdf = FPDF(orientation="landscape", unit="mm", format=PAPER_SIZES[paper])
    certificate_fonts.load_faces(pdf, lettering)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    return pdf


def certificate_pdf(sheet):
    """The certificate as PDF bytes."""
    texts = {
        field: value
        for field, value in asdict(sheet).items()
        if isinstance(value, str) and field != "paper"
    }
    lettering = certificate_fonts.letter(texts)
    sheet = replace(sheet, **lettering.texts)
    pdf = new_page(sheet.paper, lettering)
    pdf.set_title(f"{sheet.title}: {sheet.holder}" + (f" ({sheet.stamp})" if sheet.stamp else ""))
    pdf.set_author(sheet.site_name)
    pdf.set_subject(f"Certificate {sheet.code}")
    pdf.set_creator(sheet.site_name)
    pdf.set_lang("en")
    pdf.add_page()

    _frame(pdf)
    # The top half flows down the page, so that a long title or name can take a second line;
    # when everything is short, the spaces between lines grow to fill the page evenly.
    natural = _top_half(pdf, sheet, spacing=1, draw=False) - TOP
    spacing = min(1.8, max(1, 1 + (TOP_SPACE - natural) / GAPS))
    y = _top_half(pdf, sheet, spacing, draw=True)

    top = min(max(140, y + 8), 148)
    _facts(pdf, MARGIN, top + 4, [("Issued on", sheet.issued_on), ("Expires on", sheet.expires_on)])
    # The code and the address take what is left between the dates and the QR code (131 mm on
    # A4, 113 on Letter): the address as large as fits on one line, down to 8 points, and wrapped
    # only when it is longer still.
    qr_x = pdf.w - MARGIN - QR_SIZE
    column = MARGIN + 62
    width = qr_x - 6 - column
    _facts(pdf, column, top + 4, [("Certificate code", sheet.code)], width=width)
    _label(pdf, column, top + 23, "Check this certificate at", width=width)
    pdf.set_xy(column, top + 29)
    for size in (10, 9, 8):
        _set_font(pdf, sheet.verify_url, "", size)
        if pdf.get_string_width(sheet.verify_url) <= width - 2:  # a cell's own padding
            break
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(width, 5, sheet.verify_url, align="L", link=sheet.verify_url, wrapmode="CHAR")
    qr_code(pdf, sheet.verify_url, x=qr_x, y=top, size=QR_SIZE)
    if sheet.stamp:
        _stamp(pdf, sheet.stamp, sheet.stamp_note)
    return bytes(pdf.output())


def _set_font(pdf, text, style, size):
    pdf.set_font(certificate_fonts.face_for(text).family, style, size)


def _top_half(pdf, sheet, spacing, draw):
    """Lay out (or, with draw=False, only measure) the top half; returns the y below it."""

    def line(y, gap, text, fit, bold=False, colour=INK):
        return _centred(pdf, y + gap * spacing, text, fit, bold, colour, draw)

    y = line(TOP, 0, sheet.site_name, Fit(12, floor=8), colour=MUTED)
    y = line(y, 3, "Certificate", Fit(38), bold=True, colour=ACCENT)
    y = line(y, 3, sheet.title, Fit(20, wrap_below=17, floor=11), bold=True)
    if draw:
        _ornament(pdf, y + 5 * spacing)
    y = line(y, 9, "awarded to", Fit(12), colour=MUTED)
    y = line(y, 2, sheet.holder, Fit(32, wrap_below=22, floor=14), bold=True)
    if draw:
        pdf.set_draw_color(*GOLD)
        pdf.set_line_width(0.4)
        pdf.line(pdf.w / 2 - 80, y + 2, pdf.w / 2 + 80, y + 2)
    y = line(y, 6, "for completing the course", Fit(12), colour=MUTED)
    course = f"{sheet.course_title}, version {sheet.course_version}"
    return line(y, 2, course, Fit(15, wrap_below=12, floor=9))


def _frame(pdf):
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.6)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.35)
    pdf.rect(14, 14, pdf.w - 28, pdf.h - 28)
    pdf.set_fill_color(*GOLD)
    for x, y in ((14, 14), (pdf.w - 14, 14), (14, pdf.h - 14), (pdf.w - 14, pdf.h - 14)):
        _diamond(pdf, x, y, 2.2)


def _diamond(pdf, x, y, r):
    pdf.polygon([(x, y - r), (x + r, y), (x, y + r), (x - r, y)], style="F")


def _ornament(pdf, y):
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.35)
    middle = pdf.w / 2
    pdf.line(middle - 30, y, middle - 4, y)
    pdf.line(middle + 4, y, middle + 30, y)
    pdf.set_fill_color(*GOLD)
    _diamond(pdf, middle, y, 1.6)


@dataclass(frozen=True)
class Fit:
    """How a centred line may shrink: from `size` down to `floor` points, taking two lines once
    it is below `wrap_below` points."""

    size: int
    wrap_below: int = 0
    floor: int = 0


def _centred(pdf, y, text, fit, bold=False, colour=INK, draw=True):
    """Text centred at `y`, as large as fits; returns the y just below it."""
    style = "B" if bold else ""
    size = fit.size
    while True:
        _set_font(pdf, text, style, size)
        lines = pdf.multi_cell(TEXT_W, size * 0.42, text, dry_run=True, output="LINES")
        if len(lines) <= (2 if size < fit.wrap_below else 1) or size <= fit.floor:
            break
        size -= 1
    if not draw:
        return y + len(lines) * size * 0.42
    pdf.set_text_color(*colour)
    pdf.set_xy((pdf.w - TEXT_W) / 2, y)
    pdf.multi_cell(TEXT_W, size * 0.42, text, align="C")
    return pdf.get_y()


def _label(pdf, x, y, text, width=70):
    pdf.set_xy(x, y)
    _set_font(pdf, text, "", 9)
    pdf.set_text_color(*MUTED)
    pdf.cell(width, 5, text)


def _facts(pdf, x, y, facts, width=70):
    for label, value in facts:
        _label(pdf, x, y, label, width)
        pdf.set_xy(x, y + 6)
        _set_font(pdf, value, "B", 13)
        pdf.set_text_color(*INK)
        pdf.cell(width, 6, value)
        y += 19


def qr_code(pdf, url, x, y, size):
    """A QR code that opens `url`, `size` mm square at (x, y), with "Scan to check it" under it."""
    import qrcode  # here, not at the top: see the module's docstring
    from qrcode.image.pil import PilImage

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=0)
    qr.add_data(url)
    qr.make(fit=True)
    image = qr.make_image(image_factory=PilImage).get_image().convert("L")
    pdf.image(image, x=x, y=y, w=size, h=size, alt_text=f"QR code that opens {url}")
    pdf.set_xy(x - 6, y + size + 2)
    _set_font(pdf, "", "", 8)
    pdf.set_text_color(*MUTED)
    pdf.cell(size + 12, 4, "Scan to check it", align="C")


def _stamp(pdf, word, note):
    """`word` in large letters across the page, in red, and `note` under it: a revoked or expired
    certificate must not pass for a valid one when printed."""
    angle = math.degrees(math.atan2(pdf.h - 60, pdf.w - 60))
    middle_x, middle_y = pdf.w / 2, pdf.h / 2
    with (
        pdf.local_context(fill_opacity=0.6),
        pdf.rotation(angle, x=middle_x, y=middle_y),
    ):
        pdf.set_draw_color(*STAMP)
        pdf.set_line_width(1.4)
        pdf.set_fill_color(255, 255, 255)
        pdf.rect(middle_x - 95, middle_y - 24, 190, 44, style="DF")
        pdf.set_text_color(*STAMP)
        _set_font(pdf, word, "B", 64)
        pdf.set_xy(middle_x - 95, middle_y - 21)
        pdf.cell(190, 26, word.upper(), align="C")
        _set_font(pdf, note, "B", 16)
        pdf.set_xy(middle_x - 95, middle_y + 6)
        pdf.cell(190, 10, note, align="C")
