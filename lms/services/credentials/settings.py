"""Where the credential services read the app's settings when a caller gives none.

Certificates are issued, renewed and revoked from many services (a passed quiz, approved hours,
attendance, staff pages); each already runs inside the app context the database needs, so the
settings (LMS_BASE_URL, LMS_ISSUER_NAME, LMS_ISSUER_KEYS) are read from it here, in one place,
rather than passed down through every caller of issue_if_due.
"""

from flask import current_app


def app_config():
    return current_app.config
