"""The course workspace's pages: draft courses, their files, images, zips, history and publish.

ROUGH SKELETON FOR TWO HELPERS WORKING AT ONCE: every endpoint name exists so that links resolve;
U1 replaces this whole file. Not reachable from any page yet.
"""

from flask import abort

from ..access import role
from .blueprint import bp


def _not_yet(*args, **kwargs):
    abort(404)


for _rule, _endpoint, _methods in (
    ("/workspace/", "workspace", ["GET"]),
    ("/workspace/new", "workspace_new", ["POST"]),
    ("/workspace/import", "workspace_import_new", ["POST"]),
    ("/workspace/<slug>/", "workspace_course", ["GET"]),
    ("/workspace/<slug>/files", "workspace_files", ["POST"]),
    ("/workspace/<slug>/rename", "workspace_rename", ["POST"]),
    ("/workspace/<slug>/delete", "workspace_delete", ["POST"]),
    ("/workspace/<slug>/reorder", "workspace_reorder", ["POST"]),
    ("/workspace/<slug>/media", "workspace_upload", ["POST"]),
    ("/workspace/<slug>/media/<name>", "workspace_media", ["GET"]),
    ("/workspace/<slug>/export", "workspace_export", ["GET"]),
    ("/workspace/<slug>/import", "workspace_import", ["POST"]),
    ("/workspace/<slug>/history/<path:path>", "workspace_history", ["GET", "POST"]),
    ("/workspace/<slug>/publish", "workspace_publish", ["GET", "POST"]),
):
    bp.add_url_rule(_rule, _endpoint, role("staff", "admin")(_not_yet), methods=_methods)
