"""Where each trainee stands in each course, kept by the database for the roster's sorts.

roster_standing holds, per trainee and course, the figures the roster's computed columns are
built from: of the course's current (not retired) modules, how many the trainee opened and
passed, the sum and count of their best scores and their last activity; and the last quiz
attempt they submitted on any module of the course. Sorting 20,000 trainees by percent complete
or last activity then reads one row per trainee and course instead of every progress row and
attempt (issue 13).

The database keeps it, with triggers on module_progress, quiz_attempt and module (a module
retired, or brought back, changes what counts), so that every write keeps it true whatever
wrote it: the quiz and module pages, an erasure, a course sync, a bulk import or raw SQL. Each
trigger recomputes the rows of the (trainee, course) pairs its statement touched from the
tables themselves, rather than adding differences, so a row is always what a recompute gives;
a pair with no progress on a current module and no submitted attempt has no row.
"""

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .triggers import made_with
from .types import UTCDateTime


class RosterStanding(db.Model):
    """One trainee's figures in one course; written only by the triggers below."""

    __tablename__ = "roster_standing"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), primary_key=True)
    # Over the course's current modules: progress rows (opened), passed, best scores.
    modules_started: Mapped[int] = mapped_column(default=0, server_default="0")
    modules_passed: Mapped[int] = mapped_column(default=0, server_default="0")
    score_sum: Mapped[int] = mapped_column(default=0, server_default="0")
    scores: Mapped[int] = mapped_column(default=0, server_default="0")
    last_progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Over every module of the course, retired or not, as the roster counts attempts.
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# How a row of each table counts: the condition under which it counts at all (None: always) and
# the columns it is counted by, besides its trainee and module.
COUNTED = {
    "module_progress": (None, ("passed_at", "best_score", "last_activity_at")),
    "quiz_attempt": ("submitted_at IS NOT NULL", ("submitted_at",)),
}

# The figures of the rows `where` names recomputed from the tables; then the rows left with
# nothing to count removed.
_FIGURES = (
    "UPDATE roster_standing SET "
    "(modules_started, modules_passed, score_sum, scores, last_progress_at) = ("
    "SELECT count(*), count(mp.passed_at), coalesce(sum(mp.best_score), 0), "
    "count(mp.best_score), max(mp.last_activity_at) "
    "FROM module_progress mp JOIN module m ON m.id = mp.module_id "
    "WHERE mp.user_id = roster_standing.user_id AND m.course_id = roster_standing.course_id "
    "AND m.retired_at IS NULL), "
    "last_attempt_at = ("
    "SELECT max(qa.submitted_at) FROM quiz_attempt qa JOIN module m ON m.id = qa.module_id "
    "WHERE qa.user_id = roster_standing.user_id AND m.course_id = roster_standing.course_id) "
    "WHERE {where}"
)
_EMPTIED = (
    "DELETE FROM roster_standing WHERE {where} AND modules_started = 0 AND last_attempt_at IS NULL"
)


# SQLite: triggers for each row (it has no other kind), fired only when the row counts or a
# column it is counted by changed. Its writes are serialised, so there is nothing to lock.
def _sqlite_refresh(pairs):
    """The statements that make the rows of `pairs` (a SELECT of user_id, course_id) true."""
    where = f"(user_id, course_id) IN ({pairs})"
    return (
        f"INSERT INTO roster_standing (user_id, course_id) SELECT * FROM ({pairs}) AS pair "
        "WHERE NOT EXISTS (SELECT 1 FROM roster_standing s "
        "WHERE s.user_id = pair.user_id AND s.course_id = pair.course_id); "
        f"{_FIGURES.format(where=where)}; {_EMPTIED.format(where=where)};"
    )


def _sqlite_refresh_row(row, only_if=None):
    """The statements that make the pair of a module_progress or quiz_attempt row true (NEW or
    OLD), each found by its key (a third of the time of a set of pairs); `only_if`: a condition
    on the trigger's rows under which to, else always. The row is made when missing by a plain
    INSERT, not INSERT OR IGNORE: in a trigger, the conflict policy of the statement that fired
    it overrides the trigger's own (an upsert of progress would fail on the row that exists)."""
    user, course = f"{row}.user_id", f"(SELECT course_id FROM module WHERE id = {row}.module_id)"
    key = f"user_id = {user} AND course_id = {course}"
    where = key + (f" AND {only_if}" if only_if else "")
    return (
        f"INSERT INTO roster_standing (user_id, course_id) SELECT {user}, {course} "
        f"WHERE {course} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM roster_standing WHERE {key})"
        + (f" AND {only_if}; " if only_if else "; ")
        + f"{_FIGURES.format(where=where)}; {_EMPTIED.format(where=where)};"
    )


def _pairs_of_module(row):
    """A module's pairs (NEW or OLD): each trainee with progress or an attempt on it."""
    return (
        f"SELECT user_id, {row}.course_id AS course_id FROM module_progress "
        f"WHERE module_id = {row}.id UNION "
        f"SELECT user_id, {row}.course_id FROM quiz_attempt WHERE module_id = {row}.id"
    )


def _sqlite_triggers(table, counts, columns):
    keys = ("user_id", "module_id", *columns)
    changed = " OR ".join(f"OLD.{key} IS NOT NEW.{key}" for key in keys)
    moved = "(OLD.user_id IS NOT NEW.user_id OR OLD.module_id IS NOT NEW.module_id)"
    new, old = (f" WHEN NEW.{counts}", f" WHEN OLD.{counts}") if counts else ("", "")
    name = f"roster_standing_{table}"
    return [
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} FOR EACH ROW{new} "
        f"BEGIN {_sqlite_refresh_row('NEW')} END",
        f"CREATE TRIGGER {name}_update AFTER UPDATE OF {', '.join(keys)} ON {table} "
        f"FOR EACH ROW WHEN {changed} "
        f"BEGIN {_sqlite_refresh_row('OLD', only_if=moved)} {_sqlite_refresh_row('NEW')} END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} FOR EACH ROW{old} "
        f"BEGIN {_sqlite_refresh_row('OLD')} END",
    ]


SQLITE_TRIGGERS = [
    *(statement for table, how in COUNTED.items() for statement in _sqlite_triggers(table, *how)),
    "CREATE TRIGGER roster_standing_module_update AFTER UPDATE OF retired_at, course_id ON module "
    "FOR EACH ROW WHEN OLD.retired_at IS NOT NEW.retired_at OR OLD.course_id IS NOT NEW.course_id "
    f"BEGIN {_sqlite_refresh(_pairs_of_module('OLD') + ' UNION ' + _pairs_of_module('NEW'))} END",
]

# PostgreSQL: triggers for each statement, with the rows it changed (transition tables), so that
# a bulk insert recomputes each pair once; the pairs are refreshed one at a time, in order, by a
# function whose statements each find one row by its key (cheap to plan: 0.07 ms a pair, where
# refreshing a set of pairs in one statement took 0.9 ms for one). Before recomputing, the
# pair's row is made (but not for an account being deleted, whose rows its foreign key
# removes) and locked: a concurrent transaction changing the same pair is waited for, and the
# recompute (a new statement, hence a new snapshot under READ COMMITTED) then sees what it
# committed.
_PG_ONE = "user_id = u AND course_id = c"
_PG_REFRESH = (
    "CREATE OR REPLACE FUNCTION roster_standing_refresh(u integer, c integer) "
    "RETURNS void LANGUAGE plpgsql AS $$ BEGIN "
    "INSERT INTO roster_standing (user_id, course_id) SELECT u, c "
    "WHERE EXISTS (SELECT 1 FROM user_account WHERE id = u) ON CONFLICT DO NOTHING; "
    f"PERFORM 1 FROM roster_standing WHERE {_PG_ONE} FOR UPDATE; "
    f"{_FIGURES.format(where=_PG_ONE)}; {_EMPTIED.format(where=_PG_ONE)}; END $$"
)


def _pg_each(pairs):
    """A loop refreshing each pair of `pairs` (a SELECT of user_id, course_id), in order."""
    return (
        f"FOR pair IN SELECT DISTINCT * FROM ({pairs}) AS pairs(user_id, course_id) "
        "ORDER BY 1, 2 LOOP PERFORM roster_standing_refresh(pair.user_id, pair.course_id); "
        "END LOOP;"
    )


def _pg_function(table, counts, columns):
    """The trigger function of module_progress or quiz_attempt: the pairs of the rows the
    statement changed that count, or whose counted columns changed."""
    keys = ("user_id", "module_id", *columns)
    where = f" WHERE r.{counts}" if counts else ""
    of_rows = "SELECT r.user_id, m.course_id FROM {rows} AS r JOIN module m ON m.id = r.module_id"
    changed = (
        "SELECT p.user_id, m.course_id FROM old_rows o JOIN new_rows n ON n.id = o.id "
        "CROSS JOIN LATERAL (VALUES (o.user_id, o.module_id), (n.user_id, n.module_id)) "
        "AS p(user_id, module_id) JOIN module m ON m.id = p.module_id "
        f"WHERE ({', '.join(f'o.{key}' for key in keys)}) "
        f"IS DISTINCT FROM ({', '.join(f'n.{key}' for key in keys)})"
    )
    return (
        f"CREATE OR REPLACE FUNCTION roster_standing_of_{table}() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ DECLARE pair record; BEGIN "
        f"IF TG_OP = 'INSERT' THEN {_pg_each(of_rows.format(rows='new_rows') + where)} "
        f"ELSIF TG_OP = 'DELETE' THEN {_pg_each(of_rows.format(rows='old_rows') + where)} "
        f"ELSE {_pg_each(changed)} END IF; RETURN NULL; END $$"
    )


def _pg_triggers(table):
    return [
        f"CREATE TRIGGER roster_standing_{table}_{verb.lower()} AFTER {verb} ON {table} "
        f"REFERENCING {transitions} FOR EACH STATEMENT "
        f"EXECUTE FUNCTION roster_standing_of_{table}()"
        for verb, transitions in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        )
    ]


# module: a module retired or brought back (or moved), for each trainee with a record of it.
_PG_OF_MODULE = (
    "CREATE OR REPLACE FUNCTION roster_standing_of_module() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "DECLARE pair record; BEGIN "
    f"{_pg_each(_pairs_of_module('OLD') + ' UNION ' + _pairs_of_module('NEW'))} "
    "RETURN NULL; END $$"
)
POSTGRESQL_TRIGGERS = [
    _PG_REFRESH,
    *(_pg_function(table, *how) for table, how in COUNTED.items()),
    _PG_OF_MODULE,
    *(statement for table in COUNTED for statement in _pg_triggers(table)),
    "CREATE TRIGGER roster_standing_module_update AFTER UPDATE OF retired_at, course_id ON module "
    "FOR EACH ROW WHEN (OLD.retired_at IS DISTINCT FROM NEW.retired_at "
    "OR OLD.course_id IS DISTINCT FROM NEW.course_id) "
    "EXECUTE FUNCTION roster_standing_of_module()",
]
# The functions, for dropping (the triggers go with their tables).
POSTGRESQL_FUNCTIONS = (
    "roster_standing_refresh(integer, integer)",
    *(f"roster_standing_of_{table}()" for table in COUNTED),
    "roster_standing_of_module()",
)

# Made once every table is (the triggers sit on three other tables), by create_all as by the
# migration that adds the table (0014r).
made_with(db.metadata, SQLITE_TRIGGERS, POSTGRESQL_TRIGGERS, POSTGRESQL_FUNCTIONS)
