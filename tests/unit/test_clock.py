"""The one clock: frozen and moved by tests, read by every timestamp the app writes."""

from datetime import UTC, date, datetime, timedelta

from lms.models.types import utcnow
from lms.services.certification import certification


def test_a_frozen_clock_is_what_the_app_reads_and_it_moves_when_told(app_ctx, clock):
    clock.freeze(datetime(2027, 3, 1, 12, tzinfo=UTC))
    assert utcnow() == datetime(2027, 3, 1, 12, tzinfo=UTC)
    clock.advance(days=30)
    assert clock.today() == date(2027, 3, 31)

    class Held:
        revoked_at = None
        expires_on = date(2027, 3, 31)

    assert certification.certificate_status(Held()) == "expired"
    clock.advance(days=-1)
    assert certification.certificate_status(Held()) == "valid"


def test_a_thawed_clock_is_the_system_clock(clock):
    clock.freeze(datetime(2000, 1, 1, tzinfo=UTC))
    clock.thaw()
    assert abs(utcnow() - datetime.now(UTC)) < timedelta(minutes=1)
