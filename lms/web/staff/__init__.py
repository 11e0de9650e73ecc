"""Program staff and admins: accounts, cohorts, courses, certificates and the audit log.

Each area is a module of views on the one blueprint; importing it here registers its routes.
"""

from . import home
from .blueprint import bp

__all__ = ["bp", "home"]
