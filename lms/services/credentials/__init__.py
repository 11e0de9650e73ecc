"""Certificates as signed Open Badges 3.0 credentials: the issuer's keys (keyring), issuing a
credential per certificate, the revocation status lists, and verifying a credential file. The
cryptography itself is in lms.vc (no Flask, no database)."""
