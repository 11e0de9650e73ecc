"""What reading any course file shares: file names (NN-slug.md), the text checks (size, UTF-8),
front matter against a schema, links and images, and the content hash. The course reader
(loader.py), its module part (module_reading.py) and its live-session part (sessions.py) build on
CourseFileReader."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from urllib.parse import unquote

from . import domains as training_domains
from . import frontmatter, limits, links, render, shape
from .model import Problem
from .render import RENDER_VERSION

MODULE_FILE = re.compile(r"^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
_NUMBERED = re.compile(r"\d+-")  # how a module's or session's file name starts
NOT_READ = (
    "this file is not read: a {kind} file's name ends in '.md' (lowercase); rename it if it is "
    "a {kind}, or move it out of the {where}"
)
MARKDOWN_PATH = (
    "{kind} '{target}' is a file path, which the site does not serve: link a module of this "
    "course by its file name ('04-boundaries.md'), or a page of the site by its address "
    "('/courses/<course>/<module>')"
)
NO_SUCH_ANCHOR = (
    "link '{target}' goes to no heading in {where}, so it leads nowhere when published: {hint} "
    "(a heading's anchor is its words in lowercase, punctuation left out and each space a "
    "hyphen: '## Safety plan' is #safety-plan)"
)
ANCHORS_LISTED = 8  # more than this many anchors are not listed, only the nearest suggested
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_LENGTH = 100  # the size of the slug columns
TITLE_LENGTH = 200  # the size of the title columns
# A course's code of ethics, which trainees sign when certificate: requires: code_of_ethics is set.
ETHICS_FILE = "code-of-ethics.md"


class CourseFileReader:
    """Problems found in one course folder's files, each located by file and line. A subclass
    sets `media` ({name: MediaFile}), `module_names` (what a link may point at) and `domains`
    before reading files that use them."""

    def __init__(self, folder, shown, problems):
        self.folder = folder
        self.shown = shown
        self.problems = problems
        self.failed = False
        # '#anchor' links, checked once every file is read: [(shown, line, target, file, anchor)]
        # with `file` course-relative, and {file: the Markdown published as its page}
        self.anchor_links = []
        self.anchor_texts = {}
        # {media name: [message]} set with `media`, reported at each line that links the file
        self.media_problems = {}
        self.media_linked = set()

    def error(self, path, line, message):
        self.failed = True
        self.problems.append(Problem(path, line, message))

    def warn(self, path, line, message):
        self.problems.append(Problem(path, line, message, warning=True))

    def _read(self, path, shown):
        """The file's text, or None when it cannot be read (each reason reported)."""
        data = path.read_bytes()
        too_big = limits.file_problems(data)
        for line, message in too_big:
            self.error(shown, line, message)
        if too_big:
            return None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            self.error(
                shown, line,
                f"this file is not UTF-8 (byte 0x{data[error.start]:02x}): save it as UTF-8",
            )  # fmt: skip
            return None
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        over = limits.text_problems(text)
        for line, message in over:
            self.error(shown, line, message)
        return None if over else text

    def _front_matter(self, text, shown, make_schema, read_domains=None):
        """`make_schema(domains)` gives the schema; `read_domains(values, shown)`, for course.md,
        first takes the course's domains from the file itself."""
        fm = frontmatter.split(text)
        for line, message in fm.problems:
            self.error(shown, line, message)
        if fm.values is None:
            return None
        if read_domains is not None:
            read_domains(fm.values, shown)
        domains = self.domains or training_domains.named_in(fm.values)
        settings, problems = frontmatter.validate(fm.values, make_schema(domains), 1)
        for line, message in problems:
            self.error(shown, line, message)
        return settings, fm.body, fm.body_line, fm.values

    def _check_links(self, lines, first_line, shown, folder=""):
        """Report links and raw HTML that will not work (and Markdown that will not come out as
        written: shape.py); return the media names used.

        Links are relative to the file's own folder: `folder` is that folder inside the course
        ("sessions" for a session file, so its images are '../media/...')."""
        for line, message in shape.warnings(lines, first_line):
            self.warn(shown, line, message)
        module_names = self.module_names
        used = []
        for kind, line, payload in links.scan(lines, first_line):
            if kind == "html":
                for message in links.html_warnings(payload):
                    self.warn(shown, line, message)
                fragment = links.html_fragment(payload)
                if fragment:
                    self._link_to_own_anchor(shown, line, fragment)
                continue
            target = payload
            if not links.url_allowed(target):
                self.warn(shown, line, f"{kind} '{target}' will be removed when published")
                continue
            if target.startswith("#"):
                if kind == "link" and len(target) > 1:
                    self._link_to_own_anchor(shown, line, target)
                continue
            if links.is_external(target):
                if target.startswith("/") and links.local_path(target)[0].endswith(".md"):
                    # The site serves pages, never course files: this address would be a 404.
                    self.warn(shown, line, MARKDOWN_PATH.format(kind=kind, target=target))
                elif kind == "image" and links.is_remote(target):
                    self.warn(
                        shown, line,
                        f"image '{target}' is on another site: {links.REMOTE_IMAGE_WHY}",
                    )  # fmt: skip
                continue
            path, _ = links.local_path(target)
            if folder and not path.startswith("/"):
                path = links.within_course(folder, path)
            if path.startswith("..") or path.startswith("/"):
                self.error(shown, line, f"{kind} '{target}' leaves the course folder")
            elif path in self.media:
                if path not in used:
                    used.append(path)
                self.media_linked.add(path)
                for is_warning, message in self.media_problems.get(path, ()):
                    (self.warn if is_warning else self.error)(shown, line, message)
            elif kind == "link" and path in module_names:
                fragment = links.local_path(target)[1]
                if fragment:
                    self.anchor_links.append((shown, line, target, path, fragment))
            elif (self.folder / path).exists():
                self.error(
                    shown, line,
                    f"{kind} '{target}': only module files and files in media/ can be linked",
                )  # fmt: skip
            else:
                self.error(shown, line, f"{kind} '{target}' points to a file that is not there")
        return used

    def _link_to_own_anchor(self, shown, line, target):
        """A '#anchor' link to a heading of the file itself, checked once every file is read."""
        own = shown.removeprefix(f"{self.shown}/")
        self.anchor_links.append((shown, line, target, own, target[1:]))

    def _check_anchors(self):
        """Warn of each '#anchor' link that names no heading of the file it points at. A file is
        rendered only when a link names one of its anchors, so most checks render nothing; a file
        that could not be read has its own problems and is not judged."""
        found = {}
        for shown, line, target, name, anchor in self.anchor_links:
            if name not in self.anchor_texts:
                continue
            if name not in found:
                found[name] = render.anchors(self.anchor_texts[name])
            anchors = found[name]
            if unquote(anchor) in anchors:
                continue
            if not anchors:
                hint = "it has no headings"
            elif len(anchors) <= ANCHORS_LISTED:
                hint = "its headings' anchors are " + ", ".join(f"#{a}" for a in anchors)
            else:
                near = difflib.get_close_matches(unquote(anchor), anchors, n=1, cutoff=0.6)
                hint = f"did you mean #{near[0]}?" if near else "check the heading's words"
            where = "this file" if shown == f"{self.shown}/{name}" else name
            self.warn(shown, line, NO_SUCH_ANCHOR.format(target=target, where=where, hint=hint))


def digest(value):
    """The content hash of a course, module or session: its values and the renderer's version."""
    payload = json.dumps({"render": RENDER_VERSION, **value}, sort_keys=True, default=list)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def unread_files(folder):
    """Files in `folder` named like a module or session that the reader skips because the name
    does not end in '.md' ('06-family.MD', '06-family.md.txt'): each is worth a warning, or the
    module would just be missing."""
    return [
        path
        for path in sorted(folder.iterdir())
        if _NUMBERED.match(path.name) and path.suffix != ".md" and path.is_file()
    ]
