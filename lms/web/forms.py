"""Form helpers shared by every blueprint: the base class of every form, the one-time token of a
form that creates an entry, show_problems, and what a page's error summary lists."""

import secrets

from flask import g
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Form as WTForm
from wtforms import HiddenField, TextAreaField
from wtforms.widgets import ListWidget

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


class SubmissionToken(HiddenField):
    """A one-time token made when the form is shown and sent back with it, so that the service
    can tell the same form arriving twice (a double tap, a resubmission) from a new entry
    (services.logbook.once). A form shown again after a problem keeps its token: nothing was
    saved."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, default=lambda: secrets.token_urlsafe(24), **kwargs)

    def process_formdata(self, valuelist):
        self.data = valuelist[0] if valuelist and valuelist[0] else None


def show_problems(form, error):
    """Put a service's FieldErrors messages next to the fields they concern (the rest on top)."""
    for field, message in error.problems.items():
        if field and field in form:
            form[field].errors.append(message)
        else:
            form.form_errors.append(message)


def _target(field):
    """The id a summary link points at: a group of checkboxes or radios is reached by its first
    option (as the _macros/forms.html `checkboxes` macro renders it), any other field by itself."""
    if isinstance(field.widget, ListWidget):
        return f"{field.id}-0"
    return field.id


def form_problems(*forms):
    """Every problem on a page's forms, as (id to link to, message), for the error summary at
    the top of the page: errors about a whole form first (linked to its first field), then each
    field's in the order the form shows them. Forms a page does not have (None, undefined in the
    template) are skipped, so a template can name every form it might show."""
    items = []
    for form in forms:
        if not isinstance(form, WTForm):
            continue
        visible = [field for field in form if getattr(field.widget, "input_type", "") != "hidden"]
        first = _target(visible[0]) if visible else None
        hidden_errors = [
            message
            for field in form
            if field not in visible
            for message in field.errors
            if isinstance(message, str)
        ]
        for message in [*form.form_errors, *hidden_errors]:
            items.append((first, message))
        for field in visible:
            messages = [message for message in field.errors if isinstance(message, str)]
            if messages:
                items.append((_target(field), " ".join(messages)))
    return items


def course_file_problems(problems):
    """The errors among course file problems (ContentError.problems) for the error summary, each
    linked to its line in the page's problem list (id problem-1, problem-2, ...)."""
    items = []
    for number, problem in enumerate(problems, start=1):
        if not problem.warning:
            where = problem.path if problem.line is None else f"{problem.path}:{problem.line}"
            items.append((f"problem-{number}", f"{where}: {problem.message}"))
    return items


def init_app(app):
    app.add_template_global(form_problems)
    app.add_template_global(course_file_problems)
