"""submission_key on practice_session and ce_entry, unique per person: a form sent twice makes
one entry

Revision ID: 0015s
Revises: 0014r

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015s'
down_revision = '0014r'
branch_labels = None
depends_on = None

TABLES = ('practice_session', 'ce_entry')


def upgrade():
    # A column and a unique index, which SQLite adds in place: no batch copy of the tables.
    # Entries logged before have no key (NULL), which a unique index allows any number of
    # times, on SQLite and PostgreSQL alike.
    for table in TABLES:
        op.add_column(table, sa.Column('submission_key', sa.String(length=64), nullable=True))
        op.create_index(f'ix_{table}_user_submission_key', table, ['user_id', 'submission_key'], unique=True)


def downgrade():
    for table in reversed(TABLES):
        op.drop_index(f'ix_{table}_user_submission_key', table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('submission_key')
