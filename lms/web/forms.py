"""Form helpers shared by every blueprint: the base class of every form, and show_problems."""

from flask import g
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, TextAreaField

from .inputs import MAX_LINE, MAX_TEXT, storable, text_problem


class Form(FlaskForm):
    """The base of every form in the app (tests/web/test_inputs.py checks that none is missing).

    Text that cannot be stored (a NUL, which PostgreSQL refuses; a control character; a lone
    surrogate) or that is longer than any field needs is refused here, next to its field, before a
    view or a service sees it. The field keeps the text without the offending part, so what is
    shown again and what a view reads without validating are always safe. The page that shows
    the message answers 422 (lms.web.inputs.init_app), whichever view rendered it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self:
            limit = MAX_TEXT if isinstance(field, TextAreaField | HiddenField) else MAX_LINE
            texts = [value for value in field.raw_data or () if isinstance(value, str)]
            problem = next(filter(None, (text_problem(value, limit) for value in texts)), None)
            if problem:
                field.process(MultiDict([(field.name, storable(value, limit)) for value in texts]))
                field.process_errors.append(problem)
                g.input_refused = True


def show_problems(form, error):
    """Put a service's FieldErrors messages next to the fields they concern (the rest on top)."""
    for field, message in error.problems.items():
        if field and field in form:
            form[field].errors.append(message)
        else:
            form.form_errors.append(message)
