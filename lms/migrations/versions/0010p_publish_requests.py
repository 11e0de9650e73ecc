"""Publish requests: an author asks, a second person publishes (the two-person rule)

Revision ID: 0010p
Revises: 0009w
Create Date: 2026-11-29 04:53:34.731755

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0010p'
down_revision = '0009w'
branch_labels = None
depends_on = None

def upgrade():
    op.create_table('publish_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('revisions', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['draft_course.id'], name=op.f('fk_publish_request_course_id_draft_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_publish_request_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_publish_request_requested_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publish_request'))
    )
    with op.batch_alter_table('publish_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publish_request_course_id'), ['course_id'], unique=False)

def downgrade():
    with op.batch_alter_table('publish_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publish_request_course_id'))

    op.drop_table('publish_request')
