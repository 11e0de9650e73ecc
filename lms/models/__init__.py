"""The database tables, one module per area. Importing this package registers them all."""

from .accounts import ROLES, SignInThrottle, User, UserRole
from .certification import Certificate
from .courses import Choice, Course, MediaFile, Module, ModuleVersion, Question
from .learning import ModuleProgress, QuizAttempt

__all__ = [
    "ROLES",
    "Certificate",
    "ModuleProgress",
    "SignInThrottle",
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
