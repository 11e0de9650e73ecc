"""Files people upload as evidence (a CE certificate from another provider): one set of checks,
by content and never by name, and one place that stores them (in the database, CEEvidence).

A PDF must start with `%PDF-`; an image must be a PNG, JPEG or WebP that Pillow opens and
verifies. Anything else (HTML named .pdf, an SVG, a Word file) is refused. The name the person's
computer gave the file is kept only as the download's name, cleaned.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass

from ...models import CEEvidence

MAX_BYTES = 10 * 1024 * 1024
MAX_NAME = 120
# Pillow's format name -> (content type, file extension)
_IMAGES = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "WEBP": ("image/webp", "webp"),
}
TYPES_TEXT = "a PDF, or a photo or scan as PNG, JPEG or WebP"


class EvidenceRefused(ValueError):
    """The file cannot be kept; the message says why and what to do, for a person."""


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    name: str  # safe to put in a Content-Disposition header, with the right extension


def check(name, data):
    """What the bytes really are, or EvidenceRefused."""
    if not data:
        raise EvidenceRefused("The file is empty. Choose the file again.")
    if len(data) > MAX_BYTES:
        raise EvidenceRefused(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is 10 MB. Save a smaller "
            "copy (a scan at a lower resolution, or a PDF of just the certificate page)."
        )
    content_type, extension = _kind(data)
    return CheckedFile(content_type, extension, download_name(name, extension))


def _kind(data):
    if data.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    # Only formats whose first bytes say so are given to Pillow at all.
    if not (
        data.startswith(b"\x89PNG\r\n\x1a\n")
        or data.startswith(b"\xff\xd8\xff")
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
    ):
        raise _not_allowed()
    # Pillow is imported here, when an image is uploaded, not with the web worker: few requests
    # carry one.
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            found = image.format
            image.verify()
        with Image.open(io.BytesIO(data)) as image:  # verify() leaves the image unusable
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise EvidenceRefused(
            "This image cannot be opened: it may be damaged or cut short. Save it again and "
            "choose the new copy."
        ) from None
    if found not in _IMAGES:
        raise _not_allowed()
    return _IMAGES[found]


def _not_allowed():
    return EvidenceRefused(
        f"This kind of file cannot be kept: the evidence must be {TYPES_TEXT} (whatever the "
        "file's name says). Save or scan your certificate as a PDF or a photo and try again."
    )


def download_name(name, extension):
    """The uploaded file's name cut down to letters, digits, spaces, dots, hyphens and
    underscores, with the extension the bytes call for ("evidence.pdf" when nothing is left)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    base = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", base)
    base = re.sub(r"[^A-Za-z0-9 ._-]+", "-", base).strip(" .-_")[:MAX_NAME]
    return f"{base or 'evidence'}.{extension}"


def store(user_id, name, data, now):
    """A CEEvidence row for checked bytes (the caller adds it to its transaction)."""
    checked = check(name, data)
    return CEEvidence(
        user_id=user_id, file_name=checked.name, content_type=checked.content_type,
        size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data, uploaded_at=now,
    )  # fmt: skip
