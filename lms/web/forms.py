"""Form helpers shared by every blueprint."""


def show_problems(form, error):
    """Put a service's FieldErrors messages next to the fields they concern (the rest on top)."""
    for field, message in error.problems.items():
        if field and field in form:
            form[field].errors.append(message)
        else:
            form.form_errors.append(message)
