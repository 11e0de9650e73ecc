"""What the editor shows beside a file as it is typed: the checker's problems and the file rendered
as trainees (or, for a live session, facilitators) will see it, both from one reading of the
unsaved text. Rendering is the authors' preview's (services.authoring.authoring), so it matches a
publish."""

from __future__ import annotations

from dataclasses import dataclass

from ...content.render import render_block
from ..authoring import authoring
from ..authoring.course_links import link_resolver
from . import checking, paths


@dataclass(frozen=True)
class FilePreview:
    kind: str  # "module", "session", "course" or "ethics"
    module: object = None  # authoring.ModulePreview
    session: object = None  # authoring.SessionPreview
    title: str = ""  # course and ethics: the course's title
    html: str = ""  # course: its overview; ethics: the code of ethics


@dataclass(frozen=True)
class TypedFile:
    problems: list  # content Problems of this file, located "<slug>/<path>"
    preview: FilePreview | None  # None while the course cannot be read (it has errors)
    elsewhere: tuple = ()  # (path, line, message) of errors in the course's other files


def typed(course, path, text, file_link, media_link):
    """Check and render the unsaved `text` of the draft `course`'s file `path`. Links between
    the course's files become `file_link(path)`, images `media_link(name in media/)`."""
    result = checking.check_typed(course, path, text)
    loaded = result.course
    if loaded is None:
        prefix = course.slug + "/"
        elsewhere = tuple(
            (p.path.removeprefix(prefix), p.line, p.message) for p in result.elsewhere
        )
        return TypedFile(result.problems, None, elsewhere)
    module_paths = {m.slug: m.file_name for m in loaded.modules}
    course_link = file_link(paths.COURSE_FILE)

    def resolve_media(item):
        return media_link(item.name.removeprefix(paths.MEDIA_FOLDER + "/"))

    def module_link(slug):
        return file_link(module_paths[slug])

    kind = paths.kind_of(path)
    shown = None
    try:
        if kind == "module":
            slug = paths.number_and_slug(path)[1]
            module = authoring.module_preview(loaded, slug, resolve_media, course_link, module_link)
            shown = FilePreview(kind, module=module)
        elif kind == "session":
            slug = paths.number_and_slug(path)[1]
            session = authoring.session_preview_of(
                loaded, slug, resolve_media, course_link, module_link
            )
            shown = FilePreview(kind, session=session)
    except authoring.NotFound:
        shown = None
    if kind in ("course", "ethics"):
        resolve = link_resolver(
            loaded, media_link=resolve_media, course_link=course_link, module_link=module_link
        )
        markdown = loaded.overview if kind == "course" else loaded.ethics or ""
        shown = FilePreview(kind, title=loaded.title, html=render_block(markdown, resolve))
    return TypedFile(result.problems, shown)
