"""Accounts on the web: sign-up, sign-in and out, passwords, and the staff tools for accounts."""

from . import staff  # noqa: F401  (registers the staff routes on bp)
from .signed_in import init_app
from .views import bp

__all__ = ["bp", "init_app"]
