"""The database tables, one module per area. Importing this package registers them all."""

from .accounts import ROLES, User, UserRole
from .courses import Choice, Course, MediaFile, Module, ModuleVersion, Question
from .learning import QuizAttempt

__all__ = [
    "ROLES",
    "Choice",
    "Course",
    "MediaFile",
    "Module",
    "ModuleVersion",
    "Question",
    "QuizAttempt",
    "User",
    "UserRole",
]
