"""Paging links for long lists (the query side is lms/services/keyset.py): reading `after=` and
`before=` cursors and `per=` from the query string, signing the cursors, and the words and links
that templates/_macros/paging.html shows.

A cursor is signed with the app's secret key, salted with the list's endpoint and its sort, so a
cursor edited by hand, carried to another list or kept across a change of sort is refused: the
list starts again at its first page and says why, never a 500.

A form on a list's page (the supervisor's review of one session) carries the page it was on in
its action's query string (`state()`), so that the page shown again with its errors, or the one
redirected to, is that same page, not the first.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, flash, request, url_for
from itsdangerous import BadData, URLSafeSerializer

from ..services import keyset
from .filters import counted

BAD_CURSOR = (
    "That page link is out of date or was changed, so the list starts again at its first page."
)


PAGING_ARGS = ("after", "before", "per")


def _serializer(endpoint, order_name):
    if endpoint is None:
        endpoint = request.endpoint
    elif endpoint.startswith("."):  # as url_for reads it: this blueprint's
        endpoint = f"{request.blueprint}{endpoint}"
    salt = f"lms.paging:{endpoint}:{order_name}"
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def state():
    """The request's place in a list ({"after" or "before": cursor, "per": n}, as its query string
    had them), for a form on the list's page to carry through its action and redirect."""
    return {name: request.args[name] for name in PAGING_ARGS if request.args.get(name)}


def per_page():
    """`per=` from the query string, between 1 and keyset.MAX_PER_PAGE (50 when absent)."""
    value = request.args.get("per", "")
    if value.isascii() and value.isdigit() and len(value) <= 4:
        return max(1, min(int(value), keyset.MAX_PER_PAGE))
    return keyset.PER_PAGE


def cursor(order_name="", endpoint=None):
    """The cursor the request asks for (None for the first page), signed for the list at
    `endpoint` (the request's own when None: a form posted from a list's page names the list).
    A bad one flashes BAD_CURSOR and gives None, so the caller shows the first page."""
    token = request.args.get("after") or request.args.get("before")
    if not token:
        return None
    try:
        return keyset.Cursor.from_payload(_serializer(endpoint, order_name).loads(token))
    except (BadData, keyset.BadCursor):
        flash(BAD_CURSOR)
        return None


def fetch(fetch_page, order_name="", endpoint=None):
    """Call fetch_page(cursor, per) for the request's cursor (see cursor()); a cursor the query
    refuses (keyset.BadCursor) gives the first page with BAD_CURSOR."""
    wanted, per = cursor(order_name, endpoint), per_page()
    try:
        return fetch_page(wanted, per)
    except keyset.BadCursor:
        flash(BAD_CURSOR)
        return fetch_page(None, per)


@dataclass(frozen=True)
class Links:
    """What a template needs to show one page's place and the links either side."""

    range_text: str  # "Showing 51 to 100" (with "of N <things>" when the count is known)
    next_url: str | None
    previous_url: str | None
    label: str  # what the nav is called for screen readers, one name a list ("People pages")


def links(page, endpoint, params, noun, count=None, order_name="", *, label, **values):
    """Links for `page` of the list at `endpoint`, keeping `params` (the filters and sort, as the
    query string had them); `count` is keyset.capped_count's answer or None when not counted;
    `label` names the list's page links for screen readers, told apart from any other nav."""
    serializer = _serializer(endpoint, order_name)
    kept = {name: value for name, value in params.items() if value not in (None, "")}
    if request.args.get("per"):
        kept["per"] = page.per

    def url(name, position):
        token = serializer.dumps(position.to_payload())
        return url_for(endpoint, **values, **kept, **{name: token})

    if not page.rows:
        words = f"No {noun[1]} to show"
    else:
        words = f"Showing {page.first_number:,} to {page.last_number:,}"
    if count is not None and page.rows:
        if count > keyset.COUNT_CAP:
            words += f" of more than {keyset.COUNT_CAP:,} {noun[1]}"
        else:
            words += f" of {counted(count, *noun)}"
    elif page.rows:
        words += f" {noun[1]}"
    return Links(
        range_text=words,
        next_url=url("after", page.next) if page.next else None,
        previous_url=url("before", page.previous) if page.previous else None,
        label=label,
    )
