"""How long /healthz takes while every gunicorn worker is busy: sync workers against gthread.

Not part of the test run (pytest ignores tests/perf). Run it as a script:

    python tests/perf/bench_health.py                 # 24 busy clients, 8 s per worker class
    python tests/perf/bench_health.py --clients 48 --seconds 15

Each worker class is served the way scripts/serve.sh serves the app (2 workers; gthread with 4
threads each) on a temporary SQLite database with the bundled courses. --clients threads ask for
the home page without pause, keeping every worker busy, while one more asks for /healthz every
quarter second on a new connection, as a load balancer does. Printed per worker class: the home
pages served, and the health check's p50, p95 and slowest answer, and how many took over 5 s.
"""

from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from flask_migrate import upgrade
from loadgen import HOST, PERF, ROOT, Browser, free_port, percentile

from lms import create_app
from lms.services.authoring.publishing import sync_courses

BUNDLED = ROOT / "courses"
WORKER_CLASSES = {
    "sync": ["--workers", "2"],
    "gthread": ["--workers", "2", "--worker-class", "gthread", "--threads", "4"],
}


def serve(worker_args, env, log):
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "deploy/gunicorn.conf.py")]
    command += [*worker_args, "--bind", f"{HOST}:{port}"]
    command += ["--pythonpath", str(PERF), "lms:create_app()"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("the server did not start: see the log")


def measure(port, clients, seconds):
    stop = threading.Event()
    served = [0] * clients

    def busy(number):
        browser = Browser(port)
        while not stop.is_set():
            try:
                browser.request("GET", "/")
                served[number] += 1
            except (OSError, http.client.HTTPException):
                browser.close()

    threads = [threading.Thread(target=busy, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(1)  # every worker busy before the first probe
    timings, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=30)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            connection.close()
            timings.append(time.perf_counter() - started)
        except (OSError, http.client.HTTPException):
            timings.append(float("inf"))
        time.sleep(0.25)
    stop.set()
    for thread in threads:
        thread.join(35)
    return sum(served), sorted(timings)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=24, help="busy clients (24)")
    parser.add_argument("--seconds", type=float, default=8, help="probing per class (8)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp:
        run(args, Path(tmp))


def run(args, tmp):
    url = f"sqlite:///{tmp / 'bench.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        sync_courses(BUNDLED)
    env = {**os.environ, "LMS_ENV": "development", "LMS_SECRET_KEY": "bench"}
    env.update(LMS_DATABASE_URL=url, LMS_COURSES_DIR=str(BUNDLED), LMS_SMTP_HOST="")
    print(f"{args.clients} busy clients, /healthz every 0.25 s for {args.seconds:g} s")
    print(f"{'workers':<9} {'pages':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'>5 s':>5}")
    for name, worker_args in WORKER_CLASSES.items():
        with open(tmp / f"{name}.log", "w") as log:
            process, port = serve(worker_args, env, log)
            try:
                pages, timings = measure(port, args.clients, args.seconds)
            finally:
                process.terminate()
                process.wait(15)
        p50, p95 = percentile(timings, 0.5), percentile(timings, 0.95)
        slow = sum(t > 5 for t in timings)
        print(
            f"{name:<9} {pages:>6} {1000 * p50:>8.0f} {1000 * p95:>8.0f} "
            f"{1000 * timings[-1]:>8.0f} {slow:>5}"
        )


if __name__ == "__main__":
    main()
