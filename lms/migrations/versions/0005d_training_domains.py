"""training hours by domain: a module version's minutes per domain, a course's domains and the
training hours its certificate requires

Revision ID: 0005d
Revises: 0005h

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0005d"
down_revision = "0005h"
branch_labels = None
depends_on = None

# The IC&RC domains, the list every course used before a course could name its own.
DEFAULT_DOMAINS = ["advocacy", "mentoring-education", "recovery-wellness", "ethical-responsibility"]


def upgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('domains', sa.JSON(), nullable=False, server_default=json.dumps(DEFAULT_DOMAINS)))
        batch_op.add_column(sa.Column('training_hours', sa.JSON(), nullable=False, server_default='{}'))
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.alter_column('domains', server_default=None)
        batch_op.alter_column('training_hours', server_default=None)

    # Every version written so far counts all its minutes in its one domain.
    with op.batch_alter_table('module_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('domain_minutes', sa.JSON(), nullable=False, server_default='{}'))
    versions = sa.table(
        'module_version', sa.column('id', sa.Integer()), sa.column('domain', sa.String()),
        sa.column('minutes', sa.Integer()), sa.column('domain_minutes', sa.JSON()),
    )
    bind = op.get_bind()
    for version_id, domain, minutes in bind.execute(sa.select(versions.c.id, versions.c.domain, versions.c.minutes)).all():
        bind.execute(versions.update().where(versions.c.id == version_id).values(domain_minutes={domain: minutes}))
    with op.batch_alter_table('module_version', schema=None) as batch_op:
        batch_op.alter_column('domain_minutes', server_default=None)


def downgrade():
    with op.batch_alter_table('module_version', schema=None) as batch_op:
        batch_op.drop_column('domain_minutes')
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('training_hours')
        batch_op.drop_column('domains')
