"""ethics_signature unique per trainee, course and text: a double click or a second tab stores
one signature (SQLite had only the PostgreSQL row lock's absence to go on)

Revision ID: 0017e
Revises: 0016t

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017e'
down_revision = '0016t'
branch_labels = None
depends_on = None

# Signatures stored twice for the same text: keep the earliest (by signed_at, then id), the one
# the trainee's transcript and checklist date the signing by.
REMOVE_LATER_DUPLICATES = """
DELETE FROM ethics_signature WHERE id IN (
    SELECT later.id FROM ethics_signature AS later
    JOIN ethics_signature AS earlier
      ON earlier.user_id = later.user_id
     AND earlier.course_id = later.course_id
     AND earlier.text_hash = later.text_hash
     AND (earlier.signed_at < later.signed_at
          OR (earlier.signed_at = later.signed_at AND earlier.id < later.id))
)
"""


def upgrade():
    # An index, which SQLite adds in place (a unique constraint would copy the table). It leads
    # with (user_id, course_id), so it also serves the lookups the plain index did.
    op.execute(REMOVE_LATER_DUPLICATES)
    op.drop_index('ix_ethics_signature_user_course', table_name='ethics_signature')
    op.create_index('ix_ethics_signature_user_course_text', 'ethics_signature',
                    ['user_id', 'course_id', 'text_hash'], unique=True)


def downgrade():
    # The signatures removed as duplicates are not brought back (they were the same signing).
    op.drop_index('ix_ethics_signature_user_course_text', table_name='ethics_signature')
    op.create_index('ix_ethics_signature_user_course', 'ethics_signature',
                    ['user_id', 'course_id'], unique=False)
