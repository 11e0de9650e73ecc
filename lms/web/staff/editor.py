"""The course workspace's editor: one Markdown file of a draft course in a text area with line
numbers, its Save, Check, Preview and New question buttons (all working without JavaScript), the
conflict page when someone saved the file meanwhile, and the JSON endpoint that static/js/editor.js
calls to check and preview as the author types. Whatever the button, the page comes back with the
text that was sent: nothing typed is lost."""

from flask import abort, jsonify, render_template, request, url_for
from flask_login import current_user

from ...content.limits import MAX_FILE_BYTES
from ...content.quiz import split_lesson
from ...services.workspace import files, paths, previewing
from ...services.workspace.errors import Conflict, WorkspaceError
from ..access import WORKSPACE_ROLES, role
from ..forms import show_problems
from ..inputs import MAX_TEXT, storable, text_problem
from .blueprint import bp
from .editor_forms import EditorForm

ACTIONS = ("save", "check", "preview", "question")
EDITABLE = ("course", "ethics", "module", "session")


@bp.route("/workspace/<slug>/edit/<path:path>", methods=["GET", "POST"])
@role(*WORKSPACE_ROLES)
def workspace_edit(slug, path):
    course = _course(slug)
    if paths.kind_of(path) not in EDITABLE:
        abort(404)
    form = EditorForm()
    form.text.label.text = f"Markdown source of {path}"
    # A POST works on the text sent even when the file was deleted or renamed meanwhile: Save
    # then says so (the conflict page, or where to look), Check and Preview still answer.
    if request.method == "GET":
        try:
            saved_text, saved_revision = files.open_file(course, path)
        except WorkspaceError:
            abort(404)
        form.text.data = saved_text
        form.revision.data = str(saved_revision)
        return _page(course, path, form, line=request.args.get("line", type=int))
    action = request.form.get("action")
    if not form.validate_on_submit() or action not in ACTIONS:
        if action not in ACTIONS:
            form.form_errors.append(
                "Press one of the buttons: Save, Check, Preview or New question"
            )
        return _page(course, path, form), 422
    # A browser joins a textarea's lines with CRLF; the course's files use LF, so that a save
    # changes only the lines the author changed (in the history and the publish page's diffs).
    text = (form.text.data or "").replace("\r\n", "\n")
    form.text.data = text
    if action == "question":
        skeleton = files.question_skeleton(text)
        form.text.data = text.rstrip("\n") + "\n\n" + skeleton
        note = "A new question was added at the end of the text. It is not saved yet."
        return _page(course, path, form, note=note)
    if action == "save":
        return _save(course, path, form, text)
    too_big = _size_problem(text)
    if too_big:
        form.text.errors.append(too_big)
        return _page(course, path, form), 422
    typed = _typed(course, path, text)
    return _page(course, path, form, typed=typed, shown=action)


def _keep_typed_text(slug, path):
    """The form's CSRF check failed (the page was open too long, or the session ended): nothing
    is done, but the text sent comes back. Those who may use the workspace get the editor again
    with a fresh token; anyone else only their own text, to copy before signing in (nothing of
    the draft is shown)."""
    sent = storable(request.form.get("text", ""), MAX_TEXT)
    # called from an error handler, where abort() would escape as an exception: no 404 here
    course = None
    allowed = current_user.is_authenticated and current_user.has_role(*WORKSPACE_ROLES)
    if allowed and paths.kind_of(path) in EDITABLE:
        try:
            course = files.course_named(slug)
        except WorkspaceError:
            course = None
    if course is not None:
        form = EditorForm(formdata=None)
        form.text.label.text = f"Markdown source of {path}"
        form.text.data = sent
        form.revision.data = storable(request.form.get("revision", ""))
        note = ("This page was open too long, so nothing was done. Your text is below, as you "
                "sent it: press the button again.")  # fmt: skip
        return _page(course, path, form, note=note), 400
    return render_template("staff/workspace/text_kept.html", text=sent), 400


workspace_edit.on_session_lost = _keep_typed_text


def _save(course, path, form, text):
    base = _revision(form.revision.data)
    if base is None:
        form.form_errors.append("This page lost the revision it was opened at: copy your text, "
                                "then open the file again")  # fmt: skip
        return _page(course, path, form), 422
    try:
        draft = files.save_text(course, path, text, base, current_user.id)
    except Conflict as conflict:
        return render_template(
            "staff/workspace/conflict.html", course=course, path=path, conflict=conflict,
            form=_merge_form(path, conflict), my_lines=len(_lines(conflict.mine)),
            their_lines=len(_lines(conflict.theirs.text or "")),
        ), 409  # fmt: skip
    except WorkspaceError as error:
        show_problems(form, error)
        return _page(course, path, form), 422
    form.revision.data = str(draft.revision)
    return _page(course, path, form, note=f"Saved {path} as revision {draft.revision}.")


@bp.post("/workspace/<slug>/live")
@role(*WORKSPACE_ROLES)
def workspace_live(slug):
    course = _course(slug)
    path = request.form.get("path", "")
    text = request.form.get("text")
    if paths.kind_of(path) not in EDITABLE or text is None:
        return jsonify(message="send the file's path and its text"), 422
    too_big = _size_problem(text)
    if too_big:
        return jsonify(message=too_big), 413
    problem = text_problem(text, MAX_FILE_BYTES)
    if problem:
        return jsonify(message=problem), 422
    typed = _typed(course, path, text)
    return jsonify(
        problems=[
            {"line": p.line, "message": p.message, "warning": p.warning} for p in typed.problems
        ],
        preview_html=render_template(
            "staff/workspace/_preview.html", typed=typed, path=path, course=course
        ),
        messages_html=render_template(
            "staff/workspace/_messages.html", typed=typed, groups=_grouped(typed.problems, text)
        ),
        question_skeleton=files.question_skeleton(text),
    )


def _course(slug):
    try:
        return files.course_named(slug)
    except WorkspaceError:
        abort(404)


def _typed(course, path, text):
    slug = course.slug
    return previewing.typed(
        course,
        path,
        text,
        file_link=lambda target: url_for("staff.workspace_edit", slug=slug, path=target),
        media_link=lambda name: url_for("staff.workspace_media", slug=slug, name=name),
    )


def _size_problem(text):
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        return (
            f"this text is {size:,} bytes; a file's limit is {MAX_FILE_BYTES:,}: split it into "
            "two modules"
        )
    return None


def _revision(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def _merge_form(path, conflict):
    form = EditorForm(formdata=None)
    form.text.label.text = f"Your text of {path}, to merge"
    form.text.data = conflict.mine
    form.revision.data = str(conflict.theirs.revision)
    return form


def _grouped(problems, text):
    """The problems in order of line, those inside a quiz question grouped under its heading:
    ([problems before the first question], [(line, heading, [problems])])."""
    lines = text.replace("\r\n", "\n").split("\n")
    _, quiz = split_lesson("\n".join(lines))
    headings = []
    if quiz is not None:
        headings = [
            (number, line[4:].strip())
            for number, line in enumerate(lines, start=1)
            if number > quiz + 1 and line.startswith("### ")
        ]
    ordered = sorted(problems, key=lambda p: (p.line or 0, p.warning))
    general, questions = [], [(number, heading, []) for number, heading in headings]
    for problem in ordered:
        owner = None
        for index, (number, _) in enumerate(headings):
            if problem.line and problem.line >= number:
                owner = index
        if owner is None:
            general.append(problem)
        else:
            questions[owner][2].append(problem)
    return general, [group for group in questions if group[2]]


def _lines(text):
    """The lines of `text` as the gutter numbers them (and editor.js counts them)."""
    return text.replace("\r\n", "\n").split("\n")


def _page(course, path, form, typed=None, shown=None, note=None, line=None):
    text = form.text.data or ""
    lines = _lines(text)
    pointed = lines[line - 1] if line and 0 < line <= len(lines) else None
    return render_template(
        "staff/workspace/edit.html",
        course=course,
        path=path,
        form=form,
        typed=typed,
        shown=shown,
        groups=_grouped(typed.problems, text) if typed else None,
        note=note,
        line=line if pointed is not None else None,
        pointed=pointed,
        line_count=len(lines),
        is_module=paths.kind_of(path) == "module",
    )
