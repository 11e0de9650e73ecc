"""trainee_stamp_of_meeting waits for enrolments and attendance not yet committed (PostgreSQL):
a meeting scheduled or changed while someone joined its cohort, or was recorded at it, could
leave that trainee's stamp unmoved and their kept checklist out of date

Revision ID: 0019w
Revises: 0018m

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019w'
down_revision = '0018m'
branch_labels = None
depends_on = None

# As lms/models/stamps.py makes it; copied, not imported, so that this revision does the same
# thing whatever later versions of the models say. SQLite has one writer at a time: nothing to do.
PEOPLE = (
    "SELECT user_id FROM enrolment WHERE cohort_id = {row}.cohort_id "
    "UNION SELECT user_id FROM attendance WHERE meeting_id = {row}.id"
)
OLD, NEW = PEOPLE.format(row="OLD"), PEOPLE.format(row="NEW")
WAITING = (
    "CREATE OR REPLACE FUNCTION trainee_stamp_of_meeting() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN IF TG_OP = 'INSERT' THEN "
    "PERFORM 1 FROM cohort WHERE id = NEW.cohort_id FOR UPDATE; "
    f"PERFORM trainee_stamp_bump(ARRAY({NEW})); "
    "ELSIF TG_OP = 'DELETE' THEN "
    "PERFORM 1 FROM cohort WHERE id = OLD.cohort_id FOR UPDATE; "
    f"PERFORM trainee_stamp_bump(ARRAY({OLD})); "
    "ELSE PERFORM 1 FROM cohort WHERE id IN (OLD.cohort_id, NEW.cohort_id) ORDER BY id "
    "FOR UPDATE; "
    "PERFORM 1 FROM meeting WHERE id = NEW.id FOR UPDATE; "
    f"PERFORM trainee_stamp_bump(ARRAY({OLD} UNION {NEW})); END IF; "
    "RETURN NULL; END $$"
)
# What 0016t made.
NOT_WAITING = (
    "CREATE OR REPLACE FUNCTION trainee_stamp_of_meeting() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN IF TG_OP = 'INSERT' THEN PERFORM trainee_stamp_bump(ARRAY({NEW})); "
    f"ELSIF TG_OP = 'DELETE' THEN PERFORM trainee_stamp_bump(ARRAY({OLD})); "
    f"ELSE PERFORM trainee_stamp_bump(ARRAY({OLD} UNION {NEW})); END IF; "
    "RETURN NULL; END $$"
)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(WAITING)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NOT_WAITING)
