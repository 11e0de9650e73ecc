"""The course workspace's editor.

ROUGH SKELETON FOR TWO HELPERS WORKING AT ONCE: the endpoint names exist so that links resolve;
U2 replaces this whole file. Not reachable from any page yet.
"""

from flask import abort

from ..access import role
from .blueprint import bp


@bp.route("/workspace/<slug>/edit/<path:path>", methods=["GET", "POST"])
@role("staff", "admin")
def workspace_edit(slug, path):
    abort(404)


@bp.post("/workspace/<slug>/live")
@role("staff", "admin")
def workspace_live(slug):
    abort(404)
