"""The course workspace's pages: draft courses written in the browser, their files, images, zips,
each file's history. The editor itself is editor.py; publishing one course, workspace_publish.py.

Every change goes through lms.services.workspace, each call one transaction: a refused change
writes nothing and its message is shown beside the field (422)."""

from io import BytesIO

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from wtforms import SelectChoice

from ...services.workspace import archive, checking, files, history, images, paths, reviewing
from ...services.workspace.errors import WorkspaceError
from ..access import WORKSPACE_ROLES, role
from ..forms import show_problems
from ..inputs import accepts_file
from .blueprint import bp
from .workspace_forms import (
    AddFileForm,
    ButtonForm,
    DeleteForm,
    ImageForm,
    NewCourseForm,
    RenameForm,
    ReorderForm,
    RestoreForm,
    ZipForm,
)

NO_ZIP = "Choose a zip file to upload."
NO_IMAGE = "Choose an image file to upload."
# Said on the "too large" page when a zip is over the importer's limit.
SMALLER_ZIP = "make the zip smaller (leave out large images, or make them smaller)"
SMALLER_IMAGE = "save a smaller copy of the image (fewer pixels, or JPEG or WebP for a photo)"
NOT_CHANGED = (
    "The zip was not imported and nothing was changed: fix what is listed, then upload it again."
)
MARKDOWN_KINDS = ("course", "ethics", "module", "session")


def _course_or_404(slug):
    try:
        return files.course_named(slug)
    except WorkspaceError:
        abort(404)


def _upload(field, limit):
    """The bytes of an uploaded file (at most limit + 1 of them), or None when none was chosen."""
    upload = field.data
    if not upload or not getattr(upload, "filename", ""):
        return None, None
    return upload.read(limit + 1), upload.filename


# -- The list of draft courses -----------------------------------------------------------------


def _list_page(new_form=None, zip_form=None, zip_problems=(), status=200):
    page = render_template(
        "staff/workspace/list.html",
        courses=files.course_summaries(),
        requests=reviewing.open_requests(),
        new_form=new_form or NewCourseForm(),
        zip_form=zip_form or ZipForm(),
        zip_problems=list(zip_problems),
    )
    return page, status


@bp.get("/workspace/")
@role(*WORKSPACE_ROLES)
def workspace():
    return _list_page()


@bp.post("/workspace/new")
@role(*WORKSPACE_ROLES)
def workspace_new():
    form = NewCourseForm()
    if form.validate_on_submit():
        slug = (form.slug.data or "").strip()
        try:
            files.create_course(slug, current_user.id)
        except WorkspaceError as error:
            form.slug.errors.append(str(error))
        else:
            flash(f"Draft course “{slug}” created with its course.md and a first module.")
            return redirect(url_for(".workspace_course", slug=slug))
    return _list_page(new_form=form, status=422)


@bp.post("/workspace/import")
@role(*WORKSPACE_ROLES)
@accepts_file(archive.MAX_ZIP_BYTES, SMALLER_ZIP)
def workspace_import_new():
    form = ZipForm()
    problems = []
    if form.validate_on_submit():
        data, _ = _upload(form.archive, archive.MAX_ZIP_BYTES)
        if data is None:
            form.archive.errors.append(NO_ZIP)
        else:
            try:
                course = archive.import_zip(data, current_user.id)
            except archive.ArchiveRefused as error:
                form.archive.errors.append(NOT_CHANGED)
                problems = error.problems
            else:
                flash(f"Draft course “{course.slug}” created from the zip.")
                return redirect(url_for(".workspace_course", slug=course.slug))
    return _list_page(zip_form=form, zip_problems=problems, status=422)


# -- A course's files --------------------------------------------------------------------------


def _choices(course):
    return [SelectChoice(path, path) for path in files.store.live_files(course)]


def _problem_target(course, problem):
    """The file a problem is in, relative to the course ("03-x.md"), or None."""
    prefix = f"{course.slug}/"
    if problem.path and problem.path.startswith(prefix):
        path = problem.path[len(prefix) :]
        if paths.kind_of(path) in MARKDOWN_KINDS:
            return path
    return None


def _course_page(course, status=200, zip_problems=(), **forms):
    found = files.course_files(course)
    rename_form = forms.get("rename_form") or RenameForm()
    delete_form = forms.get("delete_form") or DeleteForm()
    rename_form.path.choices = delete_form.path.choices = _choices(course)
    result = checking.check_course(course)
    problems = [(p, _problem_target(course, p)) for p in result.problems]
    page = render_template(
        "staff/workspace/course.html",
        course=course,
        found=found,
        deleted=files.deleted_files(course),
        problems=problems,
        errors=result.errors,
        add_form=forms.get("add_form") or AddFileForm(),
        rename_form=rename_form,
        delete_form=delete_form,
        image_form=forms.get("image_form") or ImageForm(),
        zip_form=forms.get("zip_form") or ZipForm(),
        button_form=ButtonForm(),
        zip_problems=list(zip_problems),
    )
    return page, status


@bp.get("/workspace/<slug>/")
@role(*WORKSPACE_ROLES)
def workspace_course(slug):
    return _course_page(_course_or_404(slug))


@bp.post("/workspace/<slug>/files")
@role(*WORKSPACE_ROLES)
def workspace_files(slug):
    course = _course_or_404(slug)
    form = AddFileForm()
    if form.validate_on_submit():
        title = (form.title.data or "").strip()
        try:
            if form.kind.data == "ethics":
                draft = files.add_ethics(course, current_user.id)
            elif form.kind.data == "session":
                draft = files.add_session(course, title, current_user.id)
            else:
                draft = files.add_module(course, title, current_user.id)
        except WorkspaceError as error:
            form.title.errors.append(str(error))
        else:
            flash(f"{draft.path} added. Write it in the editor.")
            return redirect(url_for(".workspace_course", slug=slug))
    return _course_page(course, 422, add_form=form)


@bp.post("/workspace/<slug>/rename")
@role(*WORKSPACE_ROLES)
def workspace_rename(slug):
    course = _course_or_404(slug)
    form = RenameForm()
    form.path.choices = _choices(course)
    if form.validate_on_submit():
        new_path = (form.new_path.data or "").strip()
        try:
            files.rename_file(course, form.path.data, new_path, current_user.id)
        except WorkspaceError as error:
            form.new_path.errors.append(str(error))
        else:
            flash(f"{form.path.data} is now {new_path}.")
            return redirect(url_for(".workspace_course", slug=slug))
    return _course_page(course, 422, rename_form=form)


@bp.post("/workspace/<slug>/delete")
@role(*WORKSPACE_ROLES)
def workspace_delete(slug):
    course = _course_or_404(slug)
    form = DeleteForm()
    form.path.choices = _choices(course)
    if not form.validate_on_submit():
        return _course_page(course, 422, delete_form=form)
    path = form.path.data
    if form.confirmed.data != "yes":
        return render_template(
            "staff/workspace/delete.html", course=course, path=path, form=ButtonForm()
        )
    try:
        files.delete_file(course, path, current_user.id)
    except WorkspaceError as error:
        form.path.errors.append(str(error))
        return _course_page(course, 422, delete_form=form)
    flash(f"{path} deleted. Its history keeps every revision: restore it from there.")
    return redirect(url_for(".workspace_course", slug=slug))


@bp.post("/workspace/<slug>/reorder")
@role(*WORKSPACE_ROLES)
def workspace_reorder(slug):
    course = _course_or_404(slug)
    form = ReorderForm()
    if not form.validate_on_submit():
        abort(400)
    path, direction = form.path.data or "", form.direction.data
    kind = paths.kind_of(path)
    ordered = [d.path for d in files.course_files(course).get(kind, [])] if kind else []
    if kind not in ("module", "session") or path not in ordered or direction not in ("up", "down"):
        flash("That file cannot be moved: choose Move up or Move down beside a module or session.")
        return redirect(url_for(".workspace_course", slug=slug))
    index = ordered.index(path)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
        try:
            files.reorder(course, kind, ordered, current_user.id)
        except WorkspaceError as error:
            flash(f"Not moved: {error}.")
        else:
            flash(f"{path} moved {direction}; the files are numbered again in their new order.")
    return redirect(url_for(".workspace_course", slug=slug))


@bp.post("/workspace/<slug>/media")
@role(*WORKSPACE_ROLES)
@accepts_file(images.MAX_BYTES, SMALLER_IMAGE)
def workspace_upload(slug):
    course = _course_or_404(slug)
    form = ImageForm()
    if form.validate_on_submit():
        data, filename = _upload(form.image, images.MAX_BYTES)
        if data is None:
            form.image.errors.append(NO_IMAGE)
        else:
            name = (form.name.data or "").strip() or filename.rsplit("/", 1)[-1].strip().lower()
            try:
                files.add_image(course, name, data, current_user.id)
            except images.ImageRefused as error:
                form.image.errors.append(str(error))
            except WorkspaceError as error:
                show_problems(form, error)
            else:
                flash(
                    f"media/{name} uploaded. Use it in a module as ![what the picture shows]"
                    f"(media/{name}): the alt text goes in the Markdown where it is used."
                )
                return redirect(url_for(".workspace_course", slug=slug))
    return _course_page(course, 422, image_form=form)


@bp.get("/workspace/<slug>/media/<name>")
@role(*WORKSPACE_ROLES)
def workspace_media(slug, name):
    course = _course_or_404(slug)
    draft = files.store.file_at(course, f"{paths.MEDIA_FOLDER}/{name}")
    kind = images.kind_of(draft.content) if draft is not None and not draft.deleted_at else None
    if kind is None:
        abort(404)
    response = send_file(BytesIO(draft.content), mimetype=images.KINDS[kind][0])
    response.headers["X-Content-Type-Options"] = "nosniff"
    # As published media are served (learn.media_file): an SVG's own styles apply, nothing runs.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@bp.get("/workspace/<slug>/export")
@role(*WORKSPACE_ROLES)
def workspace_export(slug):
    course = _course_or_404(slug)
    return send_file(
        BytesIO(archive.export(course)),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{course.slug}.zip",
    )


@bp.post("/workspace/<slug>/import")
@role(*WORKSPACE_ROLES)
@accepts_file(archive.MAX_ZIP_BYTES, SMALLER_ZIP)
def workspace_import(slug):
    course = _course_or_404(slug)
    form = ZipForm()
    problems = []
    if form.validate_on_submit():
        data, _ = _upload(form.archive, archive.MAX_ZIP_BYTES)
        if data is None:
            form.archive.errors.append(NO_ZIP)
        else:
            try:
                archive.import_zip(data, current_user.id, slug=course.slug)
            except archive.ArchiveRefused as error:
                form.archive.errors.append(NOT_CHANGED)
                problems = error.problems
            else:
                flash("The course was updated from the zip: each changed file has a revision.")
                return redirect(url_for(".workspace_course", slug=slug))
    return _course_page(course, 422, zip_form=form, zip_problems=problems)


# -- A file's history --------------------------------------------------------------------------


def diff_rows(text):
    """A unified diff as rows (kind, sign, text): kind "added", "removed", "hunk" or "same"."""
    rows = []
    for line in text.splitlines():
        if line.startswith(("+++", "---")):
            continue
        if line.startswith("@@"):
            rows.append(("hunk", "", line))
        elif line.startswith("+"):
            rows.append(("added", "+", line[1:]))
        elif line.startswith("-"):
            rows.append(("removed", "−", line[1:]))
        else:
            rows.append(("same", "", line[1:]))
    return rows


def _number(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


@bp.route("/workspace/<slug>/history/<path:path>", methods=["GET", "POST"])
@role(*WORKSPACE_ROLES)
def workspace_history(slug, path):
    course = _course_or_404(slug)
    try:
        revisions = history.history(course, path)
    except WorkspaceError:
        abort(404)
    form = RestoreForm()
    problems, status = [], 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        number = _number(form.number.data)
        if number is None or number not in {r.number for r in revisions}:
            problems.append("Choose a revision of this file to restore.")
            status = 422
        elif form.confirmed.data != "yes":
            chosen = next(r for r in revisions if r.number == number)
            return render_template(
                "staff/workspace/restore.html", course=course, path=path, revision=chosen,
                form=ButtonForm(),
            )  # fmt: skip
        else:
            try:
                history.restore(course, path, number, current_user.id)
            except WorkspaceError as error:
                problems.append(str(error))
                status = 422
            else:
                flash(f"Revision {number} of {path} restored as its newest revision.")
                return redirect(url_for(".workspace_history", slug=slug, path=path))
    old, new = _number(request.args.get("old")), _number(request.args.get("new"))
    rows, compared = None, None
    if request.args.get("old") is not None or request.args.get("new") is not None:
        numbers = {r.number for r in revisions}
        if paths.kind_of(path) == "media":
            problems.append("An image has no text to compare: open each revision's image instead.")
            status = 422
        elif old in numbers and new in numbers:
            rows = diff_rows(history.diff(course, path, old, new))
            compared = (old, new)
        else:
            problems.append("Choose two revisions of this file to compare.")
            status = 422
    page = render_template(
        "staff/workspace/history.html",
        course=course,
        path=path,
        editable=paths.kind_of(path) in MARKDOWN_KINDS,
        is_image=paths.kind_of(path) == "media",
        live=revisions and not revisions[0].deleted,
        revisions=revisions,
        rows=rows,
        compared=compared,
        old=old,
        new=new,
        page_problems=[(None, message) for message in problems],
        form=ButtonForm(),
    )
    return page, status
