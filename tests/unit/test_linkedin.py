"""LinkedIn's add-to-profile link: the exact address, with names that need encoding."""

from datetime import date
from urllib.parse import parse_qsl, urlsplit

from lms.services.certification.linkedin import add_to_profile_url


def test_the_exact_address_with_spaces_ampersands_and_non_ascii():
    url = add_to_profile_url(
        "Peer Support & Recovery: Foundations",
        "Zoë's Peer Training #1",
        date(2026, 11, 21),
        date(2028, 2, 29),
        "https://training.example.org/verify/PSF-7K3Q-9XWM-4RT2",
        "PSF-7K3Q-9XWM-4RT2",
    )
    assert url == (
        "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME"
        "&name=Peer%20Support%20%26%20Recovery%3A%20Foundations"
        "&organizationName=Zo%C3%AB%27s%20Peer%20Training%20%231"
        "&issueYear=2026&issueMonth=11&expirationYear=2028&expirationMonth=2"
        "&certUrl=https%3A%2F%2Ftraining.example.org%2Fverify%2FPSF-7K3Q-9XWM-4RT2"
        "&certId=PSF-7K3Q-9XWM-4RT2"
    )


def test_every_value_arrives_whole():
    name = "Certificado de Apoyo entre Pares — 同伴支持 & more=yes"
    url = add_to_profile_url(name, "Org", date(2027, 1, 5), date(2029, 1, 5), "https://x/v/C", "C")
    params = dict(parse_qsl(urlsplit(url).query))
    assert params["name"] == name
    assert params["issueMonth"] == "1" and params["expirationYear"] == "2029"
    assert list(params) == [
        "startTask", "name", "organizationName", "issueYear", "issueMonth",
        "expirationYear", "expirationMonth", "certUrl", "certId",
    ]  # fmt: skip


def test_a_certificate_that_never_expires_has_no_expiry():
    url = add_to_profile_url("N", "O", date(2027, 1, 5), None, "https://x/v/C", "C")
    assert "expiration" not in url
