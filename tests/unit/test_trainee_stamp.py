"""The trainee stamp (lms/models/stamps.py) moves with every change to what a trainee's
certificate checklist is read from, whatever writes it, and with nothing else: on tables made by
create_all and by the migrations alike."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from lms.extensions import db
from lms.models import (
    Attendance,
    Course,
    Enrolment,
    EthicsSignature,
    Meeting,
    ModuleProgress,
    PracticeSession,
    TraineeStamp,
    User,
)
from lms.services.authoring.publishing import sync_courses
from lms.services.learning import trainee_stamp
from tests import livekit, transcriptkit
from tests import roster_data as rd
from tests.conftest import BUNDLED_COURSES
from tests.statements import recorded_statements
from tests.unit.test_commands import empty_app  # noqa: F401  (an app on a database with no tables)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def stamps(*user_ids):
    """Each trainee's stamp as stored (0: no row), committed first as a request would see it."""
    db.session.commit()
    found = dict(
        db.session.execute(
            select(TraineeStamp.user_id, TraineeStamp.version).where(
                TraineeStamp.user_id.in_(user_ids)
            )
        ).all()
    )
    return tuple(found.get(user_id, 0) for user_id in user_ids)


class Watch:
    """Asserts, change after change, whose stamp moved: `ada`'s, `bob`'s, or nobody's."""

    def __init__(self, *user_ids):
        self.user_ids = user_ids
        self.last = stamps(*user_ids)

    def moved(self, *expected):
        now = stamps(*self.user_ids)
        moved = tuple(
            user_id for user_id, a, b in zip(self.user_ids, self.last, now, strict=True) if a != b
        )
        assert all(b >= a for a, b in zip(self.last, now, strict=True)), "a stamp went back"
        self.last = now
        assert moved == expected


def check_every_change(course_slug):
    course = db.session.scalar(select(Course).where(Course.slug == course_slug))
    ada, bob = rd.person("Ada Trainee"), rd.person("Bob Trainee")
    staff = rd.person("Sam Staff", roles=("staff", "supervisor"))
    watch = Watch(ada, bob)
    modules = transcriptkit.module_ids(course.id)

    # Opening and reading a module change nothing a checklist shows.
    rd.progress(ada, modules[0])
    watch.moved()
    db.session.execute(update(ModuleProgress).values(last_activity_at=NOW + timedelta(hours=1)))
    db.session.execute(update(ModuleProgress).values(read_at=NOW))
    watch.moved()
    # Passing one does (the attempt, the progress row), and so does a pass taken back.
    transcriptkit.pass_module(ada, modules[1])
    watch.moved(ada)
    db.session.execute(update(ModuleProgress).values(passed_at=None))
    watch.moved(ada)

    rd.signature(ada, course.id, course.ethics_hash)
    watch.moved(ada)
    entry = transcriptkit.hours(ada, 90, status="pending")
    watch.moved(ada)
    db.session.execute(
        update(PracticeSession).where(PracticeSession.id == entry.id).values(status="approved")
    )
    watch.moved(ada)

    spring = rd.cohort("Spring", course.id)
    rd.enrol(spring, ada)
    watch.moved(ada)
    version = livekit.current_versions(course.id)[0]
    meeting = livekit.held_meeting(version, spring, staff, NOW + timedelta(days=3))
    watch.moved(ada)  # the next meeting of her cohort; Bob is in none
    db.session.execute(update(Meeting).values(place="Room 9"))
    watch.moved()  # where it meets is not on a checklist
    db.session.execute(update(Meeting).values(starts_at=NOW + timedelta(days=4)))
    watch.moved(ada)
    # Someone recorded at a meeting of a cohort they are not in is told of its changes too.
    livekit.attend(meeting, bob, status="partial", minutes=30)
    watch.moved(bob)
    db.session.execute(update(Meeting).values(minutes=60))
    watch.moved(ada, bob)
    db.session.execute(update(Attendance).values(minutes=45))
    watch.moved(bob)
    db.session.execute(update(Meeting).values(cancelled_at=NOW))
    watch.moved(ada, bob)
    db.session.execute(delete(Attendance))
    watch.moved(bob)
    db.session.execute(delete(Meeting))
    watch.moved(ada)

    db.session.execute(delete(EthicsSignature))
    watch.moved(ada)
    # A statement that writes several trainees' rows moves each of their stamps once or more.
    rd.enrol(spring, bob)
    db.session.execute(text("DELETE FROM enrolment"))
    watch.moved(ada, bob)

    # An account deleted keeps its stamp: a number a worker kept can never come back for another.
    before = stamps(bob)
    db.session.execute(delete(User).where(User.id == bob))
    assert stamps(bob) == before


def test_every_change_a_checklist_reads_moves_the_stamp_of_its_trainee(app_ctx):
    sync_courses(BUNDLED_COURSES / "peer-support-foundations")
    check_every_change("peer-support-foundations")


def test_the_migration_makes_the_same_triggers(empty_app):  # noqa: F811
    with empty_app.app_context():
        upgrade()
        sync_courses(BUNDLED_COURSES / "peer-support-foundations")
        check_every_change("peer-support-foundations")


def test_the_stamp_is_read_once_a_transaction(app_ctx):
    ada = rd.person("Ada Trainee")
    db.session.commit()
    assert trainee_stamp.current(ada) == 0
    trainee_stamp.noted(ada, 7)  # as the session check notes what its query read
    with recorded_statements() as statements:
        assert trainee_stamp.current(ada) == 7
    assert statements == []
    db.session.commit()  # a new transaction reads it again
    assert trainee_stamp.current(ada) == 0


def _race(first, second, seen):
    """`first` writes in a transaction left open; `second`, in another, writes and commits (or
    waits for `first`, a second at most here); a course page then reads with seen(connection):
    (the trainee's stamp, saw second's change, saw first's change); `first` commits. Returns
    what the page saw and the stamp once both are in."""
    engine = db.engine
    writer = Session(engine)
    first(writer)
    writer.flush()  # its triggers have run
    done = threading.Event()

    def write_second():
        with Session(engine) as other:
            second(other)
            other.commit()
        done.set()

    thread = threading.Thread(target=write_second)
    thread.start()
    done.wait(1)
    with engine.connect() as page:
        read = seen(page)
    writer.commit()
    writer.close()
    thread.join(20)
    assert done.is_set()
    with engine.connect() as page:
        return read, seen(page)[0]


@pytest.fixture
def foundations_meeting(app_ctx):
    """(course id, session version, cohort id, staff id): Foundations, a cohort, no meetings."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: no two writes interleave")
    sync_courses(BUNDLED_COURSES / "peer-support-foundations")
    course = db.session.scalar(select(Course).where(Course.slug == "peer-support-foundations"))
    staff = rd.person("Sam Staff", roles=("staff", "supervisor"))
    spring = rd.cohort("Spring", course.id)
    version = livekit.current_versions(course.id)[0]
    db.session.commit()
    return version, spring, staff


def _stamp_of(connection, user_id):
    return (
        connection.scalar(select(TraineeStamp.version).where(TraineeStamp.user_id == user_id)) or 0
    )


def test_a_meeting_scheduled_while_a_trainee_joins_its_cohort_moves_their_stamp(
    foundations_meeting,
):
    """PostgreSQL, READ COMMITTED: the meeting's trigger cannot see an enrolment not yet
    committed. Were the enrolment to commit first, a course page read between the two commits
    would keep a checklist with no next meeting under the stamp the enrolment left, and the
    meeting's commit would not move it: the page would say "no session is scheduled" until the
    trainee's record changed again."""
    version, spring, staff = foundations_meeting
    ada = rd.person("Ada Trainee")
    db.session.commit()

    def schedule(writer):
        writer.add(
            Meeting(
                live_session_id=version.live_session_id,
                version_id=version.id,
                cohort_id=spring,
                starts_at=NOW + timedelta(days=3),
                minutes=version.minutes,
                place="Room 4",
                facilitator_id=staff,
            )  # fmt: skip
        )

    def join(other):
        other.add(Enrolment(cohort_id=spring, user_id=ada))

    def seen(page):
        enrolled = page.scalar(
            select(Enrolment.id).where(Enrolment.user_id == ada, Enrolment.cohort_id == spring)
        )
        scheduled = page.scalar(select(Meeting.id).where(Meeting.cohort_id == spring))
        return _stamp_of(page, ada), enrolled is not None, scheduled is not None

    (stamp, enrolled, scheduled), after = _race(schedule, join, seen)
    if enrolled and not scheduled:
        assert after != stamp, "a checklist kept without the meeting would be used again"


def test_a_meeting_changed_while_a_trainee_is_recorded_at_it_moves_their_stamp(
    foundations_meeting,
):
    """The same with attendance recorded (not through the attendance page, which locks the
    meeting) while the meeting's length changes: the minutes attended must not stay old."""
    version, spring, staff = foundations_meeting
    bob = rd.person("Bob Trainee")
    meeting = livekit.held_meeting(version, spring, staff, NOW - timedelta(days=1), minutes=60)
    meeting_id = meeting.id
    db.session.commit()

    def shorten(writer):
        writer.execute(update(Meeting).where(Meeting.id == meeting_id).values(minutes=30))

    def record(other):
        other.add(
            Attendance(meeting_id=meeting_id, user_id=bob, status="present", minutes=0, skills=[])
        )

    def seen(page):
        recorded = page.scalar(select(Attendance.id).where(Attendance.user_id == bob))
        minutes = page.scalar(select(Meeting.minutes).where(Meeting.id == meeting_id))
        return _stamp_of(page, bob), recorded is not None, minutes == 30

    (stamp, recorded, shortened), after = _race(shorten, record, seen)
    if recorded and not shortened:
        assert after != stamp, "a checklist kept with the old length would be used again"
