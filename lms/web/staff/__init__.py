"""Program staff and admins: accounts, cohorts, courses, certificates and the audit log.

Each area is a module of views on the one blueprint; importing it here registers its routes.
"""

from . import (
    audit,
    authoring,
    ce,
    certificates,
    cohorts,
    editor,
    erasure,
    home,
    meetings,
    people,
    renewals,
    workspace,
    workspace_publish,
)
from .blueprint import bp

__all__ = [
    "audit",
    "authoring",
    "bp",
    "ce",
    "editor",
    "erasure",
    "certificates",
    "cohorts",
    "home",
    "meetings",
    "people",
    "renewals",
    "workspace",
    "workspace_publish",
]
