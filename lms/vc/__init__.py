"""Signed credentials: Open Badges 3.0 / W3C Verifiable Credentials 2.0 with a Data Integrity
proof (eddsa-rdfc-2022), Ed25519 Multikey key pairs, and Bitstring Status Lists. No Flask, no
database, no network: JSON-LD contexts are bundled and served by `loader.document_loader`. The
rest of the app may call `keys` (generate, public_multibase, secret_multibase, from_multibase,
did_key), `proof.sign` and `proof.verify_proof`, `status_list` (encode, decode, is_set,
LIST_SIZE) and `checking.check_credential`; everything else in here is a step those use.
"""
