"""An iCalendar file (RFC 5545) for one meeting, so a trainee can put it in their calendar.

Times are written in UTC ("Z"), so no time zone definition is needed. Text values escape
backslashes, semicolons, commas and newlines; lines end with CRLF and are folded at 75 octets
(never inside a UTF-8 character), as the RFC asks.
"""

from __future__ import annotations

from datetime import UTC, timedelta

LINE_OCTETS = 75


def escape_text(value):
    """A TEXT value as RFC 5545 section 3.3.11 writes it."""
    return (
        (value or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def fold(line):
    """One content line, folded so that no physical line is longer than 75 octets: each
    continuation starts with a space (which counts towards its 75)."""
    pieces, current, size, limit = [], [], 0, LINE_OCTETS
    for character in line:
        octets = len(character.encode("utf-8"))
        if size + octets > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1
        current.append(character)
        size += octets
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def _stamp(moment):
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def meeting_calendar(*, uid, starts_at, minutes, summary, location, description, stamp,
                     cancelled=False, sequence=0):  # fmt: skip
    """The text of a VCALENDAR with one VEVENT (CRLF line endings, folded)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//lms//Live sessions//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_stamp(stamp)}",
        f"DTSTART:{_stamp(starts_at)}",
        f"DTEND:{_stamp(starts_at + timedelta(minutes=minutes))}",
        f"SEQUENCE:{sequence}",
        f"SUMMARY:{escape_text(summary)}",
        f"LOCATION:{escape_text(location)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)


def meeting_ics(meeting, host, stamp):
    """The calendar file of a meeting (with its version and facilitator loaded)."""
    version = meeting.version
    description = [version.title]
    if version.objectives:
        description += ["", "Objectives:", *(f"- {objective}" for objective in version.objectives)]
    description += ["", f"Facilitator: {meeting.facilitator.name}"]
    return meeting_calendar(
        uid=f"meeting-{meeting.id}@{host}",
        starts_at=meeting.starts_at,
        minutes=meeting.minutes,
        summary=version.title,
        location=meeting.place,
        description="\n".join(description),
        stamp=stamp,
        cancelled=meeting.cancelled_at is not None,
        sequence=1 if meeting.cancelled_at is not None else 0,
    )
