"""Links in rendered course content: an author's relative link made into a page's URL, by one
rule that publishing and every preview share."""

from __future__ import annotations

from ...content import links
from ...content.render import anchor_href
from .media import published_media_link


def link_resolver(
    source, media_link=published_media_link, course_link="./", module_link=None, folder=""
):
    """Turn an author's relative link into a module page's relative URL.

    Links to other modules become `module_link(slug)` (by default the slug: a sibling of the
    module page), a link to course.md becomes `course_link`, each with its '#anchor' made the id
    render.py gives that heading, and a media file becomes `media_link(item)`. Publishing and
    the authors' preview both use this, so a link works the same in both. `folder` is where the
    file sits inside the course ("sessions" for a live session), as its links are relative to it.
    """
    module_slugs = {m.file_name: m.slug for m in source.modules}
    media_names = {m.name: m for m in source.media}
    module_link = module_link or (lambda slug: slug)

    def resolve(target):
        if links.is_external(target) or not links.url_allowed(target):
            return None
        path, fragment = links.local_path(target)
        if folder:
            path = links.within_course(folder, path)
        suffix = anchor_href(fragment) if fragment else ""  # the id the heading is given
        if path == "course.md":
            return course_link + suffix
        if path in module_slugs:
            return module_link(module_slugs[path]) + suffix
        if path in media_names:
            return media_link(media_names[path])
        return None

    return resolve
