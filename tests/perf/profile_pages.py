"""Deterministic cost of the trainee pages and of starting a worker, for when wall clocks are noisy.

Not part of the test run. Run it as a script from the project root:

    python tests/perf/profile_pages.py              # calls per request, modules loaded, RSS
    python tests/perf/profile_pages.py --top 25     # also the 25 functions with most own time
    python tests/perf/profile_pages.py --page course --top 40 --sort cumulative
    python tests/perf/profile_pages.py --course peer-support-continuing-education

A temporary SQLite file gets the schema (create_all), the bundled courses and one trainee signed
in through a session row. Each page is fetched once to warm the worker's caches, then profiled
over --repeat requests with cProfile: the total function calls a request is the figure to
compare, since it does not move with the machine's load (the CPU ms a request beside it, measured
without the profiler, does). The course pages are --course's (by default Foundations, the bundled
course with the most modules and requirements), the module page its first module. The first
lines are measured before the app is built: modules that `import lms` loads, and this process's
resident memory after create_app and the first page.
"""

import argparse
import cProfile
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # this checkout's lms and tests, not an installed copy
started = time.perf_counter()
import lms  # noqa: E402

imported = time.perf_counter()
MODULES_AT_IMPORT = len(sys.modules)

PAGES = {
    "module": "/courses/{course}/{module}",
    "course": "/courses/{course}/",
    "dashboard": "/dashboard",
}


def rss_mb():
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE).group(1)) / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--top", type=int, default=0)
    parser.add_argument(
        "--sort", default="tottime", help="cProfile order for --top: tottime, cumulative"
    )
    parser.add_argument(
        "--course", default="peer-support-foundations", help="slug of the bundled course to read"
    )
    parser.add_argument(
        "--page",
        action="append",
        choices=PAGES,
        help="only these pages (repeatable); all by default",
    )
    args = parser.parse_args()

    from lms.extensions import db
    from lms.services.authoring.publishing import sync_courses
    from lms.services.learning import catalog
    from lms.services.people import accounts
    from tests.conftest import sign_in_as

    with tempfile.TemporaryDirectory() as folder:
        before_app = time.perf_counter()
        app = lms.create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/profile.db",
                "SECRET_KEY": "profile",
                "LMS_COURSES_DIR": str(ROOT / "courses"),
                "LMS_QUEUE_FILE": f"{folder}/huey.db",
                "LMS_REDIS_URL": "",
            }
        )
        built = time.perf_counter()
        modules_after_app = len(sys.modules)
        with app.app_context():
            db.create_all()
            sync_courses(ROOT / "courses")
            user = accounts.ensure_user("t@example.org", "T", ["trainee"], "a-long-passphrase")
            course, modules = catalog.course_by_slug(args.course)
            slugs = {"course": course.slug, "module": modules[0].slug}
            db.session.remove()
        client = sign_in_as(app.test_client(), user.id)
        print(f"import lms: {imported - started:.2f} s wall, {MODULES_AT_IMPORT} modules loaded")
        print(f"create_app: {built - before_app:.2f} s wall, {modules_after_app} modules loaded")
        pages = [PAGES[name] for name in args.page or PAGES]
        for page in pages:
            path = page.format(**slugs)
            assert client.get(path).status_code == 200, path
            if page == pages[0]:
                print(f"RSS after create_app and a first page: {rss_mb():.1f} MB")
            cpu = time.process_time()
            for _ in range(args.repeat):
                client.get(path)
            cpu_ms = 1000 * (time.process_time() - cpu) / args.repeat
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.repeat):
                client.get(path)
            profile.disable()
            stats = pstats.Stats(profile)
            print(
                f"{page:<28} {stats.total_calls / args.repeat:>8.0f} calls a request"
                f" {cpu_ms:>6.2f} ms CPU a request"
            )
            if args.top:
                stats.sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
