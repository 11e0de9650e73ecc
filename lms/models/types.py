"""Column types shared by the tables."""

from datetime import UTC

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

from .. import clock


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware (UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def utcnow():
    """Now, from the one clock (lms/clock.py), which tests can move."""
    return clock.now()
