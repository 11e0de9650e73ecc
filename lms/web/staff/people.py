"""Staff pages for people: find an account; see its roles (changed only by admins), its
supervisor with the history of reassignments, and its cohorts."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...services.people import people
from .. import paging
from ..access import role
from ..auth.staff import ROLE_LABELS
from ..downloads import csv_stream, dated_name
from ..forms import show_problems
from .blueprint import bp
from .forms import PeopleSearchForm, ReassignForm, RolesForm


def _search():
    """(form, the search, whether the form took it): a refused search (its message is shown)
    finds everyone."""
    form = PeopleSearchForm(request.args)
    valid = form.validate()
    return form, (form.q.data or "").strip() if valid else "", valid


@bp.get("/people")
@role("staff", "admin")
def people_list():
    form, search, valid = _search()
    found = paging.fetch(lambda cursor, per: people.find_people(search, cursor, per))
    links = paging.links(
        found.page, ".people_list", {"q": search}, ("account", "accounts"), count=found.total,
        label="People pages",
    )  # fmt: skip
    page = render_template(
        "staff/people.html", form=form, found=found, links=links, labels=ROLE_LABELS
    )
    return page, 200 if valid else 422


@bp.get("/people.csv")
@role("staff", "admin")
def people_csv():
    _, search, _ = _search()
    return csv_stream(
        people.CSV_HEADER, people.people_csv_rows(search), dated_name("people", "csv")
    )


@bp.route("/people/<int:user_id>", methods=["GET", "POST"])
@role("staff", "admin")
def person_page(user_id):
    try:
        person = people.person(user_id)
    except people.NoSuchPerson:
        abort(404)
    roles_form, reassign_form = RolesForm(formdata=None), ReassignForm(formdata=None)
    changed = request.form.get("change") if request.method == "POST" else None
    if changed == "roles":
        roles_form = RolesForm()
        if not roles_form.validate_on_submit():
            abort(400)
        try:
            people.set_roles(current_user.id, person.user.id, roles_form.roles.data)
        except people.AdminsOnly:
            abort(403)
        except people.PeopleError as error:
            show_problems(roles_form, error)
        else:
            flash(f"The roles of {person.user.name} are saved.")
            return redirect(url_for(".person_page", user_id=person.user.id))
    elif changed == "supervisor":
        reassign_form = ReassignForm()
        if not reassign_form.validate_on_submit():
            abort(400)
        before, name = person.supervisor, person.user.name
        try:
            assignment = people.reassign(
                person.user.id, reassign_form.supervisor_id.data, current_user.id
            )
        except people.PeopleError as error:
            show_problems(reassign_form, error)
        else:
            chosen = assignment.supervisor.name
            if before is None:
                flash(f"{name} is now supervised by {chosen}.")
            elif before.id == assignment.supervisor_id:
                flash(f"{chosen} already supervises {name}: nothing changed.")
            else:
                flash(
                    f"{name} is now supervised by {chosen}. {before.name}, their supervisor "
                    "until now, is kept in the history."
                )
            return redirect(url_for(".person_page", user_id=person.user.id))
    elif request.method == "POST":
        abort(400)
    roles_form.roles.choices = list(ROLE_LABELS.items())
    if changed != "roles":
        roles_form.roles.data = list(person.roles)
    supervisors = [s for s in people.supervisors() if s.id != person.user.id]
    reassign_form.supervisor_id.choices = [(s.id, f"{s.name} ({s.email})") for s in supervisors]
    if changed != "supervisor" and person.supervisor is not None:
        reassign_form.supervisor_id.data = person.supervisor.id
    page = render_template(
        "staff/person.html",
        person=person,
        roles_form=roles_form,
        reassign_form=reassign_form,
        can_edit_roles=current_user.has_role("admin"),
        labels=ROLE_LABELS,
    )
    return page, 422 if changed else 200
