"""Both certificate PDFs (the course certificate and the CE certificate) come on US Letter by
default and on A4 when a program asks (LMS_PAPER_SIZE), landscape, and on either paper every line
of text, the QR code and the verification link stay inside the frame without overlapping.

Positions are read back from the PDF itself (pypdf): where each line of text starts, where the QR
code's image is drawn, where the link's clickable areas are."""

import io

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from lms.config import PAPER_SIZES
from lms.services.certification import certificate_pdf as pdf_module
from lms.services.certification.ce_certificate_pdf import CESheet, ce_certificate_pdf
from lms.services.certification.certificate_pdf import CertificateSheet, certificate_pdf

MM = 72 / 25.4  # PDF points in a millimetre
# Landscape page sizes in points: US Letter 11 x 8.5 inches, A4 297 x 210 mm.
PAGES = {"letter": (792, 612), "a4": (841.89, 595.28)}
INSIDE = 14 * MM  # the frame's inner line, from every edge

LONG_URL = "https://training.riverside-peer-academy.example.org/verify/PSFC-7K3Q-9XWM-4RT2"


def certificate(paper, **changes):
    values = dict(
        site_name="Riverside Peer Support Academy",
        title="Certified Peer Recovery Specialist: Foundations of Peer Support Practice",
        holder="Maria Guadalupe Hernández-Castellanos",
        course_title="Peer Support Foundations for Mental Health and Addiction Recovery",
        course_version=12,
        issued_on="September 30, 2026",
        expires_on="September 30, 2028",
        code="PSFC-7K3Q-9XWM-4RT2",
        verify_url=LONG_URL,
        paper=paper,
    )
    return certificate_pdf(CertificateSheet(**values | changes))


def ce_certificate(paper):
    return ce_certificate_pdf(
        CESheet(
            program="Riverside Peer Support Academy",
            holder="Maria Guadalupe Hernández-Castellanos",
            module_title="Ethics and Boundaries in Peer Support: Dual Relationships",
            course_title="Peer Support Foundations",
            hours="1.5",
            category="Peer-specific",
            completed_on="September 30, 2026",
            objectives=tuple(
                f"Objective {n}: name a boundary and how to keep it" for n in range(8)
            ),
            paper=paper,
        )
    )


def page_of(pdf):
    return PdfReader(io.BytesIO(pdf)).pages[0]


def text_starts(page):
    """[(x, y, text)] where each piece of text starts, in points from the bottom left."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            found.append((x, y, text.strip()))

    page.extract_text(visitor_text=visit)
    return found


def image_boxes(page):
    """[(left, bottom, right, top)] of each image drawn (the QR code), in points."""
    boxes, matrix = [], None
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"cm":
            matrix = [float(value) for value in operands]
        elif operator == b"Do" and matrix:
            width, _, _, height, x, y = matrix
            boxes.append((x, y, x + width, y + height))
    return boxes


def link_boxes(page):
    """[(left, bottom, right, top)] of each link's clickable area, in points."""
    return [
        tuple(float(value) for value in annotation.get_object()["/Rect"])
        for annotation in page.get("/Annots", [])
    ]


def assert_inside_frame(page, paper, boxes=()):
    width, height = PAGES[paper]
    for x, y, text in text_starts(page):
        assert INSIDE <= x <= width - INSIDE and INSIDE <= y <= height - INSIDE, text
    for left, bottom, right, top in boxes:
        assert INSIDE <= left < right <= width - INSIDE
        assert INSIDE <= bottom < top <= height - INSIDE


def test_the_settings_paper_sizes_are_the_ones_the_pdfs_know():
    assert set(PAPER_SIZES) == set(pdf_module.PAPER_SIZES)
    assert pdf_module.DEFAULT_PAPER == "letter"


def test_a_certificate_is_on_us_letter_unless_asked_otherwise():
    sheet = CertificateSheet(
        site_name="S", title="T", holder="H", course_title="C", course_version=1,
        issued_on="September 30, 2026", expires_on="September 30, 2028", code="C-1",
        verify_url="http://localhost/verify/C-1",
    )  # fmt: skip
    box = page_of(certificate_pdf(sheet)).mediabox
    assert (round(float(box.width)), round(float(box.height))) == (792, 612)


@pytest.mark.parametrize("paper", PAGES)
def test_the_certificate_fits_its_paper(paper):
    page = page_of(certificate(paper))
    width, height = PAGES[paper]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
        (width, height), abs=0.01
    )
    [qr] = image_boxes(page)
    links = link_boxes(page)
    assert_inside_frame(page, paper, [qr, *links])
    # The QR code sits at the right, clear of the dates, the code and the wrapped address.
    assert qr[2] - qr[0] == pytest.approx(38 * MM, abs=0.01)
    assert links and all(right <= qr[0] for _, _, right, _ in links)
    beside = [text for x, y, text in text_starts(page) if qr[1] - 20 <= y <= qr[3]]
    assert any("PSFC-7K3Q-9XWM-4RT2" in text for text in beside)
    for x, y, text in text_starts(page):
        if qr[1] <= y <= qr[3]:
            assert x < qr[0] or x >= qr[0] - 6 * MM, text  # no line starts under the code
    words = page.extract_text()
    assert "Maria Guadalupe Hernández-Castellanos" in words and "September 30, 2028" in words
    assert "Scan to check it" in words


@pytest.mark.parametrize("paper", PAGES)
def test_a_usual_verification_address_prints_on_one_line(paper):
    url = "https://training.riverside-peer.example.org/verify/PSFC-7K3Q-9XWM-4RT2"
    page = page_of(certificate(paper, verify_url=url))
    assert url in page.extract_text().splitlines()
    [qr] = image_boxes(page)
    assert all(right <= qr[0] for _, _, right, _ in link_boxes(page))


@pytest.mark.parametrize("paper", PAGES)
def test_a_stamped_certificate_fits_its_paper(paper):
    page = page_of(certificate(paper, stamp="Expired", stamp_note="on September 30, 2028"))
    assert "EXPIRED" in page.extract_text()
    assert_inside_frame(page, paper, image_boxes(page))


@pytest.mark.parametrize("paper", PAGES)
def test_the_ce_certificate_fits_its_paper(paper):
    page = page_of(ce_certificate(paper))
    width, height = PAGES[paper]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
        (width, height), abs=0.01
    )
    assert_inside_frame(page, paper)
    starts = {text: x for x, _, text in text_starts(page)}
    # The date completed (80 mm wide at most) ends inside the frame, right of the category.
    assert starts["Date completed"] + 80 * MM <= width - INSIDE
    assert starts["Category"] < starts["Date completed"]
    words = page.extract_text()
    assert "Objective 7" in words and "1.5 contact hours, completed on September 30," in words
