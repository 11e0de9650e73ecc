"""Bitstring Status List v1.0: the revocation list as a compressed bitstring.

Index 0 is the most significant (leftmost) bit of the first byte; the list is GZIP-compressed,
then base64url without padding, with the multibase prefix "u". A list holds at least 131,072
entries so that one revocation does not single out its holder.
"""

import binascii
import gzip
import zlib
from collections.abc import Iterable

from lms.vc.multibase import b64url_decode, b64url_encode

LIST_SIZE = 131072


class StatusListError(ValueError):
    """An encoded list or an index that cannot be used; the message says which and why."""


def _check_size(size: int) -> None:
    if size < LIST_SIZE or size % 8:
        raise StatusListError(
            f"A status list must hold at least {LIST_SIZE} entries, in whole bytes; "
            f"{size} was asked for."
        )


def encode(revoked_indexes: Iterable[int], size: int = LIST_SIZE) -> str:
    _check_size(size)
    bits = bytearray(size // 8)
    for index in revoked_indexes:
        if not isinstance(index, int) or not 0 <= index < size:
            raise StatusListError(f"Index {index!r} is outside the list (0 to {size - 1}).")
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0 and level 6 (zlib's default, as the specification's example uses) make the same
    # list encode to the same text: the empty list gives the specification's example exactly
    return "u" + b64url_encode(gzip.compress(bytes(bits), compresslevel=6, mtime=0))


def decode(encoded: str) -> bytes:
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise StatusListError("The encoded list must be multibase base64url, starting with 'u'.")
    try:
        compressed = b64url_decode(encoded[1:])
    except (binascii.Error, ValueError):
        raise StatusListError("The encoded list is not valid base64url.") from None
    try:
        bits = gzip.decompress(compressed)
    except (OSError, EOFError, zlib.error):
        raise StatusListError("The encoded list is not GZIP-compressed data.") from None
    if len(bits) * 8 < LIST_SIZE:
        raise StatusListError(
            f"The list holds {len(bits) * 8} entries; the specification asks for at least "
            f"{LIST_SIZE}."
        )
    return bits


def bit(bits: bytes, index: int) -> bool:
    if not isinstance(index, int) or not 0 <= index < len(bits) * 8:
        raise StatusListError(f"Index {index!r} is outside the list (0 to {len(bits) * 8 - 1}).")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def is_set(encoded: str, index: int) -> bool:
    return bit(decode(encoded), index)
