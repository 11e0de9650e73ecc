"""The published courses as trainees and visitors see them."""

from flask import Blueprint, abort, render_template, send_file

from ..services import catalog, media

bp = Blueprint("learn", __name__)


@bp.get("/")
def home():
    return render_template("learn/home.html", courses=catalog.published_courses())


@bp.get("/courses/<course_slug>/")
def course(course_slug):
    try:
        course, modules = catalog.course_by_slug(course_slug)
    except catalog.NotFound:
        abort(404)
    return render_template("learn/course.html", course=course, modules=modules)


@bp.get("/courses/<course_slug>/<module_slug>")
def module(course_slug, module_slug):
    try:
        course, version, modules = catalog.current_module(course_slug, module_slug)
    except catalog.NotFound:
        abort(404)
    index = next(i for i, m in enumerate(modules) if m.slug == module_slug)
    return render_template(
        "learn/module.html",
        course=course,
        version=version,
        modules=modules,
        position=index + 1,
        previous=modules[index - 1] if index > 0 else None,
        next=modules[index + 1] if index + 1 < len(modules) else None,
    )


@bp.get("/media/<sha256>/<name>")
def media_file(sha256, name):
    try:
        item = media.by_hash(sha256)
    except media.NotFound:
        abort(404)
    response = send_file(
        media.as_stream(item), mimetype=item.content_type, download_name=item.file_name,
        max_age=31536000,
    )  # fmt: skip
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
