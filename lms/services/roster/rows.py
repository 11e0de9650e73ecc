"""The roster: where each trainee the viewer may see stands, one row per trainee and course.

Who is on it is decided in scope.py.

One row per trainee and course, because status and percent complete only mean something for a
course. A trainee's courses are those of the cohorts they are enrolled in; a trainee whose cohorts
teach no course (or who is in none) gets the courses they have progress or a certificate in; a
trainee with neither gets one row with no course ("Not started"). Filtered by a cohort, the roster
lists that cohort's trainees, one row for each of that cohort's courses. The Cohorts column names
the trainee's cohorts that teach the row's course, or all their cohorts when none does.

Status, first match wins: "revoked", "expired" (the certificate), "expiring" (valid, expiring
within 60 days), "certified", "waiting" (every current module passed and no certificate: a
requirement beyond quizzes is missing, which the row lists in `missing`, or, when none is, the
certificate is about to be issued), "in_progress" (a module opened, or the code of ethics signed),
"not_started". The requirements are those of certification.REQUIREMENTS, checked in bulk.
Percent complete is the share of the course's current (not retired) modules passed.

Every figure comes from eight aggregate queries (GROUP BY trainee and course, in facts.py), however
many trainees there are (one more when a course requires training hours, two more when one requires
live sessions). roster() sorts and filters the whole roster here in Python; the pages and the
CSV (pages.py) sort and filter in SQL (ordering.py, which follows these rules) and build only
the rows they show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .. import program_day
from ..certification import certification
from ..learning import live_requirements, training
from ..logbook import practice
from .facts import roster_facts
from .scope import visible_trainee_ids

# In the order the roster sorts them (the precedence is decided in _status).
STATUSES = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "waiting": "Waiting on requirements",
    "certified": "Certified",
    "expiring": "Expiring within 60 days",
    "expired": "Expired",
    "revoked": "Revoked",
}
_STATUS_ORDER = {status: n for n, status in enumerate(STATUSES)}
EXPIRING_WITHIN = timedelta(days=60)
# The roster's columns, in the order shown: status and progress first, so that they are in view
# on a phone before the table scrolls.
COLUMNS = {
    "name": "Name",
    "course": "Course",
    "status": "Status",
    "percent": "Percent complete",
    "last_activity": "Last activity",
    "quiz_scores": "Quiz scores",
    "certificate": "Certificate",
    "cohorts": "Cohorts",
    "supervisor": "Supervisor",
    "email": "Email",
}


class RosterError(ValueError):
    """A sort column or status the roster does not have."""


@dataclass(frozen=True)
class RosterRow:
    trainee_id: int
    name: str
    email: str
    cohorts: tuple  # ((cohort id, name), ...) by name
    supervisor: str | None
    course_id: int | None
    course: str | None
    status: str  # a key of STATUSES
    missing: tuple  # requirements beyond quizzes not yet met, as phrases
    percent: int
    modules_passed: int
    modules_total: int
    last_activity: datetime | None
    quiz_average: int | None  # the mean of the best scores of the quizzes taken
    quiz_attempts: int
    certificate_code: str | None
    certificate_expires_on: date | None

    @property
    def status_label(self):
        return STATUSES[self.status]

    @property
    def status_text(self):
        if self.status == "waiting" and self.missing:
            return f"{self.status_label} ({'; '.join(self.missing)})"
        return self.status_label

    @property
    def cohort_names(self):
        return ", ".join(name for _, name in self.cohorts)

    @property
    def quiz_text(self):
        if self.quiz_average is None:
            return ""
        attempts = "attempt" if self.quiz_attempts == 1 else "attempts"
        return f"{self.quiz_average}% average, {self.quiz_attempts} {attempts}"

    @property
    def certificate_state(self):
        """How the certificate column words the current certificate's end: "revoked", "expired"
        (its expiry date has come) or "expires"; None with no certificate."""
        if not self.certificate_code:
            return None
        return self.status if self.status in ("revoked", "expired") else "expires"

    def cells(self):
        """The row as the CSV writes it, one text per column of COLUMNS."""
        certificate = ""
        if self.certificate_state == "revoked":
            certificate = f"{self.certificate_code} (revoked)"
        elif self.certificate_state:
            when = self.certificate_expires_on
            certificate = f"{self.certificate_code} ({self.certificate_state} {when})"
        return (
            self.name,
            self.course or "",
            self.status_text,
            f"{self.percent}%",
            # the program's day, as the page shows it (not the UTC date of the moment)
            program_day.day_of(self.last_activity).isoformat() if self.last_activity else "",
            self.quiz_text,
            certificate,
            self.cohort_names,
            self.supervisor or "",
            self.email,
        )


# Each column's sort key in Python: ordering.py states the same order in SQL for the paged
# roster, and the tests hold the two together.
SORT_KEYS = {
    "name": lambda row: row.name.casefold(),
    "email": lambda row: row.email.casefold(),
    "cohorts": lambda row: row.cohort_names.casefold() or None,
    "supervisor": lambda row: row.supervisor.casefold() if row.supervisor else None,
    "course": lambda row: row.course.casefold() if row.course else None,
    "status": lambda row: _STATUS_ORDER[row.status],
    "percent": lambda row: row.percent,
    "last_activity": lambda row: row.last_activity,
    "quiz_scores": lambda row: row.quiz_average,
    "certificate": lambda row: row.certificate_expires_on,
}


# --- the roster ----------------------------------------------------------------------------------


def roster(viewer, cohort_id=None, status=None, sort="name", descending=False, today=None):
    """The rows the viewer may see, filtered and sorted. Raises RosterError for an unknown sort
    column or status."""
    if sort not in SORT_KEYS:
        raise RosterError(f"unknown column {sort!r}")
    if status is not None and status not in STATUSES:
        raise RosterError(f"unknown status {status!r}")
    rows = roster_rows(visible_trainee_ids(viewer, cohort_id), cohort_id, today)
    if status is not None:
        rows = [row for row in rows if row.status == status]
    return sort_rows(rows, sort, descending)


def sort_rows(rows, sort="name", descending=False):
    """Sorted by one column, then name and course; rows with nothing in that column come last
    whichever the direction."""
    rows = sorted(rows, key=_name_then_course)
    key = SORT_KEYS[sort]
    present = [row for row in rows if key(row) is not None]
    absent = [row for row in rows if key(row) is None]
    return sorted(present, key=key, reverse=descending) + absent


def _name_then_course(row):
    return row.name.casefold(), (row.course or "").casefold(), row.trainee_id


def roster_rows(trainee_ids, cohort_id=None, today=None):
    """Unsorted rows for the trainees in the select `trainee_ids`, in at most eight queries."""
    today = today or program_day.today()
    facts = roster_facts(trainee_ids)
    engaged = {}  # trainee id -> ids of the courses they have progress or a certificate in
    for trainee_id, course_id in (*facts.progress, *facts.certificates):
        engaged.setdefault(trainee_id, set()).add(course_id)
    rows = []
    for trainee in facts.trainees:
        cohorts = facts.enrolments.get(trainee[0], [])
        if cohort_id is not None:
            cohorts = [c for c in cohorts if c[0] == cohort_id]
        course_ids = {c[2] for c in cohorts if c[2] is not None}
        if not course_ids and cohort_id is None:
            course_ids = engaged.get(trainee[0], set())
        for course_id in sorted(course_ids, key=lambda c: facts.courses[c].title) or [None]:
            in_cohorts = {(c[0], c[1]) for c in cohorts if c[2] == course_id}
            in_cohorts = sorted(in_cohorts or {(c[0], c[1]) for c in cohorts}, key=_by_name)
            rows.append(_row(trainee, tuple(in_cohorts), course_id, facts, today))
    return rows


def _by_name(cohort):
    return cohort[1].casefold(), cohort[0]


def _row(trainee, cohorts, course_id, facts, today):
    trainee_id, name, email, supervisor = trainee
    key = (trainee_id, course_id)
    course = facts.courses.get(course_id)
    progress = facts.progress.get(key)
    passed, last_activity, average = progress or (0, None, None)
    attempts, last_submitted = facts.attempts.get(key, (0, None))
    certificate, ethics = facts.certificates.get(key), facts.ethics.get(key)
    total = course.modules if course else 0
    moments = [moment for moment in (last_activity, last_submitted) if moment is not None]
    status = _status(certificate, total, passed, progress or ethics is not None, today)
    missing = _missing(course, ethics, facts.minutes.get(trainee_id, {}), facts.trained.get(key))
    if key in facts.sessions:
        missing += tuple(live_requirements.missing_text(course, facts.sessions[key]))
    if status == "waiting" and not missing:
        missing = ("certificate not issued yet",)  # every requirement met: issuing is pending
    return RosterRow(
        trainee_id=trainee_id,
        name=name,
        email=email,
        cohorts=cohorts,
        supervisor=supervisor,
        course_id=course_id,
        course=course.title if course else None,
        status=status,
        missing=missing,
        percent=round(100 * passed / total) if total else 0,
        modules_passed=passed,
        modules_total=total,
        last_activity=max(moments) if moments else None,
        quiz_average=round(float(average)) if average is not None else None,
        quiz_attempts=attempts,
        certificate_code=certificate.code if certificate else None,
        certificate_expires_on=certificate.expires_on if certificate else None,
    )


def _status(certificate, total, passed, started, today):
    """The row's status; `started` is truthy when a module was opened or the ethics signed."""
    if certificate is not None:
        state = certification.certificate_status(certificate, today)
        if state != "valid":
            return state  # "revoked" or "expired"
        return "expiring" if certificate.expires_on - today <= EXPIRING_WITHIN else "certified"
    if total and passed >= total:
        return "waiting"
    return "in_progress" if started else "not_started"


def _missing(course, ethics, minutes_by_kind, trained):
    """What the course's certificate asks beyond quizzes that the trainee has not done: the same
    rules as certification.REQUIREMENTS (current_ethics_signed, practice_hours_approved,
    training_hours_met; required_sessions_attended is added by the caller), here
    applied to facts fetched for every trainee at once."""
    if course is None:
        return ()
    missing = []
    if course.ethics_hash and not ethics:  # ethics: None (never signed), 0 (an older text), 1
        missing.append(
            "code of ethics not signed" if ethics is None else "code of ethics to sign again"
        )
    for short in certification.hours_shortfalls(course, minutes_by_kind):
        # The course file's own key, short enough for a roster cell: "supervised", "work", ...
        name = short.column.removesuffix("_hours")
        missing.append(
            f"{practice.hours_text(short.approved_minutes)} of {short.required_hours} {name} "
            "hours approved"
        )
    if course.training_hours:
        rows = training.progress(course, trained or {})
        short = training.missing_text(rows)
        if short:
            missing.append(short)
    return tuple(missing)
