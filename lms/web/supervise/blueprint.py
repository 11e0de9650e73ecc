"""The supervise blueprint object, shared by its view modules."""

from flask import Blueprint

bp = Blueprint("supervise", __name__, url_prefix="/supervise")
