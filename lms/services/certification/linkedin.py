"""LinkedIn's "add to profile" link for a certificate: a plain address that opens LinkedIn's own
form with the certification filled in. Nothing is sent to LinkedIn by this server; the holder
follows the link and saves it there (or not)."""

from __future__ import annotations

from urllib.parse import quote, urlencode

ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


def add_to_profile_url(name, organisation, issued_on, expires_on, cert_url, cert_id):
    """The add-to-profile address for a certification: its `name`, the issuing `organisation`,
    the issue and expiry months (dates; `expires_on` None for one that never expires), the
    public verification address and the credential ID (the certificate's code).

    Every value is percent-encoded as UTF-8, spaces as %20, so that "&" or "#" in a name cannot
    end a parameter early and names in any script arrive whole."""
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": name,
        "organizationName": organisation,
        "issueYear": issued_on.year,
        "issueMonth": issued_on.month,
    }
    if expires_on is not None:
        params |= {"expirationYear": expires_on.year, "expirationMonth": expires_on.month}
    params |= {"certUrl": cert_url, "certId": cert_id}
    return f"{ADD_TO_PROFILE}?{urlencode(params, quote_via=quote, safe='')}"
