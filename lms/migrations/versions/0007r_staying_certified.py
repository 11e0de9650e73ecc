"""staying certified: a continuing-education ledger with evidence files, renewal rules, renewed
certificates that supersede the ones they renew, CE granted by modules, queued emails and a record
of each notice sent; people can switch off non-essential emails

Revision ID: 0007r
Revises: 0006l

A trainee may now hold several certificates for one course over the years, one of them current:
the unique (user, course) constraint becomes a unique index over current certificates.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007r'
down_revision = '0006l'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ce_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_ce_evidence_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ce_evidence'))
    )
    with op.batch_alter_table('ce_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ce_evidence_user_id'), ['user_id'], unique=False)

    op.create_table('outgoing_email',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_outgoing_email_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_email'))
    )
    with op.batch_alter_table('outgoing_email', schema=None) as batch_op:
        batch_op.create_index('ix_outgoing_email_status_created', ['status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outgoing_email_user_id'), ['user_id'], unique=False)

    op.create_table('sent_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_sent_notice_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_notice')),
    sa.UniqueConstraint('key', name=op.f('uq_sent_notice_key'))
    )
    with op.batch_alter_table('sent_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sent_notice_user_id'), ['user_id'], unique=False)

    op.create_table('ce_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('provider', sa.String(length=200), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=True),
    sa.Column('module_version_id', sa.Integer(), nullable=True),
    sa.Column('evidence_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('logged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['evidence_id'], ['ce_evidence.id'], name=op.f('fk_ce_entry_evidence_id_ce_evidence')),
    sa.ForeignKeyConstraint(['module_id'], ['module.id'], name=op.f('fk_ce_entry_module_id_module')),
    sa.ForeignKeyConstraint(['module_version_id'], ['module_version.id'], name=op.f('fk_ce_entry_module_version_id_module_version')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user_account.id'], name=op.f('fk_ce_entry_reviewed_by_id_user_account')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_ce_entry_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ce_entry'))
    )
    with op.batch_alter_table('ce_entry', schema=None) as batch_op:
        batch_op.create_index('ix_ce_entry_status_logged', ['status', 'logged_at'], unique=False)
        batch_op.create_index('ix_ce_entry_user_status', ['user_id', 'status'], unique=False)

    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('renews_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_certificate_user_id_course_id'), type_='unique')
        batch_op.create_index('uq_certificate_current', ['user_id', 'course_id'], unique=True, sqlite_where=sa.text('superseded_at IS NULL'), postgresql_where=sa.text('superseded_at IS NULL'))
        batch_op.create_unique_constraint(batch_op.f('uq_certificate_renews_id'), ['renews_id'])
        batch_op.create_foreign_key(batch_op.f('fk_certificate_renews_id_certificate'), 'certificate', ['renews_id'], ['id'])

    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('renewal', sa.JSON(), nullable=False, server_default='{}'))
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.alter_column('renewal', server_default=None)

    with op.batch_alter_table('module_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ce_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('ce_category', sa.String(length=40), nullable=True))

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quiet_emails', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('quiet_emails', server_default=None)



def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('quiet_emails')

    with op.batch_alter_table('module_version', schema=None) as batch_op:
        batch_op.drop_column('ce_category')
        batch_op.drop_column('ce_minutes')

    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('renewal')

    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_certificate_renews_id_certificate'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_certificate_renews_id'), type_='unique')
        batch_op.drop_index('uq_certificate_current', sqlite_where=sa.text('superseded_at IS NULL'), postgresql_where=sa.text('superseded_at IS NULL'))
        batch_op.create_unique_constraint(batch_op.f('uq_certificate_user_id_course_id'), ['user_id', 'course_id'])
        batch_op.drop_column('superseded_at')
        batch_op.drop_column('renews_id')

    with op.batch_alter_table('ce_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_ce_entry_user_status')
        batch_op.drop_index('ix_ce_entry_status_logged')

    op.drop_table('ce_entry')
    with op.batch_alter_table('sent_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sent_notice_user_id'))

    op.drop_table('sent_notice')
    with op.batch_alter_table('outgoing_email', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_email_user_id'))
        batch_op.drop_index('ix_outgoing_email_status_created')

    op.drop_table('outgoing_email')
    with op.batch_alter_table('ce_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ce_evidence_user_id'))

    op.drop_table('ce_evidence')
