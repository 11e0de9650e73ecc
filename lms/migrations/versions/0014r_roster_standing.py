"""roster_standing: each trainee's figures in each course, kept by triggers, filled from the
progress and attempts already recorded

Revision ID: 0014r
Revises: 0013l

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014r'
down_revision = '0013l'
branch_labels = None
depends_on = None

# The same statements as lms/models/standing.py makes with create_all; copied, not imported, so
# that this revision does the same thing whatever later versions of the models say.
FIGURES = (
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
EMPTIED = (
    "DELETE FROM roster_standing WHERE (user_id, course_id) IN ({pairs}) "
    "AND modules_started = 0 AND last_attempt_at IS NULL"
)


def sqlite_refresh(pairs):
    return (
        f"INSERT OR IGNORE INTO roster_standing (user_id, course_id) {pairs}; "
        f"{FIGURES.format(pairs=pairs)}; {EMPTIED.format(pairs=pairs)};"
    )


def pair_of(row):
    return f"SELECT {row}.user_id, module.course_id FROM module WHERE module.id = {row}.module_id"


def pairs_of_module(row):
    return (
        f"SELECT user_id, {row}.course_id FROM module_progress WHERE module_id = {row}.id "
        f"UNION SELECT user_id, {row}.course_id FROM quiz_attempt WHERE module_id = {row}.id"
    )


TABLES = ("module_progress", "quiz_attempt")
SQLITE = [
    f"CREATE TRIGGER roster_standing_{table}_{verb.lower()} AFTER {verb} ON {table} "
    f"FOR EACH ROW BEGIN {sqlite_refresh(pairs)} END"
    for table in TABLES
    for verb, pairs in (
        ("INSERT", pair_of("NEW")),
        ("UPDATE", f"{pair_of('OLD')} UNION {pair_of('NEW')}"),
        ("DELETE", pair_of("OLD")),
    )
] + [
    "CREATE TRIGGER roster_standing_module_update AFTER UPDATE OF retired_at, course_id ON module "
    "FOR EACH ROW WHEN OLD.retired_at IS NOT NEW.retired_at OR OLD.course_id IS NOT NEW.course_id "
    f"BEGIN {sqlite_refresh(pairs_of_module('OLD') + ' UNION ' + pairs_of_module('NEW'))} END"
]

PG_PAIRS = "SELECT u, c FROM unnest(users, courses) AS pair(u, c)"
PG_CHANGED = (
    "SELECT array_agg(r.user_id), array_agg(m.course_id) INTO users, courses "
    "FROM ({rows}) AS r JOIN module m ON m.id = r.module_id"
)
POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION roster_standing_refresh(users integer[], courses integer[]) "
    "RETURNS void LANGUAGE plpgsql AS $$ BEGIN "
    f"INSERT INTO roster_standing (user_id, course_id) SELECT DISTINCT u, c FROM ({PG_PAIRS}) "
    "AS pairs WHERE u IN (SELECT id FROM user_account) ORDER BY u, c ON CONFLICT DO NOTHING; "
    f"PERFORM 1 FROM roster_standing WHERE (user_id, course_id) IN ({PG_PAIRS}) "
    "ORDER BY user_id, course_id FOR UPDATE; "
    f"{FIGURES.format(pairs=PG_PAIRS)}; {EMPTIED.format(pairs=PG_PAIRS)}; END $$",
    "CREATE OR REPLACE FUNCTION roster_standing_of_rows() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "DECLARE users integer[]; courses integer[]; BEGIN "
    "IF TG_OP = 'INSERT' THEN "
    + PG_CHANGED.format(rows="SELECT user_id, module_id FROM new_rows")
    + "; ELSIF TG_OP = 'DELETE' THEN "
    + PG_CHANGED.format(rows="SELECT user_id, module_id FROM old_rows")
    + "; ELSE "
    + PG_CHANGED.format(
        rows="SELECT user_id, module_id FROM old_rows UNION SELECT user_id, module_id FROM new_rows"
    )
    + "; END IF; "
    "IF users IS NOT NULL THEN PERFORM roster_standing_refresh(users, courses); END IF; "
    "RETURN NULL; END $$",
    "CREATE OR REPLACE FUNCTION roster_standing_of_module() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "DECLARE users integer[]; courses integer[]; BEGIN "
    "SELECT array_agg(u), array_agg(c) INTO users, courses FROM ("
    f"{pairs_of_module('OLD')} UNION {pairs_of_module('NEW')}) AS pairs(u, c); "
    "IF users IS NOT NULL THEN PERFORM roster_standing_refresh(users, courses); END IF; "
    "RETURN NULL; END $$",
] + [
    f"CREATE TRIGGER roster_standing_{table}_{verb.lower()} AFTER {verb} ON {table} "
    f"REFERENCING {transitions} FOR EACH STATEMENT EXECUTE FUNCTION roster_standing_of_rows()"
    for table in TABLES
    for verb, transitions in (
        ("INSERT", "NEW TABLE AS new_rows"),
        ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ("DELETE", "OLD TABLE AS old_rows"),
    )
] + [
    "CREATE TRIGGER roster_standing_module_update AFTER UPDATE OF retired_at, course_id ON module "
    "FOR EACH ROW WHEN (OLD.retired_at IS DISTINCT FROM NEW.retired_at "
    "OR OLD.course_id IS DISTINCT FROM NEW.course_id) "
    "EXECUTE FUNCTION roster_standing_of_module()"
]
TRIGGERS = [  # (name, table)
    *((f"roster_standing_{table}_{verb}", table) for table in TABLES
      for verb in ("insert", "update", "delete")),
    ("roster_standing_module_update", "module"),
]
FUNCTIONS = (
    "roster_standing_refresh(integer[], integer[])",
    "roster_standing_of_rows()",
    "roster_standing_of_module()",
)


def upgrade():
    op.create_table('roster_standing',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('modules_started', sa.Integer(), server_default='0', nullable=False),
    sa.Column('modules_passed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('score_sum', sa.Integer(), server_default='0', nullable=False),
    sa.Column('scores', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_progress_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_roster_standing_course_id_course')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_roster_standing_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'course_id', name=op.f('pk_roster_standing'))
    )
    # Every pair with progress or an attempt, filled from them, then the empty ones removed:
    # exactly what the triggers keep from now on.
    everyone = "SELECT user_id, course_id FROM roster_standing"
    op.execute(
        "INSERT INTO roster_standing (user_id, course_id) "
        "SELECT user_id, course_id FROM module_progress JOIN module ON module.id = module_id "
        "UNION SELECT user_id, course_id FROM quiz_attempt JOIN module ON module.id = module_id"
    )
    op.execute(FIGURES.format(pairs=everyone))
    op.execute(EMPTIED.format(pairs=everyone))
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(dialect, []):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for trigger, table in TRIGGERS:
        op.execute(
            f"DROP TRIGGER IF EXISTS {trigger}"
            + (f" ON {table}" if dialect == "postgresql" else "")
        )
    if dialect == "postgresql":
        for function in FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
    op.drop_table('roster_standing')
