"""Supervisors (and staff): trainees' status, their records, approving practice hours, and the
live sessions they facilitate, with attendance.

Each area is a module of views on the one blueprint; importing it here registers its routes.
"""

from . import hours, meetings, roster
from .blueprint import bp

__all__ = ["bp", "hours", "meetings", "roster"]
