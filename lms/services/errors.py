"""The error the services raise when a person's input cannot be accepted."""


class FieldErrors(ValueError):
    """Input that cannot be accepted. `problems` maps a form field name (None: the request as a
    whole) to a message for a person; a plain string is a problem with the whole request."""

    def __init__(self, problems):
        if isinstance(problems, str):
            problems = {None: problems}
        self.problems = dict(problems)
        super().__init__(" ".join(self.problems.values()))
