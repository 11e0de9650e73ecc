"""Training hours by domain: what a trainee's passed modules and attended live sessions add up
to in each of a course's domains, against the training hours its certificate requires.

A passed module counts once, with the minutes and domains of the version the trainee first passed
(a later version with other minutes changes nothing already earned; passing it again adds nothing);
a pass with no attempt on record (none is made that way today) counts the current version.
A retired module the trainee passed still counts: the training was done.

A live session counts the minutes the trainee attended it (present: the meeting's length;
partial: the minutes recorded; absent: none; a cancelled meeting: none), split across the domains
of the version the meeting was pinned to in proportion to that version's domain minutes, by
largest remainder so that the parts add up exactly to the minutes attended. A correction of
attendance changes the count, as it is read from the attendance as it stands.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, bindparam, func, select
from sqlalchemy.orm import aliased

from ...content.domains import DEFAULT_DOMAINS, hours_text
from ...content.domains import label as domain_label
from ...extensions import db
from ...models import (
    Attendance,
    Course,
    LiveSession,
    LiveSessionVersion,
    Meeting,
    Module,
    ModuleProgress,
    ModuleVersion,
    QuizAttempt,
)
from ..plain_rows import plain_rows

TOTAL = "total"
__all__ = ["DomainProgress", "domain_label", "hours_text", "progress", "progress_for"]


@dataclass(frozen=True)
class DomainProgress:
    domain: str  # a domain slug, or "total"
    minutes: int  # done
    required_hours: int | None  # None: the certificate asks for no hours here

    @property
    def label(self):
        return "Total" if self.domain == TOTAL else domain_label(self.domain)

    @property
    def hours(self):
        return hours_text(self.minutes)

    @property
    def met(self):
        return self.required_hours is None or self.minutes >= self.required_hours * 60

    @property
    def percent(self):
        """How full the bar is, 0 to 100 (a domain nothing is required in shows no bar)."""
        if not self.required_hours:
            return None
        return min(100, self.minutes * 100 // (self.required_hours * 60))

    @property
    def text(self):
        if self.required_hours is None:
            return f"{self.hours} hours"
        unit = "hour" if self.required_hours == 1 else "hours"
        return f"{self.hours} of {self.required_hours} {unit}"


def domains_of(course):
    return tuple(course.domains or DEFAULT_DOMAINS)


# The two queries below run on every course page and dashboard: built once, with the users and
# courses bound per call, so that SQLAlchemy's compiled-statement cache serves them (building
# them, aliases and all, cost more than running them).
_USERS, _COURSES = bindparam("user_ids", expanding=True), bindparam("course_ids", expanding=True)


def _passed_splits_query(users, courses):
    first_pass = (
        select(
            QuizAttempt.user_id,
            QuizAttempt.module_id,
            func.min(QuizAttempt.id).label("attempt_id"),
        )
        .where(QuizAttempt.user_id.in_(users), QuizAttempt.passed.is_(True))
        .group_by(QuizAttempt.user_id, QuizAttempt.module_id)
        .subquery()
    )
    first_attempt = aliased(QuizAttempt)
    passed_version, current_version = aliased(ModuleVersion), aliased(ModuleVersion)
    return (
        select(
            ModuleProgress.user_id,
            Module.course_id,
            passed_version.domain_minutes,
            current_version.domain_minutes,
        )
        .join(Module, Module.id == ModuleProgress.module_id)
        .join(
            current_version,
            and_(
                current_version.module_id == Module.id,
                current_version.number == Module.current_version_number,
            ),
        )
        .outerjoin(
            first_pass,
            and_(
                first_pass.c.user_id == ModuleProgress.user_id,
                first_pass.c.module_id == Module.id,
            ),
        )
        .outerjoin(first_attempt, first_attempt.id == first_pass.c.attempt_id)
        .outerjoin(passed_version, passed_version.id == first_attempt.module_version_id)
        .where(
            ModuleProgress.user_id.in_(users),
            ModuleProgress.passed_at.is_not(None),
            Module.course_id.in_(courses),
        )
    )


_PASSED_SPLITS = _passed_splits_query(_USERS, _COURSES)


def bind_ids(query_for, prebuilt, user_ids, course_ids):
    """(statement, values) to execute: `prebuilt` (query_for(user_ids, course_ids) built once
    with expanding bind parameters "user_ids" and "course_ids") with lists of ids bound to it;
    for ids given as a select (a roster's trainees), the statement built around that select."""
    if isinstance(user_ids, Select) or isinstance(course_ids, Select):
        return query_for(user_ids, course_ids), {}
    return prebuilt, {"user_ids": list(user_ids), "course_ids": list(course_ids)}


def _passed_splits(user_ids, course_ids):
    """(user id, course id, split of the version first passed, split of the current version) for
    every passed module: the current version stands in for a pass no attempt records."""
    return plain_rows(*bind_ids(_passed_splits_query, _PASSED_SPLITS, user_ids, course_ids)).all()


def split_minutes(minutes, domain_minutes, main_domain=None):
    """`minutes` shared across the domains of `domain_minutes` ({domain: planned minutes}) in
    proportion, as whole minutes that add up exactly to `minutes`: each domain gets the whole part
    of its share, and the minutes left over go one each to the largest remainders (the earlier
    domain first on a tie). With no planned minutes, all go to `main_domain`."""
    planned = {domain: share for domain, share in (domain_minutes or {}).items() if share > 0}
    total = sum(planned.values())
    if not total:
        return {main_domain: minutes} if main_domain and minutes else {}
    parts = {domain: minutes * share // total for domain, share in planned.items()}
    left = minutes - sum(parts.values())
    order = sorted(planned, key=lambda d: -(minutes * planned[d] % total))
    for domain in order[:left]:
        parts[domain] += 1
    return {domain: part for domain, part in parts.items() if part}


ATTENDED = ("present", "partial")


def attendance_that_counts(*columns):
    """select(*columns) over the attendance that counts toward hours and requirements: present
    or partial, at a meeting that was not cancelled; joined to the Meeting, its LiveSession and
    the LiveSessionVersion the meeting was pinned to. The one place that says which attendance
    counts, for training hours, required sessions and the transcript."""
    return (
        select(*columns)
        .select_from(Attendance)
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .join(LiveSession, LiveSession.id == Meeting.live_session_id)
        .join(LiveSessionVersion, LiveSessionVersion.id == Meeting.version_id)
        .where(Meeting.cancelled_at.is_(None), Attendance.status.in_(ATTENDED))
    )


def _attendance_query(users, courses):
    return attendance_that_counts(
        Attendance.user_id,
        LiveSession.course_id,
        LiveSession.slug,
        Attendance.status,
        Attendance.minutes,
        Meeting.minutes.label("meeting_minutes"),
        LiveSessionVersion.domain_minutes,
        LiveSessionVersion.domain,
        Attendance.skills,
        Meeting.starts_at,
        LiveSessionVersion.skills.label("version_skills"),
    ).where(Attendance.user_id.in_(users), LiveSession.course_id.in_(courses))


_ATTENDANCE = _attendance_query(_USERS, _COURSES)


def attendance(user_ids, course_ids):
    """The attendance that counts of these trainees in these courses, in no order, with what
    training hours (minutes and the version's domains) and the live-session
    requirements (slug, status, skills: live_requirements) each take from it. Read once where a
    page needs both, and handed to each as `attended`; `user_ids` may be a select."""
    if isinstance(course_ids, list | tuple) and not course_ids:
        return []
    return plain_rows(*bind_ids(_attendance_query, _ATTENDANCE, user_ids, course_ids)).all()


def minutes_attended(status, minutes, meeting_minutes):
    """Present: the meeting's length; partial: the minutes recorded, at most its length."""
    return meeting_minutes if status == "present" else min(minutes, meeting_minutes)


def _attended_minutes(rows):
    """(user id, course id, minutes attended, version's domain minutes, version's domain) for
    each of attendance()'s rows."""
    for row in rows:
        minutes = minutes_attended(row.status, row.minutes, row.meeting_minutes)
        yield row.user_id, row.course_id, minutes, row.domain_minutes, row.domain


def minutes_by_domain_for(user_ids, course_ids, attended=None):
    """{(user id, course id): {domain: minutes}} of passed modules and attended live sessions
    together, in two queries however many users (one when `attended`, attendance() of the same
    trainees and at least these courses, was read already)."""
    wanted = None  # the courses attendance rows are kept for (a select's come from the query)
    if not isinstance(course_ids, Select):
        course_ids = list(course_ids)
        wanted = set(course_ids)
    if attended is None:
        attended = attendance(user_ids, course_ids)
    totals = {}
    for user_id, course_id, passed, current in _passed_splits(user_ids, course_ids):
        sums = totals.setdefault((user_id, course_id), {})
        for domain, minutes in (passed if passed is not None else current or {}).items():
            sums[domain] = sums.get(domain, 0) + minutes
    for user_id, course_id, minutes, domain_minutes, domain in _attended_minutes(attended):
        if wanted is not None and course_id not in wanted:
            continue
        sums = totals.setdefault((user_id, course_id), {})
        for part_domain, part in split_minutes(minutes, domain_minutes, domain).items():
            sums[part_domain] = sums.get(part_domain, 0) + part
    return totals


def minutes_by_domain(user_id, course_ids, attended=None):
    """{course id: {domain: minutes}} of the trainee's passed modules and attended sessions
    (`attended`: as minutes_by_domain_for)."""
    course_ids = list(course_ids)
    if not course_ids:
        return {}
    found = minutes_by_domain_for([user_id], course_ids, attended)
    return {course_id: found.get((user_id, course_id), {}) for course_id in course_ids}


def progress(course, minutes):
    """[DomainProgress] for each of the course's domains, then the total, from `minutes`
    ({domain: minutes}, as minutes_by_domain gives it)."""
    required = course.training_hours or {}
    rows = [
        DomainProgress(domain, minutes.get(domain, 0), required.get(domain))
        for domain in domains_of(course)
    ]
    rows.append(DomainProgress(TOTAL, sum(minutes.values()), required.get(TOTAL)))
    return rows


def progress_for(user_id, courses, attended=None):
    """{course id: [DomainProgress]} for these courses, in two queries however many (one with
    `attended`, the trainee's attendance() in at least these courses)."""
    courses = list(courses)
    minutes = minutes_by_domain(user_id, [c.id for c in courses], attended)
    return {course.id: progress(course, minutes.get(course.id, {})) for course in courses}


def training_hours_met(user_id, course_id):
    """The course requires no training hours, or the trainee's passed modules and attended
    sessions add up to them."""
    course = db.session.get(Course, course_id)
    if not course.training_hours:
        return True
    rows = progress(course, minutes_by_domain(user_id, [course_id])[course_id])
    return all(row.met for row in rows)


def missing_text(rows):
    """What is still short, in words: 'training hours: advocacy 4 of 10, total 30 of 46'."""
    short = [row for row in rows if not row.met]
    if not short:
        return None
    return "training hours: " + ", ".join(
        f"{row.label.lower()} {row.hours} of {row.required_hours}" for row in short
    )
