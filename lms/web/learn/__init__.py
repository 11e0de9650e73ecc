"""Courses, modules and quizzes as trainees and visitors see them."""

from . import live, quiz, requirements, views
from .blueprint import bp

__all__ = ["bp", "live", "quiz", "requirements", "views"]
