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

from sqlalchemy import DDL, ForeignKey, event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
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


# The figures of the pairs that `pairs` (a SELECT of user_id, course_id) names, recomputed: a row
# made for each, filled from the tables, and removed when nothing is left in it.
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
    "WHERE (user_id, course_id) IN ({pairs})"
)
_EMPTIED = (
    "DELETE FROM roster_standing WHERE (user_id, course_id) IN ({pairs}) "
    "AND modules_started = 0 AND last_attempt_at IS NULL"
)


def _sqlite_refresh(pairs):
    return (
        f"INSERT OR IGNORE INTO roster_standing (user_id, course_id) {pairs}; "
        f"{_FIGURES.format(pairs=pairs)}; {_EMPTIED.format(pairs=pairs)};"
    )


def _pair_of(row):
    """The pair of a module_progress or quiz_attempt row in a SQLite trigger (NEW or OLD)."""
    return f"SELECT {row}.user_id, module.course_id FROM module WHERE module.id = {row}.module_id"


def _pairs_of_module(row):
    """A module's pairs (NEW or OLD): each trainee with progress or an attempt on it."""
    return (
        f"SELECT user_id, {row}.course_id FROM module_progress WHERE module_id = {row}.id "
        f"UNION SELECT user_id, {row}.course_id FROM quiz_attempt WHERE module_id = {row}.id"
    )


# SQLite: triggers for each row (it has no other kind); its writes are serialised anyway.
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER roster_standing_{table}_{verb.lower()} AFTER {verb} ON {table} "
    f"FOR EACH ROW BEGIN {_sqlite_refresh(pairs)} END"
    for table in ("module_progress", "quiz_attempt")
    for verb, pairs in (
        ("INSERT", _pair_of("NEW")),
        ("UPDATE", f"{_pair_of('OLD')} UNION {_pair_of('NEW')}"),
        ("DELETE", _pair_of("OLD")),
    )
] + [
    "CREATE TRIGGER roster_standing_module_update AFTER UPDATE OF retired_at, course_id ON module "
    "FOR EACH ROW WHEN OLD.retired_at IS NOT NEW.retired_at OR OLD.course_id IS NOT NEW.course_id "
    f"BEGIN {_sqlite_refresh(_pairs_of_module('OLD') + ' UNION ' + _pairs_of_module('NEW'))} END"
]

# PostgreSQL: triggers for each statement, with the rows it changed (transition tables), so that
# a bulk insert recomputes each pair once. Before recomputing, the pairs' rows are made (but not
# for an account being deleted, whose rows its foreign key removes) and locked, in order: a
# concurrent transaction changing the same pair is waited for, and the recompute (a new
# statement, hence a new snapshot under READ COMMITTED) then sees what it committed.
_PG_PAIRS = "SELECT u, c FROM unnest(users, courses) AS pair(u, c)"
_PG_CHANGED = (
    "SELECT array_agg(r.user_id), array_agg(m.course_id) INTO users, courses "
    "FROM ({rows}) AS r JOIN module m ON m.id = r.module_id"
)
_PG_REFRESH = (
    "CREATE OR REPLACE FUNCTION roster_standing_refresh(users integer[], courses integer[]) "
    "RETURNS void LANGUAGE plpgsql AS $$ BEGIN "
    f"INSERT INTO roster_standing (user_id, course_id) SELECT DISTINCT u, c FROM ({_PG_PAIRS}) "
    "AS pairs WHERE u IN (SELECT id FROM user_account) ORDER BY u, c ON CONFLICT DO NOTHING; "
    f"PERFORM 1 FROM roster_standing WHERE (user_id, course_id) IN ({_PG_PAIRS}) "
    "ORDER BY user_id, course_id FOR UPDATE; "
    f"{_FIGURES.format(pairs=_PG_PAIRS)}; {_EMPTIED.format(pairs=_PG_PAIRS)}; END $$"
)
_PG_THEN_REFRESH = (
    "IF users IS NOT NULL THEN PERFORM roster_standing_refresh(users, courses); END IF; "
    "RETURN NULL; END $$"
)
# module_progress and quiz_attempt: the pairs of the rows the statement changed.
_PG_OF_ROWS = (
    "CREATE OR REPLACE FUNCTION roster_standing_of_rows() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "DECLARE users integer[]; courses integer[]; BEGIN "
    "IF TG_OP = 'INSERT' THEN "
    f"{_PG_CHANGED.format(rows='SELECT user_id, module_id FROM new_rows')}; "
    "ELSIF TG_OP = 'DELETE' THEN "
    f"{_PG_CHANGED.format(rows='SELECT user_id, module_id FROM old_rows')}; "
    "ELSE "
    + _PG_CHANGED.format(
        rows="SELECT user_id, module_id FROM old_rows UNION SELECT user_id, module_id FROM new_rows"
    )
    + f"; END IF; {_PG_THEN_REFRESH}"
)
# module: a module retired or brought back (or moved), for each trainee with a record of it.
_PG_OF_MODULE = (
    "CREATE OR REPLACE FUNCTION roster_standing_of_module() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "DECLARE users integer[]; courses integer[]; BEGIN "
    "SELECT array_agg(u), array_agg(c) INTO users, courses FROM ("
    f"{_pairs_of_module('OLD')} UNION {_pairs_of_module('NEW')}) AS pairs(u, c); "
    f"{_PG_THEN_REFRESH}"
)
POSTGRESQL_TRIGGERS = [
    _PG_REFRESH,
    _PG_OF_ROWS,
    _PG_OF_MODULE,
    *(
        f"CREATE TRIGGER roster_standing_{table}_{verb.lower()} AFTER {verb} ON {table} "
        f"REFERENCING {transitions} FOR EACH STATEMENT EXECUTE FUNCTION roster_standing_of_rows()"
        for table in ("module_progress", "quiz_attempt")
        for verb, transitions in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        )
    ),
    "CREATE TRIGGER roster_standing_module_update AFTER UPDATE OF retired_at, course_id ON module "
    "FOR EACH ROW WHEN (OLD.retired_at IS DISTINCT FROM NEW.retired_at "
    "OR OLD.course_id IS DISTINCT FROM NEW.course_id) "
    "EXECUTE FUNCTION roster_standing_of_module()",
]
# The functions, for dropping (the triggers go with their tables).
POSTGRESQL_FUNCTIONS = (
    "roster_standing_refresh(integer[], integer[])",
    "roster_standing_of_rows()",
    "roster_standing_of_module()",
)

# Made once every table is (the triggers sit on three other tables), by create_all as by the
# migration that adds the table (0014s).
for _statement in SQLITE_TRIGGERS:
    event.listen(db.metadata, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRESQL_TRIGGERS:
    event.listen(db.metadata, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
for _function in POSTGRESQL_FUNCTIONS:
    event.listen(
        db.metadata,
        "after_drop",
        DDL(f"DROP FUNCTION IF EXISTS {_function}").execute_if(dialect="postgresql"),
    )
