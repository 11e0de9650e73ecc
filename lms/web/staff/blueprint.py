"""The staff blueprint object, shared by its view modules."""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")
