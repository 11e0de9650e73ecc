"""Taking a module's quiz, and seeing how an attempt went."""

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from ...services import catalog, learning
from ..access import signed_in
from ..forms import Form
from ..inputs import optional_id
from .blueprint import bp


class QuizForm(Form):
    """Carries the CSRF token; the answers are read from the request by question id."""


def _answers(form_data):
    """{question id: [choice ids]} from fields named q<question id>; what is not an id is not an
    answer (the question then counts as unanswered and the page says so)."""
    answers = {}
    for key in form_data:
        question_id = optional_id(key[1:]) if key.startswith("q") else None
        if question_id is not None:
            ids = [optional_id(v) for v in form_data.getlist(key)]
            answers[question_id] = [choice_id for choice_id in ids if choice_id is not None]
    return answers


@bp.get("/courses/<course_slug>/<module_slug>/quiz")
@signed_in
def quiz(course_slug, module_slug):
    return _quiz_page(course_slug, module_slug)


@bp.post("/courses/<course_slug>/<module_slug>/quiz")
@signed_in
def submit_quiz(course_slug, module_slug):
    form = QuizForm()
    if not form.validate_on_submit():
        abort(400)
    attempt_id = optional_id(request.form.get("attempt_id"))
    if attempt_id is None:
        abort(400)
    answers = _answers(request.form)
    try:
        attempt, certificate = learning.submit_attempt(current_user.id, attempt_id, answers)
    except LookupError:
        abort(404)
    except learning.Unanswered as unanswered:
        return _quiz_page(
            course_slug, module_slug, answers=answers, unanswered=set(unanswered.question_ids)
        )
    except learning.LearningError:
        return redirect(url_for("learn.quiz", course_slug=course_slug, module_slug=module_slug))
    return redirect(
        url_for(
            "learn.attempt",
            course_slug=course_slug,
            module_slug=module_slug,
            attempt_id=attempt.id,
            certificate=1 if certificate else None,
        ),
        code=303,
    )


def _quiz_page(course_slug, module_slug, answers=None, unanswered=frozenset()):
    try:
        course, version, attempt, questions, chance = learning.start_attempt(
            current_user.id, course_slug, module_slug
        )
    except catalog.NotFound:
        abort(404)
    except learning.ModuleLocked:
        return redirect(url_for("learn.module", course_slug=course_slug, module_slug=module_slug))
    except (learning.AttemptsUsedUp, learning.RetryLater) as closed:
        course, version, _ = learning.open_module(current_user.id, course_slug, module_slug)
        return render_template(
            "learn/quiz_closed.html",
            course=course,
            module_slug=module_slug,
            version=version,
            closed=closed,
            attempts=learning.attempts_for_module(current_user.id, version.module_id),
        ), 200
    items = [(q, learning.ordered_choices(attempt, q)) for q in questions]
    status = 422 if unanswered else 200
    return render_template(
        "learn/quiz.html",
        course=course,
        module_slug=module_slug,
        version=version,
        attempt=attempt,
        items=items,
        chance=chance,
        form=QuizForm(),
        answers=answers or {},
        unanswered=unanswered,
    ), status


@bp.get("/courses/<course_slug>/<module_slug>/attempts/<int:attempt_id>")
@signed_in
def attempt(course_slug, module_slug, attempt_id):
    try:
        course, modules = catalog.course_by_slug(course_slug)
        module = next(m for m in modules if m.slug == module_slug)
    except (catalog.NotFound, StopIteration):
        abort(404)
    progress = learning.course_progress(current_user.id, course, modules)
    passed = any(s.module.id == module.id and s.state == "passed" for s in progress.modules)
    try:
        attempt, version, reviews, show_explanations = learning.attempt_review(
            current_user.id, attempt_id, passed_module=passed
        )
    except LookupError:
        abort(404)
    if version.module_id != module.id:
        abort(404)
    return render_template(
        "learn/attempt.html",
        course=course,
        version=version,
        module_slug=module_slug,
        attempt=attempt,
        reviews=reviews,
        show_explanations=show_explanations,
        progress=progress,
        chance=learning.quiz_chance(current_user.id, version, passed=passed),
        new_certificate=request.args.get("certificate") == "1",
    )
