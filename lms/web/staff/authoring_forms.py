"""Forms of the authors' tools."""

from flask_wtf import FlaskForm


class PublishForm(FlaskForm):
    """Only a button: the form carries the CSRF token."""
