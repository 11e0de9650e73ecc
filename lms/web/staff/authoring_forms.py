"""Forms of the authors' tools."""

from ..forms import Form


class PublishForm(Form):
    """Only a button: the form carries the CSRF token."""
