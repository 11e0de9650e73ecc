"""The JSON-LD document loader: serves the contexts bundled in lms/vc/contexts by URL, and
refuses every other URL, so that canonicalising a credential never touches the network.
"""

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources

# URL -> file in lms/vc/contexts; README.md there says where each file comes from.
BUNDLED = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://w3id.org/security/data-integrity/v2": "data-integrity-v2.jsonld",
    "https://w3id.org/security/multikey/v1": "multikey-v1.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
}

OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"


class ContextNotBundled(Exception):
    """A credential names a JSON-LD context this server does not hold."""

    def __init__(self, url: str):
        self.url = url
        super().__init__(
            f"The context {url} is not bundled with this server, and this server never fetches "
            f"from the internet, so a credential that uses it cannot be checked here."
        )


@cache
def bundled_document(url: str) -> dict:
    name = BUNDLED[url]
    text = resources.files("lms.vc").joinpath("contexts", name).read_text(encoding="utf-8")
    return json.loads(text)


def _remote_document(url: str, document: dict) -> dict:
    # "tag": "static" lets pyld keep the resolved context between calls (bundled files never
    # change while the server runs); lms.vc.proof gives each loader its own cache for it
    return {"contextUrl": None, "documentUrl": url, "document": document, "tag": "static"}


def document_loader(url, options=None):
    """pyld's document loader: bundled contexts only."""
    if url in BUNDLED:
        return _remote_document(url, bundled_document(url))
    raise ContextNotBundled(url)


def loader_with(extra: Mapping[str, dict]):
    """A loader that also serves `extra` (URL -> parsed document), e.g. test-vector contexts."""

    def load(url, options=None):
        if url in extra:
            return _remote_document(url, extra[url])
        return document_loader(url, options)

    return load
