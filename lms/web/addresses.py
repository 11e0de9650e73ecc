"""Addresses built once per worker. url_for with the same endpoint and values gives the same
address for as long as the app runs (its URL map is fixed once it is made, and lms registers no
url_defaults), so each worker builds a page's links once (the stylesheet and icon, the
header's, a module's pager) rather than on every request: werkzeug's build was about 7% of
the module page's time, for eleven links.

What is kept is keyed by everything the address depends on: the endpoint and its values, the
request's script root (a prefix a proxy may pass), and, for an endpoint named relative to the
current blueprint (".x"), that blueprint. An external address, one with an anchor, a method
or a scheme, one asked outside a request, or one with a value other than a string, a whole
number, True/False or None is built as before, each time: values that Python holds equal may be
written differently (1, True and 1.0; one moment in two time zones), so each value is keyed with
its type, and only types whose equal values are written alike are kept."""

from flask import has_request_context, request

KEPT = 4096  # addresses a worker keeps; all are forgotten when it is full (a few hundred kB)
_KEYABLE = frozenset((str, int, bool, type(None)))  # exactly these types, not their subclasses


def init_app(app):
    """Before the first template is rendered: Jinja's `url_for` global is the app's."""
    build = app.url_for
    kept = {}

    def url_for(endpoint, *, _anchor=None, _method=None, _scheme=None, _external=None, **values):
        if _anchor or _method or _scheme or _external or not has_request_context():
            return build(
                endpoint,
                _anchor=_anchor,
                _method=_method,
                _scheme=_scheme,
                _external=_external,
                **values,
            )
        if not all(type(value) in _KEYABLE for value in values.values()):
            return build(endpoint, **values)
        relative_to = request.blueprint if endpoint[:1] == "." else None
        key = (
            request.script_root,
            relative_to,
            endpoint,
            *sorted((name, type(value), value) for name, value in values.items()),
        )
        found = kept.get(key)
        if found is None:
            found = build(endpoint, **values)
            if len(kept) >= KEPT:
                kept.clear()
            kept[key] = found
        return found

    app.url_for = url_for
    app.jinja_env.globals["url_for"] = url_for
