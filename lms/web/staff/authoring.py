"""Tools for course authors: check the course files, preview a module or a live session's
facilitator guide before publishing, publish, and the item analysis of a published course's quiz
questions."""

from pathlib import Path

from flask import abort, current_app, render_template, send_file
from flask_login import current_user

from ...content.model import ContentError
from ...services.authoring import authoring
from ...services.learning import catalog
from ..access import role
from .authoring_forms import PublishForm
from .blueprint import bp


def _courses_folder():
    return Path(current_app.config["LMS_COURSES_DIR"])


@bp.get("/courses")
@role("staff", "admin")
def courses():
    report = authoring.check(_courses_folder())
    published, last_change = authoring.published()
    return render_template(
        "staff/courses.html",
        report=report,
        published=published,
        last_change=last_change,
        form=PublishForm(),
    )


@bp.get("/courses/<course_slug>/preview/<module_slug>")
@role("staff", "admin")
def course_preview(course_slug, module_slug):
    try:
        module = authoring.preview(_courses_folder(), course_slug, module_slug)
    except authoring.NotFound:
        abort(404)
    except authoring.CourseHasErrors as error:
        return render_template(
            "staff/course_preview_errors.html", course_slug=course_slug, problems=error.problems
        )
    return render_template("staff/course_preview.html", module=module)


@bp.get("/courses/<course_slug>/sessions/<session_slug>")
@role("staff", "admin")
def session_preview(course_slug, session_slug):
    try:
        session = authoring.session_preview(_courses_folder(), course_slug, session_slug)
    except authoring.NotFound:
        abort(404)
    except authoring.CourseHasErrors as error:
        return render_template(
            "staff/course_preview_errors.html", course_slug=course_slug, problems=error.problems
        )
    return render_template("staff/session_preview.html", session=session)


@bp.get("/courses/<course_slug>/media/<path:name>")
@role("staff", "admin")
def course_preview_media(course_slug, name):
    try:
        path, content_type = authoring.media_file(_courses_folder(), course_slug, name)
    except authoring.NotFound:
        abort(404)
    response = send_file(path, mimetype=content_type, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@bp.post("/courses/publish")
@role("staff", "admin")
def publish_courses():
    if not PublishForm().validate_on_submit():
        abort(400)
    try:
        report = authoring.publish(_courses_folder(), current_user.id)
    except ContentError as error:
        page = render_template("staff/courses_published.html", problems=error.problems)
        return page, 422
    return render_template("staff/courses_published.html", report=report)


@bp.get("/courses/<course_slug>/items")
@role("staff", "admin")
def course_items(course_slug):
    try:
        course, _ = catalog.course_by_slug(course_slug)
    except catalog.NotFound:
        abort(404)
    return render_template(
        "staff/course_items.html",
        course=course,
        modules=authoring.item_analysis(course.id),
        thresholds={
            "easy": authoring.TOO_EASY_PERCENT,
            "hard": authoring.TOO_HARD_PERCENT,
            "minimum": authoring.MIN_ANSWERS_TO_FLAG,
        },
    )
