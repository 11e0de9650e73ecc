"""Taking a module's quiz, and seeing how an attempt went.

A trainee's answers are never dropped without a word: answers for an attempt already graded
(two tabs), a form that does not match the attempt it claims (Back button), and answers sent
while signed out each get a page that says what happened and what to do, with the answers kept
where they can be.
"""

from functools import wraps

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from ...services.learning import attempts, catalog, learning
from .. import quiz_drafts
from ..access import signed_in
from ..autocommit import autocommit
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


def _keep_unsent_answers(course_slug, module_slug):
    """The answers could not be taken (signed out, or the CSRF check failed): keep them and send
    the trainee to sign in, or straight back to the quiz if they are still signed in."""
    quiz_path = url_for("learn.quiz", course_slug=course_slug, module_slug=module_slug)
    attempt_id = optional_id(request.form.get("attempt_id"))
    quiz_drafts.keep(quiz_path, attempt_id, request.form.get("shown"), _answers(request.form))
    if current_user.is_authenticated:
        return redirect(quiz_path, code=303)
    return redirect(url_for("auth.sign_in", next=quiz_path))


def keeps_answers_when_signed_out(view):
    """Answers sent while signed out are kept through the sign-in, not dropped by a redirect:
    whether the session is gone (the CSRF check fails; web/errors.py calls `on_session_lost`)
    or still there but no longer signed in (ended by sign-out elsewhere, expiry)."""

    @wraps(view)
    def wrapper(course_slug, module_slug):
        if not current_user.is_authenticated:
            return _keep_unsent_answers(course_slug, module_slug)
        return view(course_slug, module_slug)

    wrapper.on_session_lost = _keep_unsent_answers
    return wrapper


@bp.get("/courses/<course_slug>/<module_slug>/quiz")
@signed_in
def quiz(course_slug, module_slug):
    return _quiz_page(course_slug, module_slug, restore=True)


@bp.post("/courses/<course_slug>/<module_slug>/quiz")
@keeps_answers_when_signed_out
@signed_in
def submit_quiz(course_slug, module_slug):
    # The CSRF check has passed here (CSRFProtect runs before every POST view).
    attempt_id = optional_id(request.form.get("attempt_id"))
    if attempt_id is None:
        abort(400)
    answers = _answers(request.form)
    shown = quiz_drafts.read_shown(request.form.get("shown"), attempt_id)
    try:
        if shown is None:
            raise attempts.FormMismatch()
        attempt, certificate = attempts.submit_attempt(
            current_user.id, attempt_id, answers, shown=shown,
            program=current_app.config["LMS_SITE_NAME"],
        )  # fmt: skip
    except LookupError:
        abort(404)
    except attempts.Unanswered as unanswered:
        return _quiz_page(
            course_slug, module_slug, answers=answers, unanswered=set(unanswered.question_ids)
        )
    except attempts.FormMismatch:
        return _quiz_page(course_slug, module_slug, notice="mismatch", status=409)
    except attempts.AlreadySubmitted as already:
        return _quiz_page(
            course_slug,
            module_slug,
            answers=answers,
            notice="already_submitted",
            earlier=already.attempt,
            status=409,
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


def _quiz_page(course_slug, module_slug, answers=None, unanswered=frozenset(), **extra):
    """The quiz (or why it is closed). `notice` says why answers were not graded or were put
    back: already_submitted (with `earlier`), mismatch, restored, not_restored. With `restore`,
    answers kept while the trainee signed in again are ticked, if they fit the open attempt."""
    status = extra.pop("status", 422 if unanswered else 200)
    restore = extra.pop("restore", False)
    try:
        course, version, attempt, questions, chance = attempts.start_attempt(
            current_user.id, course_slug, module_slug
        )
    except catalog.NotFound:
        abort(404)
    except learning.ModuleLocked:
        return redirect(url_for("learn.module", course_slug=course_slug, module_slug=module_slug))
    except (attempts.AttemptsUsedUp, attempts.RetryLater) as closed:
        if restore:
            extra["notice"] = quiz_drafts.take(request.path, None)[0]
        course, version, _ = learning.open_module(current_user.id, course_slug, module_slug)
        return render_template(
            "learn/quiz_closed.html",
            course=course,
            module_slug=module_slug,
            version=version,
            closed=closed,
            attempts=attempts.attempts_for_module(current_user.id, version.module_id),
            **extra,
        ), status
    if restore:
        extra["notice"], answers = quiz_drafts.take(request.path, attempt)
    if extra.get("notice") == "already_submitted" and answers:
        # A module with a pool draws the new attempt's questions afresh: say how many of the
        # answers sent were to questions it does not ask (they cannot be ticked on it).
        asked = {question.id for question in questions}
        extra["not_asked"] = sum(1 for qid, ids in answers.items() if ids and qid not in asked)
    items = [(q, attempts.ordered_choices(attempt, q)) for q in questions]
    page = render_template(
        "learn/quiz.html",
        course=course,
        module_slug=module_slug,
        version=version,
        attempt=attempt,
        shown=quiz_drafts.shown_token(attempt),
        items=items,
        chance=chance,
        form=QuizForm(),
        answers=answers or {},
        unanswered=unanswered,
        **extra,
    )
    # Never kept by the browser (Cache-Control: no-store, as on every signed-in page: web/headers),
    # so Back fetches the attempt open now instead of restoring an old page onto a graded one.
    return page, status


@bp.get("/courses/<course_slug>/<module_slug>/attempts/<int:attempt_id>")
@signed_in
@autocommit
def attempt(course_slug, module_slug, attempt_id):
    try:
        course, modules = catalog.course_by_slug(course_slug)
        module = next(m for m in modules if m.slug == module_slug)
    except (catalog.NotFound, StopIteration):
        abort(404)
    progress = learning.course_progress(current_user.id, course, modules)
    passed = any(s.module.id == module.id and s.state == "passed" for s in progress.modules)
    try:
        attempt, version, reviews, revealed = attempts.attempt_review(
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
        revealed=revealed,
        progress=progress,
        chance=attempts.quiz_chance(current_user.id, version, passed=passed),
        new_certificate=request.args.get("certificate") == "1",
    )
