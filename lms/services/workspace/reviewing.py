"""Asking for a draft course to be published, and the two-person rule: an author (or anyone on
staff who wants a second pair of eyes) asks, staff publish or decline. Where LMS_PUBLISH_REVIEW
applies the rule, a publish needs someone else's open request and a publisher who wrote none of
the changes. Also the fingerprint that stops a publish of a draft that moved on since its
preview was shown."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ... import clock
from ...extensions import db
from ...models import Course, DraftFile, DraftRevision, Module, ModuleVersion, PublishRequest, User
from .. import audit
from ..certification import requirements
from . import checking, store
from .errors import WorkspaceError

NOTE_MAX = 2000  # a note is read by a person before they publish: a few paragraphs at most
NOT_OPEN = "That request is no longer open (published, withdrawn or declined meanwhile)."


class RequestRefused(WorkspaceError):
    """A request to publish (or its withdrawal or decline) that cannot be made."""


class PublishRefused(WorkspaceError):
    """The two-person rule stops this person publishing this course now."""


class DraftChanged(PublishRefused):
    """The draft moved on between the preview the publisher saw and their Publish."""

    def __init__(self):
        super().__init__("The draft changed since you looked: review the changes again")


@dataclass(frozen=True)
class ChangedFile:
    """A file of the draft changed since a request was made, and by whom."""

    path: str
    authors: tuple  # names


# -- What the draft is now ---------------------------------------------------------------------


def live_revisions(course):
    """{path: revision} of the course's files that are not deleted."""
    rows = db.session.execute(
        select(DraftFile.path, DraftFile.revision).where(
            DraftFile.course_id == course.id, DraftFile.deleted_at.is_(None)
        )
    )
    return {path: revision for path, revision in rows}


def fingerprint(revisions):
    """A short token naming exactly these {path: revision}: the Publish form carries the one its
    preview was made from, so a publish of anything else is refused."""
    text = json.dumps(sorted(revisions.items()), separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _revision_rows(course):
    """(file id, number, path then, author id, file's path now) of every revision of the
    course's files, in one query."""
    return db.session.execute(
        select(DraftRevision.file_id, DraftRevision.number, DraftRevision.path,
               DraftRevision.author_id, DraftFile.path)
        .join(DraftFile, DraftFile.id == DraftRevision.file_id)
        .where(DraftFile.course_id == course.id)
    ).all()  # fmt: skip


def _revisions_after(rows, snapshot):
    """[(file's path now, author id)] of the revisions among `rows` (_revision_rows) written
    after `snapshot` ({path: revision} as it was then): a file renamed since is matched by its
    row."""
    then = {file_id: number for file_id, number, path, _, _ in rows if snapshot.get(path) == number}
    return [(now_path, author_id) for file_id, number, _, author_id, now_path in rows
            if number > then.get(file_id, 0)]  # fmt: skip


def writers_since_publish(course):
    """Ids of everyone who wrote a revision of the draft since its last publish (or ever)."""
    rows = _revision_rows(course)
    return {author_id for _, author_id in _revisions_after(rows, course.published or {})}


def changed_since(course, requests):
    """{request id: [ChangedFile]}: for each of the course's `requests`, the draft's files
    changed since it was made, and by whom. Two queries however many requests."""
    rows = _revision_rows(course) if requests else []
    by_request = {}
    for request in requests:
        by_path = {}
        for path, author_id in _revisions_after(rows, request.revisions or {}):
            by_path.setdefault(path, set()).add(author_id)
        by_request[request.id] = by_path
    names = _names({i for by_path in by_request.values() for ids in by_path.values()
                    for i in ids} - {None})  # fmt: skip
    return {
        request_id: [
            ChangedFile(path, tuple(sorted(names.get(i, "someone removed") if i else "unknown"
                                           for i in ids)))
            for path, ids in sorted(by_path.items())
        ]
        for request_id, by_path in by_request.items()
    }  # fmt: skip


def _names(ids):
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


# -- Requests ----------------------------------------------------------------------------------


def open_requests(course=None):
    """Open requests, oldest first (one course's, or every course's), requester and course
    loaded."""
    query = (
        select(PublishRequest)
        .options(joinedload(PublishRequest.course))
        .where(PublishRequest.status == "open")
        .order_by(PublishRequest.requested_at, PublishRequest.id)
    )
    if course is not None:
        query = query.where(PublishRequest.course_id == course.id)
    requests = list(db.session.scalars(query))
    names = _names({r.requested_by_id for r in requests if r.requested_by_id})
    return [RequestShown(r, names.get(r.requested_by_id, "someone removed")) for r in requests]


@dataclass(frozen=True)
class RequestShown:
    """A request with the names a page shows beside it."""

    request: PublishRequest
    requested_by: str
    decided_by: str | None = None


def latest_of(course, user_id):
    """The person's most recent request for the course (any status), or None."""
    request = db.session.scalar(
        select(PublishRequest)
        .where(PublishRequest.course_id == course.id, PublishRequest.requested_by_id == user_id)
        .order_by(PublishRequest.requested_at.desc(), PublishRequest.id.desc())
        .limit(1)
    )
    if request is None:
        return None
    names = _names({request.requested_by_id, request.decided_by_id} - {None})
    return RequestShown(request, names.get(user_id, ""), names.get(request.decided_by_id))


def _own_open(course, user_id):
    return db.session.scalar(
        select(PublishRequest).where(
            PublishRequest.course_id == course.id,
            PublishRequest.requested_by_id == user_id,
            PublishRequest.status == "open",
        )
    )


def request_publishing(course, user_id, note, changes):
    """Ask for the draft course to be published, with a note saying what changed and why.
    `changes` is its publishing.preview(). Refused (RequestRefused, nothing written) when the note
    is empty or too long, the course has errors, nothing changed since the last publish, or the
    person already has an open request for it. Audited; commits."""
    note = (note or "").strip()
    if not note:
        raise RequestRefused({"note": "Say in the note what changed and why: the person who "
                                      "publishes reads it first."})  # fmt: skip
    if len(note) > NOTE_MAX:
        raise RequestRefused(
            {"note": f"Keep the note to {NOTE_MAX} characters or fewer: it has {len(note)}."}
        )
    with store.transaction():
        mine = _own_open(course, user_id)
        if mine is not None:
            raise RequestRefused(
                "You already asked to publish this course: withdraw that request to ask again "
                "with a new note."
            )
        errors = checking.check_course(course).errors
        if errors:
            count = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
            raise RequestRefused(f"The course has {count}: fix them, then ask to publish it.")
        if changes.nothing:
            raise RequestRefused(
                "Nothing changed since the last publish: there is nothing to ask to publish."
            )
        request = PublishRequest(
            course_id=course.id, requested_by_id=user_id, requested_at=clock.now(), note=note,
            revisions=live_revisions(course), status="open",
        )  # fmt: skip
        db.session.add(request)
        db.session.flush()
        audit.record(
            "course.publish_requested",
            f"{course.slug}: publishing requested ({changes.summary()})",
            actor_id=user_id, course=course.slug, request=request.id, note=note[:300],
        )  # fmt: skip
    return request


def withdraw(course, user_id):
    """Withdraw the person's open request for the course. Audited; commits."""
    with store.transaction():
        request = _own_open(course, user_id)
        if request is None:
            raise RequestRefused("You have no open request to publish this course to withdraw.")
        _close(request, "withdrawn", user_id)
        audit.record(
            "course.publish_request_withdrawn", f"{course.slug}: request to publish withdrawn",
            actor_id=user_id, course=course.slug, request=request.id,
        )  # fmt: skip
    return request


def decline(course, request_id, decider_id, reason):
    """Decline an open request for the course, with a reason its author reads. Audited; commits."""
    reason = (reason or "").strip()
    if not reason:
        raise RequestRefused({"reason": "Say why the request is declined: its author reads it "
                                        "to know what to change."})  # fmt: skip
    if len(reason) > NOTE_MAX:
        raise RequestRefused(
            {"reason": f"Keep the reason to {NOTE_MAX} characters or fewer: it has {len(reason)}."}
        )
    with store.transaction():
        request = db.session.get(PublishRequest, request_id)
        if request is None or request.course_id != course.id or request.status != "open":
            raise RequestRefused(NOT_OPEN)
        _close(request, "declined", decider_id, reason)
        audit.record(
            "course.publish_request_declined", f"{course.slug}: request to publish declined",
            actor_id=decider_id, subject_id=request.requested_by_id, course=course.slug,
            request=request.id, reason=reason[:300],
        )  # fmt: skip
    return request


def _close(request, status, decider_id, note=""):
    request.status = status
    request.decided_by_id = decider_id
    request.decided_at = clock.now()
    request.decision_note = note


def close_as_published(course, publisher_id):
    """Close the course's open requests as published, in the caller's transaction (the publish's).
    Returns [RequestShown] of those closed."""
    closing = open_requests(course)
    for shown in closing:
        _close(shown.request, "published", publisher_id)
    db.session.flush()
    return closing


# -- The two-person rule -----------------------------------------------------------------------


def carries_certification_weight(slug, loaded):
    """Does the course (`loaded`, the draft as read; and the course as published now) ask more
    of its certificate than quizzes (requirements.has_requirements: a signed code of ethics,
    practice or training hours, live sessions), have a renewal rule, or grant continuing
    education hours? Every course has a certificate, so these are what give it weight. Both
    sides count, so removing any of them is reviewed too."""
    if loaded is not None and (
        requirements.has_requirements(loaded) or loaded.renewal
        or any(module.ce for module in loaded.modules)
    ):  # fmt: skip
        return True
    live = db.session.scalar(select(Course).where(Course.slug == slug))
    if live is None:
        return False
    if requirements.has_requirements(live) or live.renewal:
        return True
    return (
        db.session.scalar(
            select(ModuleVersion.id)
            .join(Module, Module.id == ModuleVersion.module_id)
            .where(
                Module.course_id == live.id,
                Module.retired_at.is_(None),
                ModuleVersion.number == Module.current_version_number,
                ModuleVersion.ce_minutes.is_not(None),
            )
            .limit(1)
        )
        is not None
    )


def review_applies(mode, course, loaded):
    """Does the two-person rule apply to publishing the draft `course` (`loaded`: its content
    Course, None when it has errors) under LMS_PUBLISH_REVIEW=mode?"""
    return mode == "all" or (
        mode == "certifying" and carries_certification_weight(course.slug, loaded)
    )


def check_publisher(course, publisher_id, mode, loaded):
    """Refuse (PublishRefused) a publish the two-person rule forbids: it needs an open request by
    someone else, and a publisher who wrote no revision since the last publish."""
    if not review_applies(mode, course, loaded):
        return
    why = ("this course carries certification weight" if mode == "certifying"
           else "every course is published by two people here")  # fmt: skip
    writers = writers_since_publish(course)
    if publisher_id in writers:
        others = sorted(_names(writers - {publisher_id, None}).values())
        by = f" (besides you, by {', '.join(others)})" if others else ""
        raise PublishRefused(
            f"You changed this draft since it was last published{by}, and {why}: a member of "
            "staff who wrote none of the changes must publish it. Ask them to review it here."
        )
    requested = {s.request.requested_by_id for s in open_requests(course)} - {publisher_id}
    if not requested:
        raise PublishRefused(
            f"Publishing needs a request from someone else first, as {why}: an author or another "
            "member of staff asks with Request publishing, then a member of staff who wrote none "
            "of the changes publishes it."
        )
