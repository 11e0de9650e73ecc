"""The learn blueprint object, shared by its view modules."""

from flask import Blueprint

bp = Blueprint("learn", __name__)
