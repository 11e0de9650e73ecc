"""Forms of the course workspace's pages. They only parse: the rules and their messages live in
lms.services.workspace. Each form's field ids are prefixed, as one page shows several forms."""

from flask_wtf.file import FileField
from wtforms import HiddenField, SelectChoice, SelectField, StringField, TextAreaField

from ...services.workspace.archive import MAX_ZIP_BYTES
from ...services.workspace.reviewing import NOTE_MAX
from ..forms import Form
from ..inputs import MEGABYTE


class NewCourseForm(Form):
    slug = StringField(
        "Slug of the new course",
        description="Lowercase letters, digits and hyphens, for example peer-support-foundations. "
        "It is the course's address and the name of its folder.",
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class ZipForm(Form):
    archive = FileField(
        "Zip of the course folder",
        id="zip-archive",
        description="A zip of one course folder laid out as in courses/ (course.md, the modules, "
        f"sessions/ and media/), at most {MAX_ZIP_BYTES // MEGABYTE} MB. Nothing is written unless "
        "the whole course checks clean.",
        render_kw={"accept": ".zip,application/zip"},
    )


class AddFileForm(Form):
    kind = SelectField(
        "What to add",
        choices=[
            SelectChoice("module", "A module"),
            SelectChoice("session", "A live session"),
            SelectChoice("ethics", "The code of ethics"),
        ],
    )
    title = StringField(
        "Title",
        description="The module's or session's title; its file name is made from it. "
        "Not needed for the code of ethics.",
    )


class RenameForm(Form):
    path = SelectField("File to rename", choices=[], id="rename-path")
    new_path = StringField(
        "New path",
        description="For example 03-listening-well.md, sessions/02-role-play.md or "
        "media/circle-of-chairs.png. Links to the file in the course's other files follow it.",
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class DeleteForm(Form):
    path = SelectField("File to delete", choices=[], id="delete-path")
    confirmed = HiddenField()


class ReorderForm(Form):
    path = HiddenField()
    direction = HiddenField()


class ImageForm(Form):
    image = FileField(
        "Image file",
        description=(
            "PNG, JPEG, WebP, GIF or SVG (with no script, and nothing from outside the file), at "
            "most 2 MB."
        ),
        render_kw={"accept": "image/png,image/jpeg,image/webp,image/gif,image/svg+xml"},
    )
    name = StringField(
        "Name in media/ (optional)",
        description="Lowercase letters, digits and hyphens, then the extension, for example "
        "circle-of-chairs.png. Left empty, the file's own name is used.",
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class RestoreForm(Form):
    number = HiddenField()
    confirmed = HiddenField()


class ButtonForm(Form):
    """No fields: a POST-only button still carries the CSRF token."""


class PublishForm(Form):
    """Publish, carrying the fingerprint of the revisions the preview showed."""

    seen = HiddenField()


class RequestPublishForm(Form):
    note = TextAreaField(
        "Note for the person who publishes",
        id="request-note",
        description=f"What changed and why, up to {NOTE_MAX} characters. They read it before "
        "they publish.",
        render_kw={"rows": 4, "maxlength": NOTE_MAX},
    )


class DeclineForm(Form):
    """One a request: made with prefix=f"r{request id}", so that each has its own field ids."""

    reason = TextAreaField(
        "Reason",
        description=f"Why it is not published now, up to {NOTE_MAX} characters. The author "
        "reads it on this page.",
        render_kw={"rows": 3, "maxlength": NOTE_MAX},
    )
