"""Which bundled font prints which characters on a certificate, so that any trainee's name
prints: DejaVu Sans for Latin, Greek and Cyrillic, a Noto Sans face for each script DejaVu lacks
or draws poorly, Droid Sans Fallback for Chinese, Japanese and Korean, and Symbola for emoji
(static/fonts/README.md says where each comes from). A character no font has is printed as a
visible replacement mark and logged, never dropped."""

from __future__ import annotations

import copy
import io
import logging
import unicodedata
from dataclasses import dataclass
from functools import cache

from ...config import PROJECT_ROOT

FONTS = PROJECT_ROOT / "static" / "fonts"
REPLACEMENT = "\ufffd"  # the replacement character, drawn by DejaVu as a "?" in a diamond

log = logging.getLogger(__name__)

# DejaVu has the letters of these scripts but not the joining forms and marks names need, so text
# in them starts in the Noto face instead of falling back to it letter by letter.
ARABIC = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
HEBREW = ((0x0590, 0x05FF), (0xFB1D, 0xFB4F))


@dataclass(frozen=True)
class Face:
    """One typeface: its family name in the PDF, its files, and the ranges it is preferred for."""

    family: str
    regular: str
    bold: str | None = None  # without a bold file, bold text falls back to the regular one
    claims: tuple[tuple[int, int], ...] = ()

    def files(self):
        return {"": self.regular} | ({"B": self.bold} if self.bold else {})

    def claims_any(self, text):
        return any(low <= ord(char) <= high for char in text for low, high in self.claims)


def _noto(script, bold=True, claims=()):
    return Face(
        f"Noto{script}",
        f"NotoSans{script}-Regular.ttf",
        f"NotoSans{script}-Bold.ttf" if bold else None,
        claims,
    )


MAIN = Face("DejaVu", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
FACES = (
    MAIN,
    _noto("Arabic", claims=ARABIC),
    _noto("Hebrew", claims=HEBREW),
    _noto("Devanagari"),
    _noto("Bengali"),
    _noto("Gurmukhi"),
    _noto("Gujarati"),
    _noto("Tamil"),
    _noto("Telugu"),
    _noto("Kannada"),
    _noto("Malayalam"),
    _noto("Thai"),
    _noto("Sinhala", bold=False),
    _noto("Ethiopic", bold=False),
    _noto("Khmer", bold=False),
    Face("Droid", "DroidSansFallback.ttf"),
    Face("Symbola", "Symbola-Emoji.ttf"),
)


@cache
def coverage(face):
    """The code points any of the face's files draws; read once per process, on first use."""
    # fontTools comes with fpdf2; imported here so that starting the app does not load it.
    from fontTools.ttLib import TTFont

    points = set()
    for name in face.files().values():
        with TTFont(FONTS / name, lazy=True) as font:
            points.update(font.getBestCmap())
    return frozenset(points)


def _invisible(char):
    """Format characters (joiners, direction marks) and variation selectors: they change how
    their neighbours look, and print nothing themselves."""
    return unicodedata.category(char) == "Cf" or 0xFE00 <= ord(char) <= 0xFE0F


def face_for(text):
    """The face a line starts in; fpdf2 falls back from it, character by character."""
    return next((face for face in FACES if face.claims_any(text)), MAIN)


@dataclass(frozen=True)
class Lettering:
    """The certificate's texts as they will print, and the faces needed to print them."""

    texts: dict[str, str]
    faces: tuple[Face, ...]


def letter(texts):
    """Plan the printing of `texts` ({key: text}): the faces that draw their characters, and the
    texts with any character that no bundled font draws replaced by a visible mark (and logged)."""
    needed = {MAIN}
    printed = {}
    missing = set()
    for key, text in texts.items():
        text = unicodedata.normalize("NFC", text)
        needed.update(face for face in FACES if face.claims_any(text))
        out = []
        for char in text:
            face = next((face for face in FACES if ord(char) in coverage(face)), None)
            if face is not None:
                needed.add(face)
                out.append(char)
            elif not _invisible(char):
                missing.add(char)
                out.append(REPLACEMENT)
        printed[key] = "".join(out)
    if missing:
        log.warning(
            "No bundled font draws %s; printed %r instead on the certificate",
            ", ".join(sorted(f"U+{ord(char):04X}" for char in missing)),
            REPLACEMENT,
        )
    return Lettering(printed, tuple(face for face in FACES if face in needed))


def load_faces(pdf, lettering):
    """Give an FPDF document the faces `lettering` needs. A character the line's own face lacks is
    taken from the first other face that has it (bold from a regular face when a script has no
    bold file); text is shaped, for scripts that join or reorder."""
    for face in lettering.faces:
        for style, name in face.files().items():
            _add_parsed_font(pdf, face.family, style, name)
    pdf.set_fallback_fonts([face.family for face in lettering.faces], exact_match=False)
    pdf.set_text_shaping(True)


# Parsing a font file (pdf.add_font) took about 60 ms a face, twice or more a certificate: a
# cohort's zip of a hundred spent most of its time reading the same two files again. Each file
# is now read and parsed once per process (the bytes, fpdf2's metrics and character maps, the
# HarfBuzz face), and each document gets a copy of the parsed font with its own per-document
# parts. This reaches into fpdf2's TTFFont (its attributes as of 2.8): the certificate PDF
# tests make many documents in one process and read their text back, so a change there shows.


@cache
def _file_bytes(name):
    return (FONTS / name).read_bytes()


@cache
def _harfbuzz_face(name):
    import uharfbuzz  # with fpdf2, on first use (see certificate_pdf)

    return uharfbuzz.Face(uharfbuzz.Blob(_file_bytes(name)))


@cache
def _parsed(family, style, name):
    """fpdf2's TTFFont of one file, parsed once: the template each document's copy is made from
    (never added to a document itself)."""
    from fpdf import FPDF

    template = FPDF()
    template.add_font(family, style, str(FONTS / name))
    [font] = template.fonts.values()
    font.close()  # its file: each document's copy reads the cached bytes instead
    return font


def _add_parsed_font(pdf, family, style, name):
    """pdf.add_font(family, style, the file), from the parse kept for the process. What a
    document changes as it is written (the glyphs it uses, widths looked up, the font table that
    is cut down to those glyphs when the PDF is output) is its own; the metrics and maps it
    only reads are shared."""
    from fontTools.ttLib import TTFont
    from fpdf.fonts import HarfBuzzFont, SubsetMap

    font = copy.copy(_parsed(family, style, name))
    font.i = len(pdf.fonts) + 1
    font.ttfont = TTFont(io.BytesIO(_file_bytes(name)), recalcTimestamp=False, lazy=True)
    font.cw = copy.copy(font.cw)  # a defaultdict: looking up a missing character adds it
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = HarfBuzzFont(_harfbuzz_face(name))  # its size is set per use: not shared
    font.subset = SubsetMap(font)
    pdf.fonts[font.fontkey] = font


def set_font(pdf, text, style, size):
    """Set the font that draws `text` (its script's face)."""
    pdf.set_font(face_for(text).family, style, size)
