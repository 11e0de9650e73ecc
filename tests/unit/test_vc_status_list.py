"""Bitstring Status List v1.0: GZIP, base64url without padding, multibase "u"; index 0 is the
leftmost bit; at least 131,072 entries."""

import base64
import gzip

import pytest

from lms.vc import status_list

# Bitstring Status List v1.0, example "BitstringStatusListCredential": an empty list of the
# minimum size (w3c/vc-bitstring-status-list, index.html)
SPEC_EMPTY_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def test_the_specifications_example_decodes_to_an_empty_list_of_the_minimum_size():
    bits = status_list.decode(SPEC_EMPTY_LIST)
    assert len(bits) * 8 == status_list.LIST_SIZE == 131072
    assert not any(bits)


def test_an_empty_list_encodes_exactly_as_the_specifications_example():
    assert status_list.encode([]) == SPEC_EMPTY_LIST


def test_the_encoding_is_gzip_then_base64url_without_padding_behind_u():
    encoded = status_list.encode([3])
    assert encoded.startswith("u") and "=" not in encoded
    assert "+" not in encoded and "/" not in encoded
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(raw) == 16384


def test_index_zero_is_the_most_significant_bit_of_the_first_byte():
    bits = status_list.decode(status_list.encode([0, 9]))
    assert bits[0] == 0b1000_0000
    assert bits[1] == 0b0100_0000


def test_round_trip():
    revoked = [0, 1, 7, 8, 94567, 131071]
    encoded = status_list.encode(revoked)
    bits = status_list.decode(encoded)
    assert [i for i in range(status_list.LIST_SIZE) if status_list.bit(bits, i)] == revoked
    assert all(status_list.is_set(encoded, i) for i in revoked)
    assert not status_list.is_set(encoded, 2)


def test_revoke_then_reinstate_flips_exactly_one_bit():
    before = [10, 20]
    revoked = status_list.encode([*before, 94567])
    a, b = status_list.decode(status_list.encode(before)), status_list.decode(revoked)
    flipped = [i for i in range(len(a) * 8) if status_list.bit(a, i) != status_list.bit(b, i)]
    assert flipped == [94567]
    reinstated = status_list.encode(before)
    assert reinstated == status_list.encode(before)
    assert not status_list.is_set(reinstated, 94567)


def test_a_larger_list_is_allowed_a_smaller_one_is_not():
    assert len(status_list.decode(status_list.encode([], size=262144))) == 32768
    with pytest.raises(status_list.StatusListError, match="at least 131072 entries"):
        status_list.encode([], size=1024)
    small = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(16))).decode().rstrip("=")
    with pytest.raises(status_list.StatusListError, match="the specification asks for at least"):
        status_list.decode(small)


@pytest.mark.parametrize(
    ("encoded", "message"),
    [
        ("zH4sI", "must be multibase base64url, starting with 'u'"),
        ("u!!!!", "not valid base64url"),
        ("uAAAA", "not GZIP-compressed data"),
    ],
)
def test_bad_encoded_lists_say_what_is_wrong(encoded, message):
    with pytest.raises(status_list.StatusListError, match=message):
        status_list.decode(encoded)


def test_an_index_outside_the_list_is_refused():
    with pytest.raises(status_list.StatusListError, match="outside the list"):
        status_list.encode([131072])
    with pytest.raises(status_list.StatusListError, match="outside the list"):
        status_list.is_set(SPEC_EMPTY_LIST, -1)
