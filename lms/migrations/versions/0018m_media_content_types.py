"""media_file.content_type from the picture's extension: pictures published on a host whose type
table did not know them (.webp on a slim container) were stored as application/octet-stream

Revision ID: 0018m
Revises: 0017e

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018m'
down_revision = '0017e'
branch_labels = None
depends_on = None

# As lms/content/media.py's CONTENT_TYPES; copied, not imported, so that this revision does the
# same thing whatever later versions say.
CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "svg": "image/svg+xml",
}


def upgrade():
    for extension, content_type in CONTENT_TYPES.items():
        op.execute(
            f"UPDATE media_file SET content_type = '{content_type}' "
            f"WHERE content_type = 'application/octet-stream' "
            f"AND lower(file_name) LIKE '%.{extension}'"
        )


def downgrade():
    pass  # the types it set are the right ones
