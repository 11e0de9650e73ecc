"""Courses, modules and quizzes as trainees and visitors see them."""

from . import quiz, requirements, views
from .blueprint import bp

__all__ = ["bp", "quiz", "requirements", "views"]
