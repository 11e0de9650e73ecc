"""Courses, modules and quizzes as trainees and visitors see them."""

from . import quiz, views
from .blueprint import bp

__all__ = ["bp", "quiz", "views"]
