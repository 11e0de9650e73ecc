"""Published images: stored, found and linked to by the hash of their bytes."""

import io
import posixpath

from sqlalchemy import select

from ...content import media as media_files
from ...extensions import db
from ...models import MediaFile

# Links inside published HTML are relative, so the app works under any URL prefix. They assume the
# course page is served at /courses/<course>/ and a module page at /courses/<course>/<module>.
MEDIA_LINK = "../../media/{sha256}/{name}"


class NotFound(LookupError):
    pass


def by_hash(sha256):
    item = db.session.scalar(select(MediaFile).where(MediaFile.sha256 == sha256))
    if item is None:
        raise NotFound(sha256)
    return item


def as_stream(item):
    return io.BytesIO(item.data)


def store_media(media):
    """Store a course's media files (content values read from its folder) that are not stored
    yet, in the caller's transaction: a file is kept once by the hash of its bytes."""
    if not media:
        return
    wanted = {m.sha256: m for m in media}
    stored = set(db.session.scalars(select(MediaFile.sha256).where(MediaFile.sha256.in_(wanted))))
    for sha256, item in wanted.items():
        if sha256 not in stored:
            db.session.add(
                MediaFile(
                    sha256=sha256,
                    file_name=posixpath.basename(item.name),
                    content_type=media_files.content_type(item.name),
                    data=item.path.read_bytes(),
                )  # fmt: skip
            )


def published_media_link(item):
    """Where a published page finds a media file: by the hash of its bytes."""
    return MEDIA_LINK.format(sha256=item.sha256, name=posixpath.basename(item.name))
