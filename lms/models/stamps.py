"""The trainee stamp: one number per trainee that the database moves whenever something their
certificate checklist is read from changes, so that a worker may keep a checklist it made and
know, from one number, when it is out of date (services/certification/kept_checklists.py).

The checklist is read from the trainee's code-of-ethics signatures, practice hours, passed
modules and the attempts that passed them, attendance, enrolments and the meetings of their
cohorts, besides published content (which the catalog version counts). Triggers on those tables
move the stamp, so that every write moves it whatever wrote it: a page, a review, a sync, an
erasure, a bulk import or raw SQL. A meeting changed (scheduled, moved, shortened, cancelled)
moves the stamps of everyone enrolled in its cohort and everyone recorded at it.

A stamp only ever grows, and its row is never removed, not even with its account: a number a
worker kept for one account can never come back for another. That is also why it has no
foreign key. A trainee with no row yet reads as 0, and the first change makes the row at 1.
"""

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .triggers import made_with


class TraineeStamp(db.Model):
    """One trainee's stamp; written only by the triggers below."""

    __tablename__ = "trainee_stamp"

    user_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=1, server_default="1")


# The tables whose rows belong to one trainee (their user_id), with the condition under which a
# row counts (None: always) and the columns that matter when it changes (None: any column).
# A progress row counts once passed (opening a module or reading it moves nothing); an attempt
# once it passed (the first that did dates the version whose minutes count). A condition is one
# column, or one column and what follows it: the triggers put NEW. or OLD. before it.
OWN_ROWS = {
    "ethics_signature": (None, None),
    "practice_session": (None, None),
    "module_progress": ("passed_at IS NOT NULL", ("user_id", "module_id", "passed_at")),
    "quiz_attempt": ("passed", ("user_id", "module_id", "module_version_id", "passed")),
    "attendance": (None, None),
    "enrolment": (None, None),
}
# A meeting's columns that a checklist reads (the next meeting, the minutes attended).
MEETING_COLUMNS = ("live_session_id", "version_id", "cohort_id", "starts_at", "minutes",
                   "cancelled_at")  # fmt: skip


def _people_of_meeting(row):
    """Everyone a meeting's change concerns (NEW or OLD): its cohort, and those recorded at it."""
    return (
        f"SELECT user_id FROM enrolment WHERE cohort_id = {row}.cohort_id "
        f"UNION SELECT user_id FROM attendance WHERE meeting_id = {row}.id"
    )


# SQLite: triggers for each row. An upsert in a trigger keeps its own conflict clause whatever
# the statement that fired it says (INSERT OR REPLACE, OR IGNORE, ...); "WHERE true" tells the
# parser that ON CONFLICT begins the upsert, not a join.
def _sqlite_bump(people):
    return (
        f"INSERT INTO trainee_stamp (user_id, version) SELECT user_id, 1 FROM ({people}) "
        "WHERE true ON CONFLICT (user_id) DO UPDATE SET version = version + 1;"
    )


def _sqlite_own_triggers(table, counts, columns):
    new, old = (f" WHEN NEW.{counts}", f" WHEN OLD.{counts}") if counts else ("", "")
    of = f" OF {', '.join(columns)}" if columns else ""
    when = ""
    if columns:
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
        when = f" WHEN ({changed})" + (f" AND (OLD.{counts} OR NEW.{counts})" if counts else "")
    name = f"trainee_stamp_{table}"
    both = "SELECT OLD.user_id AS user_id UNION SELECT NEW.user_id"
    return [
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} FOR EACH ROW{new} "
        f"BEGIN {_sqlite_bump('SELECT NEW.user_id AS user_id')} END",
        f"CREATE TRIGGER {name}_update AFTER UPDATE{of} ON {table} FOR EACH ROW{when} "
        f"BEGIN {_sqlite_bump(both)} END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} FOR EACH ROW{old} "
        f"BEGIN {_sqlite_bump('SELECT OLD.user_id AS user_id')} END",
    ]


_MEETING_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in MEETING_COLUMNS)
SQLITE_TRIGGERS = [
    *(s for table, how in OWN_ROWS.items() for s in _sqlite_own_triggers(table, *how)),
    "CREATE TRIGGER trainee_stamp_meeting_insert AFTER INSERT ON meeting FOR EACH ROW "
    f"BEGIN {_sqlite_bump(_people_of_meeting('NEW'))} END",
    f"CREATE TRIGGER trainee_stamp_meeting_update AFTER UPDATE OF {', '.join(MEETING_COLUMNS)} "
    f"ON meeting FOR EACH ROW WHEN {_MEETING_CHANGED} "
    f"BEGIN {_sqlite_bump(_people_of_meeting('OLD') + ' UNION ' + _people_of_meeting('NEW'))} "
    "END",
    "CREATE TRIGGER trainee_stamp_meeting_delete AFTER DELETE ON meeting FOR EACH ROW "
    f"BEGIN {_sqlite_bump(_people_of_meeting('OLD'))} END",
]

# PostgreSQL: triggers for each row too, calling one function that moves the stamps of a set of
# trainees in the order of their ids (two transactions moving the same stamps take their locks
# in the same order). A stamp's row lock is held until the change commits, so a worker that
# reads the new number also sees the change.
_PG_BUMP = (
    "CREATE OR REPLACE FUNCTION trainee_stamp_bump(people integer[]) RETURNS void "
    "LANGUAGE sql AS $$ INSERT INTO trainee_stamp (user_id, version) "
    "SELECT DISTINCT person, 1 FROM unnest(people) AS person WHERE person IS NOT NULL "
    "ORDER BY person ON CONFLICT (user_id) DO UPDATE SET version = trainee_stamp.version + 1 $$"
)
_PG_OF_OWN_ROW = (
    "CREATE OR REPLACE FUNCTION trainee_stamp_of_own_row() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN IF TG_OP = 'INSERT' THEN PERFORM trainee_stamp_bump(ARRAY[NEW.user_id]); "
    "ELSIF TG_OP = 'DELETE' THEN PERFORM trainee_stamp_bump(ARRAY[OLD.user_id]); "
    "ELSE PERFORM trainee_stamp_bump(ARRAY[OLD.user_id, NEW.user_id]); END IF; "
    "RETURN NULL; END $$"
)
# A meeting's trigger reads who is enrolled in its cohort and who is recorded at it, and cannot
# see an enrolment or attendance another transaction has written but not yet committed: were
# that one to commit first, a page read between the two commits would keep a checklist without
# the meeting's change under the trainee's new stamp, and the meeting's commit would not move it.
# So the trigger first locks the cohort's row (and, for a change, the meeting's) FOR UPDATE,
# which waits for every transaction that has enrolled someone in the cohort (recorded someone at
# the meeting): their foreign keys hold a KEY SHARE lock on that row until they commit. Once it
# has the lock its next statement sees them, and those that come later wait for the meeting.
_PG_OF_MEETING = (
    "CREATE OR REPLACE FUNCTION trainee_stamp_of_meeting() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN IF TG_OP = 'INSERT' THEN "
    "PERFORM 1 FROM cohort WHERE id = NEW.cohort_id FOR UPDATE; "
    f"PERFORM trainee_stamp_bump(ARRAY({_people_of_meeting('NEW')})); "
    "ELSIF TG_OP = 'DELETE' THEN "
    "PERFORM 1 FROM cohort WHERE id = OLD.cohort_id FOR UPDATE; "
    f"PERFORM trainee_stamp_bump(ARRAY({_people_of_meeting('OLD')})); "
    "ELSE PERFORM 1 FROM cohort WHERE id IN (OLD.cohort_id, NEW.cohort_id) ORDER BY id "
    "FOR UPDATE; "
    "PERFORM 1 FROM meeting WHERE id = NEW.id FOR UPDATE; "
    "PERFORM trainee_stamp_bump(ARRAY("
    f"{_people_of_meeting('OLD')} UNION {_people_of_meeting('NEW')})); END IF; "
    "RETURN NULL; END $$"
)


def _pg_own_triggers(table, counts, columns):
    new, old = (f" WHEN (NEW.{counts})", f" WHEN (OLD.{counts})") if counts else ("", "")
    of = f" OF {', '.join(columns)}" if columns else ""
    when = ""
    if columns:
        old_values = ", ".join(f"OLD.{c}" for c in columns)
        new_values = ", ".join(f"NEW.{c}" for c in columns)
        when = f"({old_values}) IS DISTINCT FROM ({new_values})"
    if counts:
        when = f"{when} AND (OLD.{counts} OR NEW.{counts})" if when else ""
    name = f"trainee_stamp_{table}"
    run = "FOR EACH ROW{} EXECUTE FUNCTION trainee_stamp_of_own_row()"
    return [
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} {run.format(new)}",
        f"CREATE TRIGGER {name}_update AFTER UPDATE{of} ON {table} "
        + run.format(f" WHEN ({when})" if when else ""),
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} {run.format(old)}",
    ]


_PG_MEETING_CHANGED = (
    f"({', '.join(f'OLD.{c}' for c in MEETING_COLUMNS)}) "
    f"IS DISTINCT FROM ({', '.join(f'NEW.{c}' for c in MEETING_COLUMNS)})"
)
POSTGRESQL_TRIGGERS = [
    _PG_BUMP,
    _PG_OF_OWN_ROW,
    _PG_OF_MEETING,
    *(s for table, how in OWN_ROWS.items() for s in _pg_own_triggers(table, *how)),
    "CREATE TRIGGER trainee_stamp_meeting_insert AFTER INSERT ON meeting FOR EACH ROW "
    "EXECUTE FUNCTION trainee_stamp_of_meeting()",
    f"CREATE TRIGGER trainee_stamp_meeting_update AFTER UPDATE OF {', '.join(MEETING_COLUMNS)} "
    f"ON meeting FOR EACH ROW WHEN ({_PG_MEETING_CHANGED}) "
    "EXECUTE FUNCTION trainee_stamp_of_meeting()",
    "CREATE TRIGGER trainee_stamp_meeting_delete AFTER DELETE ON meeting FOR EACH ROW "
    "EXECUTE FUNCTION trainee_stamp_of_meeting()",
]
# The functions, for dropping (the triggers go with their tables).
POSTGRESQL_FUNCTIONS = (
    "trainee_stamp_bump(integer[])",
    "trainee_stamp_of_own_row()",
    "trainee_stamp_of_meeting()",
)


# Made once every table is (the triggers sit on seven other tables), by create_all as by the
# migration that adds the table (0016t).
made_with(db.metadata, SQLITE_TRIGGERS, POSTGRESQL_TRIGGERS, POSTGRESQL_FUNCTIONS)
