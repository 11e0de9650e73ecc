"""Publishing a course's live sessions (LiveSession and LiveSessionVersion rows) inside the course
sync's transaction (services.authoring.publishing), versioned by content hash as modules are."""

from __future__ import annotations

from sqlalchemy import func, select

from ...content.render import render_block
from ...content.sessions import SESSIONS_FOLDER
from ...extensions import db
from ...models import LiveSession, LiveSessionVersion
from .course_links import link_resolver

# A facilitator guide is shown on staff and facilitator pages three segments deep (such as
# /staff/meetings/<id>), the depth of a module page, so MEDIA_LINK (services.authoring.media)
# works there too; its links to modules lead to the modules' pages.
GUIDE_MODULE_LINK = "../../courses/{course}/{module}"


def publish_sessions(source, course, now, report):
    """Live sessions, versioned by content hash exactly as modules are."""
    existing = {
        s.slug: s
        for s in db.session.scalars(select(LiveSession).where(LiveSession.course_id == course.id))
    }
    if not existing and not source.sessions:
        return
    known_versions = {
        (session_id, content_hash): number
        for session_id, content_hash, number in db.session.execute(
            select(
                LiveSessionVersion.live_session_id,
                LiveSessionVersion.content_hash,
                LiveSessionVersion.number,
            )
            .join(LiveSession)
            .where(LiveSession.course_id == course.id)
        )
    }
    latest = dict(
        db.session.execute(
            select(LiveSessionVersion.live_session_id, func.max(LiveSessionVersion.number))
            .join(LiveSession)
            .where(LiveSession.course_id == course.id)
            .group_by(LiveSessionVersion.live_session_id)
        ).all()
    )
    resolve = link_resolver(
        source,
        folder=SESSIONS_FOLDER,
        course_link=GUIDE_MODULE_LINK.format(course=source.slug, module=""),
        module_link=lambda slug: GUIDE_MODULE_LINK.format(course=source.slug, module=slug),
    )
    for position, source_session in enumerate(source.sessions, start=1):
        session = existing.pop(source_session.slug, None)
        if session is None:
            session = LiveSession(course_id=course.id, slug=source_session.slug,
                                  position=position, current_version_number=0)  # fmt: skip
            db.session.add(session)
            db.session.flush()
        session.position = position
        session.retired_at = None
        number = known_versions.get((session.id, source_session.content_hash))
        if number is None:
            number = latest.get(session.id, 0) + 1
            db.session.add(
                LiveSessionVersion(
                    live_session_id=session.id,
                    number=number,
                    content_hash=source_session.content_hash,
                    title=source_session.title,
                    minutes=source_session.minutes,
                    domain=source_session.domain,
                    domain_minutes=dict(source_session.domain_minutes),
                    objectives=list(source_session.objectives),
                    requires=list(source_session.requires),
                    guide_html=render_block(source_session.guide, resolve),
                    skills=list(source_session.skills),
                )
            )
            report.session_versions_added.append(f"{source.slug}/{source_session.slug} v{number}")
        elif number == session.current_version_number:
            report.sessions_unchanged += 1
        session.current_version_number = number
    for session in existing.values():
        if session.retired_at is None:
            session.retired_at = now
            report.sessions_retired.append(f"{source.slug}/{session.slug}")
