"""Erasing a trainee (admins only): a confirmation page that asks for the word ERASE."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ...services.people import erasure, privacy
from ..access import role
from .blueprint import bp
from .erasure_forms import EraseForm


@bp.route("/people/<int:user_id>/erase", methods=["GET", "POST"])
@role("admin")
def erase_person(user_id):
    try:
        person, refusal = erasure.account_to_erase(current_user.id, user_id)
    except privacy.NotFound:
        abort(404)
    form = EraseForm()
    if refusal is None and form.validate_on_submit():
        try:
            erasure.erase_trainee(current_user.id, user_id)
        except erasure.ErasureRefused as error:
            form.form_errors.append(str(error))
        else:
            flash(
                f"Account #{user_id} is erased. Its certificates still verify by their code, "
                "without the holder's name."
            )
            return redirect(url_for(".home"))
    return render_template("staff/erase.html", person=person, refusal=refusal, form=form)
