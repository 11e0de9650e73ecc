"""Signed credentials (Open Badges 3.0) for certificates, their revocation status lists, and
whether a cohort's new certificates are emailed (with their files) to their holders

Revision ID: 0011c
Revises: 0010p
Create Date: 2026-11-29 04:53:34.731755

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011c'
down_revision = '0010p'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_certificates', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('outgoing_email', schema=None) as batch_op:
        batch_op.add_column(sa.Column('certificate_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_outgoing_email_certificate_id_certificate'), 'certificate', ['certificate_id'], ['id'], ondelete='SET NULL')

    op.create_table('credential_status_list',
    sa.Column('number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('document', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('number', name=op.f('pk_credential_status_list'))
    )
    op.create_table('credential',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('status_list', sa.Integer(), nullable=False),
    sa.Column('status_index', sa.Integer(), nullable=False),
    sa.Column('verification_method', sa.String(length=300), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificate.id'], name=op.f('fk_credential_certificate_id_certificate'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credential')),
    sa.UniqueConstraint('certificate_id', name=op.f('uq_credential_certificate_id')),
    sa.UniqueConstraint('status_list', 'status_index', name=op.f('uq_credential_status_list_status_index'))
    )


def downgrade():
    with op.batch_alter_table('outgoing_email', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outgoing_email_certificate_id_certificate'), type_='foreignkey')
        batch_op.drop_column('certificate_id')
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.drop_column('email_certificates')

    op.drop_table('credential')
    op.drop_table('credential_status_list')
