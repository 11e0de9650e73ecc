"""The certificate PDF prints every trainee's name: in its own script, shaped and in reading
order, from fonts the PDF embeds; a character no bundled font has is replaced visibly and
logged, never dropped; a revoked or expired certificate says so across the page."""

import io
import logging
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from lms.services.certification import certificate_fonts
from lms.services.certification.certificate_fonts import FONTS, REPLACEMENT
from lms.services.certification.certificate_pdf import CertificateSheet, certificate_pdf

# (name, whether pypdf reads it back in logical order: it cannot for Indic and Thai, whose
# shaped glyphs - reordered vowel signs, conjuncts - have no one-to-one Unicode mapping)
NAMES = {
    "arabic": ("محمد عبد الله", True),
    "hebrew": ("דוד כהן", True),
    "chinese": ("王小明", True),
    "japanese": ("山田 太郎", True),
    "korean": ("김민준", True),
    "russian": ("Дмитрий Иванов", True),
    "greek": ("Γιώργος Παπαδόπουλος", True),
    "vietnamese": ("Nguyễn Thị Hương", True),
    "emoji": ("Sam 🌈 Lee", True),
    "mixed": ("Sara (سارة) Levi", True),
    "hindi": ("अमित शर्मा", False),
    "tamil": ("முருகன் செல்வம்", False),
    "thai": ("สมชาย ใจดี", False),
}


def sheet(holder, **changes):
    values = dict(
        site_name="Peer Support Training",
        title="Peer Support Foundations Certificate",
        holder=holder,
        course_title="Peer Support Foundations",
        course_version=1,
        issued_on="November 21, 2026",
        expires_on="November 21, 2028",
        code="PSF-ABCD-EFGH",
        verify_url="http://localhost/verify/PSF-ABCD-EFGH",
    )
    return CertificateSheet(**values | changes)


def page_text(pdf):
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def _bundled_by_name():
    """{name as fpdf2 embeds it: the bundled font file}, to find the whole font behind a subset."""
    names = {}
    for path in FONTS.glob("*.ttf"):
        with TTFont(path, lazy=True) as font:
            names[re.sub("[ ()]", "", font["name"].getBestFullName())] = path
    return names


def embedded_coverage(pdf):
    """{embedded font name: the code points its bundled font draws}, for every font on the page."""
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    bundled = _bundled_by_name()
    coverage = {}
    for font in fonts.values():
        name = str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1]
        with TTFont(bundled[name], lazy=True) as ttf:
            coverage[name] = set(ttf.getBestCmap())
    return coverage


@pytest.fixture
def font_log(caplog):
    """Warnings from fpdf2 (a missing glyph is only logged there) and from our font choice."""
    caplog.set_level(logging.WARNING)
    return caplog


@pytest.mark.parametrize("script", NAMES)
def test_a_name_in_any_major_script_prints_from_embedded_fonts(font_log, script):
    name, readable = NAMES[script]

    pdf = certificate_pdf(sheet(name))

    assert font_log.records == []
    coverage = embedded_coverage(pdf)
    for char in name.replace(" ", ""):
        assert any(ord(char) in points for points in coverage.values()), (char, coverage.keys())
    text = page_text(pdf)
    if readable:
        assert f"awarded to\n{name}\n" in text
    assert REPLACEMENT not in text


def test_an_arabic_name_reads_right_to_left_with_its_words_in_order():
    text = page_text(certificate_pdf(sheet("محمد عبد الله")))

    # pypdf gives the words in reading order only when they were laid out right to left;
    # the old output, left to right, read back as "الله عبد محمد".
    assert "محمد عبد الله" in text
    assert "الله عبد محمد" not in text


def test_an_emoji_is_drawn_not_dropped():
    pdf = certificate_pdf(sheet("Sam 🌈 Lee"))

    assert "Sam 🌈 Lee" in page_text(pdf)
    assert "Sam  Lee" not in page_text(pdf)
    assert any(name.startswith("Symbola") for name in embedded_coverage(pdf))


def test_a_character_no_font_has_is_replaced_visibly_and_logged(font_log):
    # U+12000, a cuneiform sign: no bundled font draws it.
    pdf = certificate_pdf(sheet("Ann \U00012000 Lee"))

    assert f"Ann {REPLACEMENT} Lee" in page_text(pdf)
    assert [record.name for record in font_log.records] == [
        "lms.services.certification.certificate_fonts"
    ]
    assert "U+12000" in font_log.records[0].getMessage()


def test_joiners_and_variation_selectors_print_nothing_and_warn_nothing(font_log):
    # A woman health worker (woman, ZWJ, staff of Aesculapius, VS16) and a Persian name with a
    # zero-width non-joiner: Symbola has no ligature for the first, so it prints its parts.
    pdf = certificate_pdf(sheet("Mina \U0001f469\u200d\u2695\ufe0f نرگس\u200cها"))

    assert font_log.records == []
    assert "\U0001f469" in page_text(pdf)


@pytest.mark.parametrize(
    ("stamp", "note"), [("Revoked", "on December 3, 2026"), ("Expired", "on November 21, 2028")]
)
def test_a_certificate_no_longer_valid_says_so_across_the_page(stamp, note):
    text = page_text(certificate_pdf(sheet("Ada Trainee", stamp=stamp, stamp_note=note)))

    assert stamp.upper() in text and note in text


def test_a_valid_certificate_has_no_stamp():
    text = page_text(certificate_pdf(sheet("Ada Trainee")))

    assert "REVOKED" not in text and "EXPIRED" not in text


def test_starting_the_app_loads_neither_fpdf_nor_fonts():
    script = (
        "import sys; from lms import create_app; "
        "create_app({'TESTING': True, 'SECRET_KEY': 'x', "
        "'SQLALCHEMY_DATABASE_URI': 'sqlite://'}); "
        "print(sorted(m for m in ('fpdf', 'fontTools', 'qrcode', 'uharfbuzz') if m in sys.modules))"
    )

    loaded = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()

    assert loaded == "[]"


def undated(pdf):
    """The PDF without its creation time and the document ID made from it."""
    return re.sub(rb"/CreationDate \(D:\d+Z\)|/ID \[<[0-9A-F]+><[0-9A-F]+>\]", b"", pdf)


def test_fonts_parsed_once_make_the_same_pdf_as_fonts_read_from_their_files(monkeypatch):
    certificate_pdf(sheet("王小明 Zoë Дмитрий"))  # the faces parsed and used by another document
    names = ["Ada Trainee", "王小明 Zoë", "محمد عبد الله"]
    from_parsed = [certificate_pdf(sheet(name)) for name in names]

    def from_files(pdf, family, style, name):  # as fpdf2 adds a font, parsing the file each time
        pdf.add_font(family, style, str(FONTS / name))

    monkeypatch.setattr(certificate_fonts, "_add_parsed_font", from_files)
    from_file = [certificate_pdf(sheet(name)) for name in names]

    assert [undated(pdf) for pdf in from_parsed] == [undated(pdf) for pdf in from_file]


def test_certificates_made_at_the_same_time_in_threads_each_come_out_whole():
    names = ["Ada Trainee", "王小明", "Zoë O'Brien", "Дмитрий Иванов"]
    one_by_one = [undated(certificate_pdf(sheet(name))) for name in names]

    with ThreadPoolExecutor(max_workers=4) as pool:  # as a worker's four threads may
        at_once = list(pool.map(lambda name: undated(certificate_pdf(sheet(name))), names))

    assert at_once == one_by_one
