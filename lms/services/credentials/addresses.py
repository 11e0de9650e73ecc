"""The public addresses a credential names (its own JSON, the issuer Profile, a status list, a
course's achievement), and those an email names (a certificate's verification page, its page on
the site), built from LMS_BASE_URL so that a credential or an email read anywhere points back
here. The web blueprints serve each path; a test checks that the two agree."""

from .keyring import base_url

CREDENTIAL_PATH = "/credentials/{code}.json"
STATUS_LIST_PATH = "/credentials/status/{number}"
ISSUER_PATH = "/issuer"
# A course's page: the stable address of its certificate's Achievement, and, with a fragment,
# of each training domain it aligns to.
COURSE_PATH = "/courses/{slug}/"
VERIFICATION_PATH = "/verify/{code}"  # public: anyone checks a certificate here
CERTIFICATE_PATH = "/certificates/{code}"  # its holder's (and staff's) page, signed in


def _site(config):
    return base_url(config).rstrip("/")


def credential_url(config, code):
    return _site(config) + CREDENTIAL_PATH.format(code=code)


def status_list_url(config, number):
    return _site(config) + STATUS_LIST_PATH.format(number=number)


def issuer_url(config):
    return _site(config) + ISSUER_PATH


def achievement_url(config, course_slug):
    return _site(config) + COURSE_PATH.format(slug=course_slug)


def domain_url(config, course_slug, domain):
    return f"{achievement_url(config, course_slug)}#domain-{domain}"


def verification_url(config, code):
    return _site(config) + VERIFICATION_PATH.format(code=code)


def certificate_url(config, code):
    return _site(config) + CERTIFICATE_PATH.format(code=code)
