"""People, as staff see them: finding accounts, one account's roles, supervisor (with its history)
and cohorts; changing roles (admins only, audited) and reassigning a trainee's supervisor."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from ...extensions import db
from ...models import ROLES, Cohort, Enrolment, SupervisorAssignment, User, UserRole
from .. import audit, keyset
from ..errors import FieldErrors
from . import supervision


class PeopleError(FieldErrors):
    """A change to an account that cannot be made."""


class AdminsOnly(PeopleError):
    """Only an admin may do this."""


class NoSuchPerson(LookupError):
    """No account has that id."""


@dataclass(frozen=True)
class PersonSummary:
    id: int
    name: str
    email: str
    roles: tuple[str, ...]
    supervisor_name: str | None
    erased: bool


@dataclass(frozen=True)
class PeoplePage:
    people: tuple[PersonSummary, ...]
    search: str
    total: int  # counted up to keyset.COUNT_CAP + 1
    page: keyset.Page


@dataclass(frozen=True)
class PersonDetail:
    user: User
    roles: tuple[str, ...]
    supervisor: User | None
    history: tuple[SupervisorAssignment, ...]  # newest first, the current one included
    cohorts: tuple[Cohort, ...]
    trainee_count: int  # trainees they supervise now


def in_role_order(roles):
    return tuple(role for role in ROLES if role in set(roles))


ORDER = keyset.Order(((func.lower(User.name), False), (User.id, False)))
CSV_HEADER = ("Name", "Email", "Roles", "Supervisor", "Erased")


def _people_query(search):
    """Accounts whose name or email contains `search` (all when empty), with their current
    supervisor's name: (id, name, email, erased at, supervisor name)."""
    supervisor = aliased(User)
    query = select(User.id, User.name, User.email, User.erased_at, supervisor.name)
    query = query.outerjoin(
        SupervisorAssignment,
        and_(SupervisorAssignment.trainee_id == User.id, SupervisorAssignment.ended_at.is_(None)),
    ).outerjoin(supervisor, supervisor.id == SupervisorAssignment.supervisor_id)
    if search:
        query = query.where(
            or_(
                User.name.icontains(search, autoescape=True),
                User.email.icontains(search, autoescape=True),
            )
        )
    return query


def find_people(search="", cursor=None, per=keyset.PER_PAGE):
    """One page of the accounts whose name or email contains `search` (all when empty), by name,
    from `cursor` (a keyset.Cursor; None for the first page), each with their roles and current
    supervisor, and how many match (counted up to keyset.COUNT_CAP + 1): 3 queries."""
    search = (search or "").strip()
    query = _people_query(search)
    total = keyset.capped_count(query)
    page = keyset.page_of(query, ORDER, cursor, per)
    roles = _roles_of([row[0] for row in page.rows])
    people = tuple(
        PersonSummary(
            id=user_id,
            name=name,
            email=email,
            roles=in_role_order(roles.get(user_id, ())),
            supervisor_name=supervisor_name,
            erased=erased_at is not None,
        )
        for user_id, name, email, erased_at, supervisor_name in page.rows
    )
    return PeoplePage(people=people, search=search, total=total, page=page)


def _roles_of(ids):
    roles = {}
    if ids:
        query = select(UserRole.user_id, UserRole.role).where(UserRole.user_id.in_(ids))
        for user_id, role_name in db.session.execute(query):
            roles.setdefault(user_id, []).append(role_name)
    return roles


def people_csv_rows(search=""):
    """Every account the search finds, by name, as CSV cells (CSV_HEADER), read a batch at a time
    (a role query per batch) so that any number of accounts streams."""
    batch = []
    for row in keyset.stream(_people_query((search or "").strip()), ORDER):
        batch.append(row)
        if len(batch) == keyset.CSV_BATCH:
            yield from _people_cells(batch)
            batch = []
    yield from _people_cells(batch)


def _people_cells(rows):
    roles = _roles_of([row[0] for row in rows])
    for user_id, name, email, erased_at, supervisor_name in rows:
        listed = ", ".join(in_role_order(roles.get(user_id, ())))
        yield (name, email, listed, supervisor_name or "", "yes" if erased_at else "")


def _user(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        raise NoSuchPerson(user_id)
    return user


def person(user_id):
    """One account with its roles, supervisor, supervisor history and cohorts."""
    user = _user(user_id)
    history = tuple(supervision.assignment_history(user.id))
    current = next((a for a in history if a.ended_at is None), None)
    cohorts = tuple(
        db.session.scalars(
            select(Cohort)
            .join(Enrolment, Enrolment.cohort_id == Cohort.id)
            .where(Enrolment.user_id == user.id)
            .order_by(Cohort.starts_on, Cohort.name)
        )
    )
    return PersonDetail(
        user=user,
        roles=in_role_order(user.role_names),
        supervisor=current.supervisor if current else None,
        history=history,
        cohorts=cohorts,
        trainee_count=_trainee_count(user.id),
    )


def _trainee_count(supervisor_id):
    return db.session.scalar(
        select(func.count()).select_from(
            supervision.supervised_trainee_ids(supervisor_id).subquery()
        )
    )


def supervisors():
    """Every account that can supervise (holds the supervisor role, not erased), by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                exists().where(UserRole.user_id == User.id, UserRole.role == "supervisor"),
                User.erased_at.is_(None),
            )
            .order_by(func.lower(User.name), User.id)
        )
    )


def set_roles(admin_id, user_id, roles):
    """Give this account exactly these roles. Only an admin may; an admin cannot take away their
    own admin role, and a supervisor keeps that role while trainees are assigned to them.
    Audited as "role.changed" with the roles before and after. Commits."""
    admin = db.session.get(User, admin_id) if admin_id is not None else None
    if admin is None or not admin.has_role("admin"):
        raise AdminsOnly("Only an admin can change roles.")
    user = _user(user_id)
    wanted = list(dict.fromkeys(roles or ()))
    unknown = [role for role in wanted if role not in ROLES]
    if not wanted:
        raise PeopleError({"roles": "Choose at least one role."})
    if unknown:
        raise PeopleError(
            {"roles": f"There is no role {unknown[0]!r}: use one of {', '.join(ROLES)}."}
        )
    if user.erased_at is not None:
        raise PeopleError("This account was erased: its roles cannot change.")
    if user.id == admin.id and "admin" not in wanted:
        raise PeopleError(
            {
                "roles": "You cannot remove your own admin role. "
                "If it must go, ask another admin to do it."
            }
        )
    if "supervisor" in user.role_names and "supervisor" not in wanted:
        count = _trainee_count(user.id)
        if count:
            trainees = "1 trainee" if count == 1 else f"{count} trainees"
            raise PeopleError(
                {
                    "roles": f"{user.name} supervises {trainees}. Give them another supervisor "
                    "first, then remove the supervisor role."
                }
            )
    _change_roles(user, wanted, admin.id)
    db.session.commit()
    return user


def give_role(user, role, actor_id):
    """Add one role to the account in the current transaction (the caller commits), audited; used
    when enrolling an account in a cohort makes it a trainee. Nothing happens if it has the role."""
    if role not in user.role_names:
        _change_roles(user, [*user.role_names, role], actor_id)


def _change_roles(user, wanted, actor_id):
    before, after = in_role_order(user.role_names), in_role_order(wanted)
    if before == after:
        return
    user.roles = [r for r in user.roles if r.role in after]
    user.roles.extend(UserRole(role=role) for role in after if role not in before)
    audit.record(
        "role.changed",
        f"Roles changed from {_listed(before)} to {_listed(after)}",
        actor_id=actor_id,
        subject_id=user.id,
        before=list(before),
        after=list(after),
    )


def _listed(roles):
    return ", ".join(roles) if roles else "none"


def reassign(trainee_id, supervisor_id, actor_id):
    """Make `supervisor_id` the trainee's supervisor; the previous assignment is kept as history.
    Commits."""
    trainee = _user(trainee_id)
    if not trainee.has_role("trainee"):
        raise PeopleError(
            {"supervisor_id": f"{trainee.name} is not a trainee, so cannot have a supervisor."}
        )
    try:
        return supervision.assign_supervisor(trainee.id, supervisor_id, assigned_by_id=actor_id)
    except supervision.SupervisionError as error:
        db.session.rollback()
        message = str(error)
        raise PeopleError({"supervisor_id": message[:1].upper() + message[1:] + "."}) from None
