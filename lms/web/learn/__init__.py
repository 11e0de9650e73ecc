"""Courses, modules and quizzes as trainees and visitors see them."""

from . import ce, live, quiz, requirements, views
from .blueprint import bp

__all__ = ["bp", "ce", "live", "quiz", "requirements", "views"]
