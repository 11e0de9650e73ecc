"""Cohorts of trainees taking courses together: creating them, listing their members with their
supervisors, and enrolling people one by one or removing them. Importing a whole cohort from a CSV
file lives in cohort_import, on top of the same checks and writes (check_rows, enrol_rows).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import and_, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from ...extensions import db
from ...models import Cohort, Course, Enrolment, SupervisorAssignment, User
from .. import audit, keyset
from ..errors import FieldErrors
from . import accounts, people, supervision

MAX_COHORT_NAME_LENGTH = 200

# What enrolling a row will do to its account.
NEW = "new account"
EXISTING = "existing account"
ALREADY = "already in cohort"


class CohortError(FieldErrors):
    """A cohort or an enrolment that cannot be made."""


class NoSuchCohort(LookupError):
    """No cohort has that id."""


class NotAMember(LookupError):
    """That account is not enrolled in that cohort."""


@dataclass(frozen=True)
class CohortSummary:
    id: int
    name: str
    starts_on: date
    ends_on: date | None
    course_titles: tuple[str, ...]
    member_count: int


@dataclass(frozen=True)
class Member:
    user_id: int
    name: str
    email: str
    enrolled_at: datetime
    supervisor_id: int | None
    supervisor_name: str | None
    supervisor_email: str | None


@dataclass(frozen=True)
class CohortDetail:
    cohort: Cohort
    members: tuple[Member, ...]  # one page of them
    page: keyset.Page  # of Members
    total: int  # members, counted up to keyset.COUNT_CAP + 1


@dataclass(frozen=True)
class RowCheck:
    """One person to enrol, as checked against the cohort and the accounts: `problems` holds
    (field, message) pairs, the message written to follow "line 4: "."""

    line: int
    name: str
    email: str
    supervisor_email: str
    status: str | None  # NEW, EXISTING or ALREADY; None when the email cannot be used
    problems: tuple[tuple[str | None, str], ...] = ()

    @property
    def errors(self):
        return tuple(f"line {self.line}: {message}" for _, message in self.problems)


def create_cohort(name, starts_on, ends_on, course_ids):
    """A new cohort taking these published courses. Commits."""
    name = (name or "").strip()
    course_ids = {int(course_id) for course_id in course_ids or ()}
    problems = {}
    if not name:
        problems["name"] = "Enter a name for the cohort, for example “Spring 2027, Leeds”."
    elif len(name) > MAX_COHORT_NAME_LENGTH:
        problems["name"] = f"Shorten the name to {MAX_COHORT_NAME_LENGTH} characters or fewer."
    elif _name_taken(name):
        problems["name"] = f"A cohort called “{name}” already exists. Choose another name."
    if starts_on is None:
        problems["starts_on"] = "Enter the date the cohort starts."
    elif ends_on is not None and ends_on < starts_on:
        problems["ends_on"] = "The end date is before the start date. Enter a later end date."
    courses = []
    if course_ids:
        courses = list(
            db.session.scalars(
                select(Course).where(Course.id.in_(course_ids), Course.retired_at.is_(None))
            )
        )
    if not course_ids:
        problems["course_ids"] = "Choose at least one published course."
    elif len(courses) != len(course_ids):
        problems["course_ids"] = "A course you chose is no longer published. Choose again."
    if problems:
        raise CohortError(problems)
    cohort = Cohort(name=name, starts_on=starts_on, ends_on=ends_on, courses=courses)
    db.session.add(cohort)
    try:
        db.session.commit()
    except IntegrityError:  # another cohort took the name a moment ago
        db.session.rollback()
        raise CohortError(
            {"name": f"A cohort called “{name}” already exists. Choose another name."}
        ) from None
    return cohort


def _name_taken(name):
    return db.session.scalar(
        select(func.count()).select_from(Cohort).where(func.lower(Cohort.name) == name.lower())
    )


def cohorts():
    """Every cohort, newest start first, with its courses and how many are enrolled: 3 queries."""
    counts = dict(
        db.session.execute(
            select(Enrolment.cohort_id, func.count()).group_by(Enrolment.cohort_id)
        ).all()
    )
    query = (
        select(Cohort)
        .options(selectinload(Cohort.courses))
        .order_by(Cohort.starts_on.desc(), Cohort.name)
    )
    return [
        CohortSummary(
            id=cohort.id,
            name=cohort.name,
            starts_on=cohort.starts_on,
            ends_on=cohort.ends_on,
            course_titles=tuple(course.title for course in cohort.courses),
            member_count=counts.get(cohort.id, 0),
        )
        for cohort in db.session.scalars(query)
    ]


def cohort(cohort_id):
    """The cohort with this id; NoSuchCohort if there is none."""
    found = db.session.get(Cohort, cohort_id, options=[selectinload(Cohort.courses)])
    if found is None:
        raise NoSuchCohort(cohort_id)
    return found


# The members list, a page at a time: by name, then account.
MEMBER_ORDER = keyset.Order(((func.lower(User.name), False), (User.id, False)))


def cohort_detail(cohort_id, cursor=None, per=keyset.PER_PAGE):
    """The cohort, its courses, and a page of its members (by name, from `cursor`, a
    keyset.Cursor) with their current supervisor: 4 queries, however many members. Raises
    NoSuchCohort, and keyset.BadCursor for a cursor that does not fit."""
    found = cohort(cohort_id)
    supervisor = aliased(User)
    query = (
        select(
            User.id,
            User.name,
            User.email,
            Enrolment.enrolled_at,
            supervisor.id,
            supervisor.name,
            supervisor.email,
        )
        .join(Enrolment, Enrolment.user_id == User.id)
        .outerjoin(
            SupervisorAssignment,
            and_(
                SupervisorAssignment.trainee_id == User.id,
                SupervisorAssignment.ended_at.is_(None),
            ),
        )
        .outerjoin(supervisor, supervisor.id == SupervisorAssignment.supervisor_id)
        .where(Enrolment.cohort_id == found.id)
    )
    page = keyset.page_of(query, MEMBER_ORDER, cursor, per)
    members = tuple(Member(*row) for row in page.rows)
    return CohortDetail(
        cohort=found,
        members=members,
        page=replace(page, rows=list(members)),
        total=keyset.capped_count(query),
    )


def check_rows(cohort_id, rows):
    """Check people to enrol against the cohort and the accounts, in 3 queries however many.

    `rows` holds (line, name, email, supervisor email) as typed. Returns the RowChecks and the
    accounts met, by email.
    """
    rows = [
        (line, (name or "").strip(), (email or "").strip(), (supervisor or "").strip())
        for line, name, email, supervisor in rows
    ]
    emails = {accounts.normalise_email(email) for _, _, email, _ in rows}
    emails |= {accounts.normalise_email(sup) for _, _, _, sup in rows if sup}
    emails.discard("")
    known = {}
    if emails:
        known = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    enrolled = set()
    if known:
        enrolled = set(
            db.session.scalars(
                select(Enrolment.user_id).where(
                    Enrolment.cohort_id == cohort_id,
                    Enrolment.user_id.in_([u.id for u in known.values()]),
                )
            )
        )
    lines_by_email = {}
    for line, _, email, _ in rows:
        lines_by_email.setdefault(accounts.normalise_email(email), []).append(line)
    checks = [_check_row(row, known, enrolled, lines_by_email) for row in rows]
    return checks, known


def _check_row(row, known, enrolled, lines_by_email):
    line, name, typed_email, typed_supervisor = row
    email = accounts.normalise_email(typed_email)
    problems = []
    status = None
    if not email:
        problems.append(("email", "the email address is missing"))
    elif not accounts.looks_like_email(email):
        problems.append(("email", f"'{typed_email}' is not an email address"))
    else:
        others = [other for other in lines_by_email[email] if other != line]
        if others:
            times = "twice" if len(others) == 1 else f"{len(others) + 1} times"
            where = "line" if len(others) == 1 else "lines"
            problems.append(("email", f"{email} appears {times} (also on {where} {_and(others)})"))
        user = known.get(email)
        if user is not None and user.erased_at is not None:
            problems.append(("email", f"the account for {email} was erased: it cannot be enrolled"))
        if user is None:
            status = NEW
            if not name:
                problems.append(("name", f"a name is needed to create an account for {email}"))
            elif len(name) > accounts.MAX_NAME_LENGTH:
                problems.append(
                    ("name", f"the name is longer than {accounts.MAX_NAME_LENGTH} characters")
                )
        else:
            status = ALREADY if user.id in enrolled else EXISTING
    if typed_supervisor:
        problems.extend(_supervisor_problems(typed_supervisor, email, known))
    return RowCheck(
        line, name, email or typed_email, typed_supervisor.lower(), status, tuple(problems)
    )


def _supervisor_problems(typed, trainee_email, known):
    supervisor = known.get(accounts.normalise_email(typed))
    if supervisor is None or supervisor.erased_at is not None:
        return [("supervisor_email", f"no supervisor has the email '{typed}'")]
    if not supervisor.has_role("supervisor"):
        return [
            (
                "supervisor_email",
                f"{supervisor.email} is not a supervisor: give that account the supervisor "
                "role first",
            )
        ]
    if supervisor.email == trainee_email:
        return [("supervisor_email", f"{trainee_email} cannot be their own supervisor")]
    return []


def _and(items):
    items = [str(item) for item in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def enrol_rows(cohort_id, rows, known, actor):
    """Enrol checked rows (status NEW or EXISTING) in the current transaction, written together:
    make the new accounts, make existing ones trainees if they are not, enrol everyone, then
    assign each named supervisor. `known` holds the accounts met by check_rows, by email.
    Returns the accounts, in order."""
    actor_id = actor.id if actor else None
    newcomers = [(row.email, row.name) for row in rows if row.email not in known]
    for user in accounts.add_accounts_without_password(newcomers, ["trainee"], granted_by=actor):
        known[user.email] = user
    users = [known[row.email] for row in rows]
    for user in users:
        people.give_role(user, "trainee", actor_id)
    db.session.add_all(Enrolment(cohort_id=cohort_id, user_id=user.id) for user in users)
    db.session.flush()
    supervised = [
        (user.id, known[row.supervisor_email].id)
        for row, user in zip(rows, users, strict=True)
        if row.supervisor_email
    ]
    supervision.assign_supervisors(supervised, assigned_by_id=actor_id)
    return users


def enrol(cohort_id, email, name=None, supervisor_email=None, actor_id=None):
    """Enrol one person: an existing account by its email, or a new trainee account (then a name
    is needed; nobody can sign in to it until staff make its owner a reset link). Optionally
    assign their supervisor. Returns (account, whether it was created). Commits."""
    found = cohort(cohort_id)
    checks, known = check_rows(found.id, [(1, name, email, supervisor_email)])
    row = checks[0]
    problems = {}
    for field, message in row.problems:
        problems.setdefault(field, _sentence(message))
    if row.status == ALREADY:
        problems.setdefault("email", f"{row.email} is already in this cohort.")
    if problems:
        raise CohortError(problems)
    actor = db.session.get(User, actor_id) if actor_id else None
    try:
        [user] = enrol_rows(found.id, [row], known, actor)
        db.session.commit()
    except IntegrityError:  # enrolled by someone else a moment ago
        db.session.rollback()
        raise CohortError({"email": f"{row.email} is already in this cohort."}) from None
    except (accounts.AccountError, supervision.SupervisionError) as error:
        db.session.rollback()
        raise CohortError({None: _sentence(str(error))}) from None
    return user, row.status == NEW


def _sentence(message):
    """A row message ("no supervisor has…") as a sentence for a form ("No supervisor has….")."""
    message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else message + "."


def remove(cohort_id, user_id):
    """Take this person out of the cohort (their account, records and supervisor stay). Commits.
    Returns their account; raises NotAMember."""
    result = db.session.execute(
        delete(Enrolment).where(Enrolment.cohort_id == cohort_id, Enrolment.user_id == user_id)
    )
    if result.rowcount == 0:
        db.session.rollback()
        raise NotAMember(user_id)
    db.session.commit()
    return db.session.get(User, user_id)


def set_email_certificates(cohort_id, on, actor_id):
    """Turn on or off emailing each new certificate of the cohort's trainees to its holder.
    Audited when it changes; True if it changed. Commits. Raises NoSuchCohort."""
    found = cohort(cohort_id)
    if found.email_certificates == bool(on):
        return False
    found.email_certificates = bool(on)
    audit.record(
        "cohort.emails_changed",
        f"Certificate emails turned {'on' if on else 'off'} for cohort “{found.name}”",
        actor_id=actor_id,
        cohort_id=found.id,
        email_certificates=bool(on),
    )
    db.session.commit()
    return True
