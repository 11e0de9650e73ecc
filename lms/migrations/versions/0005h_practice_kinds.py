"""practice hours get a kind (work or supervision); a certificate can require each

Revision ID: 0005h
Revises: 0004s

Every practice session logged before this revision was "supervised practice": peer-support work
that a supervisor approved. Those rows become kind "work", except the ones whose activity was
"Supervision meeting", which were time spent in supervision and become kind "supervision". No
certificate changes: a course's existing `supervised_hours` keeps counting approved hours of both
kinds together, exactly what it counted before.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0005h"
down_revision = "0004s"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("practice_session", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), nullable=False, server_default="work")
        )
    op.execute(
        "UPDATE practice_session SET kind = 'supervision' WHERE activity = 'Supervision meeting'"
    )
    with op.batch_alter_table("practice_session", schema=None) as batch_op:
        batch_op.alter_column("kind", server_default=None)

    with op.batch_alter_table("course", schema=None) as batch_op:
        batch_op.add_column(sa.Column("work_hours", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("supervision_hours", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("course", schema=None) as batch_op:
        batch_op.alter_column("work_hours", server_default=None)
        batch_op.alter_column("supervision_hours", server_default=None)


def downgrade():
    with op.batch_alter_table("course", schema=None) as batch_op:
        batch_op.drop_column("supervision_hours")
        batch_op.drop_column("work_hours")
    with op.batch_alter_table("practice_session", schema=None) as batch_op:
        batch_op.drop_column("kind")
