"""Published images, found by the hash of their bytes."""

import io

from sqlalchemy import select

from ..extensions import db
from ..models import MediaFile


class NotFound(LookupError):
    pass


def by_hash(sha256):
    item = db.session.scalar(select(MediaFile).where(MediaFile.sha256 == sha256))
    if item is None:
        raise NotFound(sha256)
    return item


def as_stream(item):
    return io.BytesIO(item.data)
