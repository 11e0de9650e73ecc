"""The .ics file of a meeting (RFC 5545): escaping, folding at 75 octets, CRLF, UTC times."""

from datetime import UTC, datetime

from lms.services.learning.calendar_file import escape_text, fold, meeting_calendar

START = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)


def test_text_escapes_backslashes_semicolons_commas_and_newlines():
    assert escape_text("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"
    assert escape_text("") == ""
    assert escape_text(None) == ""


def test_long_lines_fold_at_75_octets_never_inside_a_character():
    line = "DESCRIPTION:" + "é" * 100  # two octets each
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert all(len(piece.encode("utf-8")) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert "".join(piece[1:] if i else piece for i, piece in enumerate(pieces)) == line
    assert fold("SUMMARY:short") == "SUMMARY:short"
    exactly = "X" * 75
    assert fold(exactly) == exactly and fold(exactly + "Y") == exactly + "\r\n Y"


def calendar(**changes):
    values = dict(uid="meeting-7@training.example.org", starts_at=START, minutes=90,
                  summary="Role-play; listening, together", location="Room 4, Main St",
                  description="Objectives:\n- Listen", stamp=START)  # fmt: skip
    return meeting_calendar(**{**values, **changes})


def test_a_meeting_is_one_event_in_utc_with_crlf_endings():
    text = calendar()
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert "UID:meeting-7@training.example.org" in lines
    assert "DTSTART:20261201T233000Z" in lines and "DTEND:20261202T010000Z" in lines
    assert "DTSTAMP:20261201T233000Z" in lines
    assert "SUMMARY:Role-play\\; listening\\, together" in lines
    assert "LOCATION:Room 4\\, Main St" in lines
    assert "DESCRIPTION:Objectives:\\n- Listen" in lines
    assert "STATUS:CONFIRMED" in lines


def test_a_cancelled_meeting_says_so():
    assert "STATUS:CANCELLED" in calendar(cancelled=True, sequence=1).split("\r\n")
