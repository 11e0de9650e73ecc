"""Where a service reads the app's settings when its caller gives none: the one Flask import in
services/.

Certificates are issued, renewed and revoked from many services (a passed quiz, approved hours,
attendance, staff pages); each already runs inside the app context the database needs, so what
issuing needs (LMS_BASE_URL, LMS_ISSUER_NAME, LMS_ISSUER_KEYS for the credential; the mail
settings for the certificate's email) is read from it here, in one place, rather than passed down
through every caller of issue_if_due.
"""

from flask import current_app


def app_config():
    return current_app.config
