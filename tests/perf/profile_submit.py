"""Deterministic cost of a quiz submission (POST .../quiz), for when wall clocks are noisy.

Not part of the test run. Run it as a script from the project root:

    python tests/perf/profile_submit.py                 # calls, statements, CPU ms a submission
    python tests/perf/profile_submit.py --top 25        # also the 25 functions with most own time
    python tests/perf/profile_submit.py --database-url postgresql+psycopg://postgres@127.0.0.1/postgres

A temporary SQLite file (or, with --database-url, a throwaway database on that PostgreSQL
server, dropped at the end) gets the schema (create_all), the bundled courses and one trainee
signed in through a session row. Each case is a Foundations quiz (7 questions drawn from a pool)
answered one way, --repeat times: the quiz page opens the attempt and the trainee's rows are put
back as the case needs between submissions, neither of which is measured. For each case:
function calls a submission (cProfile; the figure to compare, since it does not move with the
machine's load), SQL statements a submission, and server CPU ms a submission (process time of
the test client's request without the profiler, the median of --rounds rounds of --repeat).

    fail        wrong answers (the wait after two failures is kept away by removing the attempts)
    first pass  right answers on a module not yet passed (the certificate is then checked)
    pass again  right answers on a module already passed (checked again, as every pass does)
"""

import argparse
import cProfile
import pstats
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # this checkout's lms and tests, not an installed copy
sys.path.insert(0, str(ROOT / "tests" / "perf"))

import lms  # noqa: E402

ATTEMPT = re.compile(r'name="attempt_id" value="(\d+)"')
SHOWN = re.compile(r'name="shown" value="([^"]+)"')
CHOICE = re.compile(r'<input type="(?:radio|checkbox)" name="q(\d+)" value="(\d+)"')
CASES = ("fail", "first pass", "pass again")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds; the median is shown")
    parser.add_argument("--top", type=int, default=0)
    parser.add_argument(
        "--sort", default="tottime", help="cProfile order for --top: tottime, cumulative"
    )
    parser.add_argument("--database-url", help="a PostgreSQL server to make a throwaway DB on")
    args = parser.parse_args()
    print(f"lms from {Path(lms.__file__).parent}")

    from databases import throwaway_database

    with (
        tempfile.TemporaryDirectory() as folder,
        throwaway_database(args.database_url, Path(folder) / "profile.db") as url,
    ):
        profile(args, url, folder)


def profile(args, url, folder):
    from sqlalchemy import delete, select, update

    from lms.extensions import db
    from lms.models import Choice, ModuleProgress, QuizAttempt
    from lms.services.authoring.publishing import sync_courses
    from lms.services.learning import catalog
    from lms.services.people import accounts
    from tests.conftest import csrf_token, sign_in_as
    from tests.statements import recorded_statements

    app = lms.create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "profile",
            "LMS_COURSES_DIR": str(ROOT / "courses"),
            "LMS_QUEUE_FILE": f"{folder}/huey.db",
            "LMS_REDIS_URL": "",
        }
    )
    with app.app_context():
        db.create_all()
        sync_courses(ROOT / "courses")
        user_id = accounts.ensure_user("t@example.org", "T", ["trainee"], "a-long-passphrase").id
        course, modules = catalog.course_by_slug("peer-support-foundations")
        module = modules[0]
        correct = set(db.session.scalars(select(Choice.id).where(Choice.is_correct)))
        db.session.remove()
    client = sign_in_as(app.test_client(), user_id)
    path = f"/courses/{course.slug}/{module.slug}/quiz"

    def reset(case):
        """The trainee's rows as the case starts from: no attempts (no wait), passed or not."""
        with app.app_context():
            db.session.execute(delete(QuizAttempt).where(QuizAttempt.user_id == user_id))
            passed_at = None if case != "pass again" else db.func.coalesce(
                ModuleProgress.passed_at, ModuleProgress.started_at
            )  # fmt: skip
            db.session.execute(
                update(ModuleProgress)
                .where(ModuleProgress.user_id == user_id)
                .values(passed_at=passed_at)
            )
            db.session.commit()

    def form_for(case):
        html = client.get(path).get_data(as_text=True)
        form = {
            "csrf_token": csrf_token(html),
            "attempt_id": ATTEMPT.search(html).group(1),
            "shown": SHOWN.search(html).group(1),
        }
        choices = {}
        for question, choice in CHOICE.findall(html):
            choices.setdefault(f"q{question}", []).append(int(choice))
        for field, ids in choices.items():
            right = [str(choice) for choice in ids if choice in correct]
            wrong = [str(choice) for choice in ids if choice not in correct]
            form[field] = wrong[:1] if case == "fail" else right
        return form

    def submit(form):
        response = client.post(path, data=form)
        assert response.status_code == 303, (response.status_code, response.get_data()[:500])

    client.get(path)  # warm the worker's caches: catalog, templates
    print(f"{'case':<12} {'calls':>8} {'statements':>11} {'CPU ms (median of rounds)':>27}")
    for case in CASES:
        reset(case)
        submit(form_for(case))  # warm this case's path
        profiler, statements = cProfile.Profile(), []
        for _ in range(args.repeat):
            reset(case)
            form = form_for(case)
            with recorded_statements(app) as recorded:
                profiler.enable()
                submit(form)
                profiler.disable()
            statements.append(len(recorded))
        stats = pstats.Stats(profiler)
        rounds = []
        for _ in range(args.rounds):
            spent = 0.0
            for _ in range(args.repeat):
                reset(case)
                form = form_for(case)
                started = time.process_time()
                submit(form)
                spent += time.process_time() - started
            rounds.append(1000 * spent / args.repeat)
        counts = sorted(set(statements))
        shown = "/".join(str(count) for count in counts)
        cpu = f"{statistics.median(rounds):.2f} ({min(rounds):.2f}-{max(rounds):.2f})"
        print(f"{case:<12} {stats.total_calls / args.repeat:>8.0f} {shown:>11} {cpu:>27}")
        if args.top:
            stats.sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
