"""The training transcript: the record (record.py), issuing and checking it by its code
(issuing.py), and its PDF (pdf.py, loaded on first use by the views that make one).

Callers use this package's names: transcript.transcript_for(...), transcript.issue(...), and so on.
"""

from .issuing import (
    PREFIX,
    MistypedCode,
    Verification,
    check_may_view,
    is_transcript_code,
    issue,
    issued_for,
    verify,
)
from .record import (
    AttendedSession,
    CertificateHeld,
    CourseStanding,
    HoursAgainst,
    HoursEntry,
    NotFound,
    PassedModule,
    Signature,
    TranscriptData,
    hours_text,
    transcript_for,
)

__all__ = [
    "PREFIX",
    "AttendedSession",
    "CertificateHeld",
    "CourseStanding",
    "HoursAgainst",
    "HoursEntry",
    "MistypedCode",
    "NotFound",
    "PassedModule",
    "Signature",
    "TranscriptData",
    "Verification",
    "check_may_view",
    "hours_text",
    "is_transcript_code",
    "issue",
    "issued_for",
    "transcript_for",
    "verify",
]
