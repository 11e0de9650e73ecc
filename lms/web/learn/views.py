"""The course catalogue, the trainee's dashboard and the module pages."""

from flask import abort, render_template, send_file, url_for
from flask_login import current_user

from ... import clock
from ...services import program_day
from ...services.authoring import media
from ...services.certification import certificate_lookup, certification, renewal
from ...services.learning import catalog, learning, meetings, training
from .. import transcripts
from ..access import public, signed_in
from ..autocommit import autocommit
from ..certificates import RenewForm
from .blueprint import bp
from .module_list import module_rows


@bp.get("/")
@public
@autocommit
def home():
    return render_template("learn/home.html", courses=catalog.published_courses())


@bp.get("/dashboard")
@signed_in
@autocommit
def dashboard():
    progress = learning.dashboard(current_user.id)
    certificates = certificate_lookup.certificates_for_user(current_user.id)
    courses = [p.course for p in progress]
    # Read once for the training hours here and the live sessions of the checklists.
    attended = training.attendance([current_user.id], [course.id for course in courses])
    # Read once for the meetings listed here and each required session's next meeting.
    now = clock.now()
    today = program_day.today()
    ahead = meetings.ahead_for_trainee(current_user.id, now)
    return render_template(
        "learn/dashboard.html",
        progress=progress,
        training=training.progress_for(current_user.id, courses, attended),
        attended=attended,
        certificates=certificates,
        statuses={c.id: certification.certificate_status(c, today) for c in certificates},
        standings=renewal.standings_for([c.id for c in certificates], today),
        renew_form=RenewForm(),
        today=today,
        upcoming=ahead[: meetings.UPCOMING_SHOWN],
        next_meetings=meetings.next_by_session(ahead, now),
    )


@bp.get("/courses/<course_slug>/")
@public
@autocommit
def course(course_slug):
    try:
        course, modules = catalog.course_by_slug(course_slug)
    except catalog.NotFound:
        abort(404)
    progress = None
    if current_user.is_authenticated:
        progress = learning.course_progress(current_user.id, course, modules)
    return render_template(
        "learn/course.html",
        course=course,
        module_rows=module_rows(course, modules),
        progress=progress,
    )


@bp.get("/courses/<course_slug>/<module_slug>")
@signed_in
@autocommit
def module(course_slug, module_slug):
    try:
        course, version, progress = learning.open_module(current_user.id, course_slug, module_slug)
    except catalog.NotFound:
        abort(404)
    except learning.ModuleLocked as locked:
        course, modules = catalog.course_by_slug(course_slug)
        current = next(m for m in modules if m.slug == module_slug)
        return render_template(
            "learn/locked.html", course=course, module=current, missing=locked.missing
        )
    statuses = progress.modules
    index = next(i for i, s in enumerate(statuses) if s.module.id == version.module_id)
    return render_template(
        "learn/module.html",
        course=course,
        version=version,
        progress=progress,
        status=statuses[index],
        position=index + 1,
        previous=statuses[index - 1].module if index > 0 else None,
        next=statuses[index + 1].module if index + 1 < len(statuses) else None,
    )


@bp.get("/media/<sha256>/<name>")
@public
def media_file(sha256, name):
    try:
        item = media.by_hash(sha256)
    except media.NotFound:
        abort(404)
    response = send_file(
        media.as_stream(item),
        mimetype=item.content_type,
        download_name=item.file_name,
        max_age=31536000,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@bp.get("/transcript")
@signed_in
def transcript():
    return transcripts.page(current_user.id, url_for(".transcript_pdf"), own=True)


@bp.post("/transcript.pdf")
@signed_in
def transcript_pdf():
    return transcripts.pdf_download(current_user.id)
