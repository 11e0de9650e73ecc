"""Publishing one draft course from the workspace: the preview (what would change, the checker's
problems), Publish for staff, and the two-person rule's requests: an author (or anyone on staff)
asks to publish with a note, withdraws the request, or staff decline it with a reason.

Everyone who may use the workspace sees the preview; only staff and admins may publish or
decline (the POST routes say so, so an author's Publish answers 403)."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from ...services.workspace import checking, publishing, reviewing, store
from ...services.workspace.errors import NotPublishable, WorkspaceError
from ..access import PUBLISHERS, WORKSPACE_ROLES, role
from ..forms import show_problems
from .blueprint import bp
from .workspace import _course_or_404, _problem_target, diff_rows
from .workspace_forms import ButtonForm, DeclineForm, PublishForm, RequestPublishForm


def _may_publish():
    return current_user.has_role(*PUBLISHERS)


@bp.get("/workspace/<slug>/publish")
@role(*WORKSPACE_ROLES)
def workspace_publish(slug):
    return _publish_page(_course_or_404(slug))


@bp.post("/workspace/<slug>/publish")
@role(*PUBLISHERS)
def workspace_publish_now(slug):
    course = _course_or_404(slug)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    changes = publishing.preview(course)
    # A course last published from disk is taken over by its first publish here, even when the
    # text matches and trainees see no change: the page must say so.
    taken_over = course.published_at is None
    try:
        report = publishing.publish(
            course,
            current_user.id,
            review=current_app.config.get("LMS_PUBLISH_REVIEW", "off"),
            seen=form.seen.data or "",
        )
    except NotPublishable as error:
        return _publish_page(course, refused=str(error), problems=error.content_problems,
                             status=422)  # fmt: skip
    except reviewing.DraftChanged as error:
        return _publish_page(course, refused=str(error), status=409)
    except reviewing.PublishRefused as error:
        return _publish_page(course, refused=str(error), status=403)
    return render_template(
        "staff/workspace/published.html",
        course=course,
        changes=changes,
        report=report,
        taken_over=taken_over,
        diff_rows=diff_rows,
    )


@bp.post("/workspace/<slug>/publish/request")
@role(*WORKSPACE_ROLES)
def workspace_request_publish(slug):
    course = _course_or_404(slug)
    form = RequestPublishForm()
    if not form.validate_on_submit():
        # Text the form refuses (a control character): the page again, the note kept without it
        # and the message beside it, so nothing typed is lost.
        return _publish_page(course, request_form=form, status=422)
    try:
        reviewing.request_publishing(
            course, current_user.id, form.note.data, publishing.preview(course)
        )
    except WorkspaceError as error:
        show_problems(form, error)
        return _publish_page(course, request_form=form, status=422)
    flash(f"Your request to publish {course.slug} is sent: staff see it in the workspace. "
          "This page shows how it ends.")  # fmt: skip
    return redirect(url_for(".workspace_publish", slug=slug))


@bp.post("/workspace/<slug>/publish/withdraw")
@role(*WORKSPACE_ROLES)
def workspace_withdraw_request(slug):
    course = _course_or_404(slug)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        reviewing.withdraw(course, current_user.id)
    except WorkspaceError as error:
        return _publish_page(course, refused=str(error), status=422)
    flash("Your request to publish was withdrawn.")
    return redirect(url_for(".workspace_publish", slug=slug))


@bp.post("/workspace/<slug>/publish/decline/<int:request_id>")
@role(*PUBLISHERS)
def workspace_decline_request(slug, request_id):
    course = _course_or_404(slug)
    form = _decline_form(request_id, formdata=True)
    if not form.validate_on_submit():
        return _publish_page(course, decline_form=(request_id, form), status=422)
    try:
        reviewing.decline(course, request_id, current_user.id, form.reason.data)
    except WorkspaceError as error:
        show_problems(form, error)
        return _publish_page(course, decline_form=(request_id, form), status=422)
    flash("The request was declined: its author sees your reason on this page.")
    return redirect(url_for(".workspace_publish", slug=slug))


def _decline_form(request_id, formdata=False):
    if formdata:
        return DeclineForm(prefix=f"r{request_id}")
    return DeclineForm(formdata=None, prefix=f"r{request_id}")


def _publish_page(course, refused=None, problems=None, request_form=None, decline_form=None,
                  status=200):  # fmt: skip
    """The publish page as the draft is now: a fresh preview and fingerprint every time, so a
    refused Publish shows what the draft holds now."""
    files, revisions = store.live_snapshot(course)  # read once: previewed, checked, fingerprinted
    changes = publishing.preview(course, files)
    checked = checking.check_course(course, files)
    problems = checked.problems if problems is None else problems
    mode = current_app.config.get("LMS_PUBLISH_REVIEW", "off")
    publish_form = PublishForm(formdata=None, seen=reviewing.fingerprint(revisions))
    may_publish = _may_publish()
    # Everyone in the workspace sees every open request for the course, as on the workspace's
    # list; only those who may publish get a Decline form beside each.
    requests = reviewing.open_requests(course)
    changed = reviewing.changed_since(course, [shown.request for shown in requests])
    declining = dict([decline_form]) if decline_form else {}
    if declining.keys() - {shown.request.id for shown in requests} and refused is None:
        # The reason's form is shown only beside an open request: say why it is not there.
        refused = reviewing.NOT_OPEN
    page = render_template(
        "staff/workspace/publish.html",
        course=course,
        changes=changes,
        problems=[(p, _problem_target(course, p)) for p in problems],
        errors=[p for p in problems if not p.warning],
        refused=refused,
        may_publish=may_publish,
        review_applies=reviewing.review_applies(mode, course, checked.course),
        review_mode=mode,
        publish_form=publish_form,
        request_form=request_form or RequestPublishForm(formdata=None),
        button_form=ButtonForm(),
        mine=reviewing.latest_of(course, current_user.id),
        requests=[
            (
                shown,
                changed[shown.request.id],
                (declining.get(shown.request.id) or _decline_form(shown.request.id))
                if may_publish
                else None,
            )
            for shown in requests
        ],  # fmt: skip
        note_max=reviewing.NOTE_MAX,
        diff_rows=diff_rows,
    )
    return page, status
