"""Supervisors (and staff): trainees' status, their records, and approving practice hours.

Each area is a module of views on the one blueprint; importing it here registers its routes.
"""

from . import hours, roster
from .blueprint import bp

__all__ = ["bp", "hours", "roster"]
