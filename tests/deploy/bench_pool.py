"""Connection pool settings on PostgreSQL, and how many trainees one instance serves.

Not part of the test run (pytest ignores tests/deploy). Run it as a script:

    python tests/deploy/bench_pool.py                     # the pool table, then the capacity
    python tests/deploy/bench_pool.py --seconds 10 --trainees 8 --levels 4,8   # a quick look

One app instance started from deploy/lms-app@.service (--workers gthread workers of --threads
threads), reached directly on loopback, on a throwaway PostgreSQL database. For each pool setting
(LMS_DB_POOL_SIZE / LMS_DB_MAX_OVERFLOW / LMS_DB_PRE_PING) the instance is started afresh and
--trainees trainees go through modules and quizzes for --seconds with no pause; printed: req/s,
p50/p95/p99, errors, the most connections the instance held open (pg_stat_activity, sampled
every 0.2 s), how busy the machine was and the app's CPU per request. Then, with the default
settings, trainees who pause --think seconds on average after each module (reading), at each of
--levels, to find how many keep p95 under 300 ms. A check-out of a connection is timed apart, with
pre-ping and without.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

from cluster import HOST, Trainee, answers, drive, phase_figures, unit_process, wait_for
from databases import throwaway_database
from loadgen import busy_since, free_port, machine_ticks
from prepare import prepare_database, trainee_email
from sqlalchemy import create_engine, text

from lms.config import DEFAULT_MAX_OVERFLOW, DEFAULT_POOL_SIZE

SETTINGS = [  # (pool size, max overflow, pre-ping)
    (1, 0, True),
    (2, 0, True),
    (4, 0, True),
    (DEFAULT_POOL_SIZE, DEFAULT_MAX_OVERFLOW, False),
    (DEFAULT_POOL_SIZE, DEFAULT_MAX_OVERFLOW, True),
    (8, 8, True),
]
AIM_P95_MS = 300


class ConnectionCounter:
    """The most connections to the database seen at once while it runs."""

    def __init__(self, database_url):
        self.engine = create_engine(database_url, poolclass=None)
        self.name = self.engine.url.database
        self.most, self.stop = 0, threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)
        self.thread.start()

    def watch(self):
        query = text("SELECT count(*) FROM pg_stat_activity WHERE datname = :name")
        with self.engine.connect() as connection:
            while not self.stop.wait(0.2):
                self.most = max(self.most, connection.scalar(query, {"name": self.name}) - 1)

    def close(self):
        self.stop.set()
        self.thread.join()
        self.engine.dispose()
        return self.most


def group_cpu(pgid):
    """CPU seconds used so far by the processes of one process group (Linux /proc)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[2] == str(pgid):  # after the name: state, ppid, pgrp, ...
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def measure(args, workdir, database_url, setting, trainees, think, modules, correct):
    size, overflow, pre_ping = setting
    port = free_port()
    env = {
        **os.environ, "LMS_ENV": "development", "LMS_SECRET_KEY": "bench-pool",
        "LMS_DATABASE_URL": database_url, "LMS_SMTP_HOST": "", "LMS_BIND_ADDRESS": HOST,
        "LMS_BALANCER_ADDRESS": HOST,
        "LMS_GUNICORN_WORKERS": str(args.workers), "LMS_GUNICORN_THREADS": str(args.threads),
        "LMS_DB_POOL_SIZE": str(size), "LMS_DB_MAX_OVERFLOW": str(overflow),
        "LMS_DB_PRE_PING": "1" if pre_ping else "0", "LMS_QUEUE_FILE": str(workdir / "huey.db"),
    }  # fmt: skip
    app = unit_process("app", "lms-app@.service", port, env, workdir)
    try:
        wait_for(lambda: answers(port), "the app", app)
        counter = ConnectionCounter(database_url)
        people = [Trainee(n, port, None) for n in range(trainees)]
        emails = [trainee_email(n) for n in range(trainees)]
        before = machine_ticks()
        cpu_before = group_cpu(app.process.pid)
        start, threads, _ = drive(
            people, emails, modules, correct, args.seconds, random.Random, think
        )
        for thread in threads:
            thread.join()
        busy = busy_since(before)
        cpu = group_cpu(app.process.pid) - cpu_before
        most = counter.close()
    finally:
        app.stop()
    exchanges = [e for p in people for e in p.exchanges]
    figures = phase_figures(exchanges, start, start + args.seconds)
    # the app's CPU over every request it answered (sign-ins and warm-up too): per request
    cpu_ms = 1000 * cpu / max(sum(len(p.exchanges) for p in people), 1)
    return (*figures, most, busy, cpu_ms)


def checkout_cost(database_url, rounds=2000):
    """Microseconds one checkout and `SELECT 1` take, with pre-ping off and on: a request checks
    out one connection (Flask-SQLAlchemy's session), so the difference is pre-ping's cost per
    request, measured without HTTP, templates or other processes' noise in between."""
    costs = {}
    for pre_ping in (False, True, False, True):
        engine = create_engine(database_url, pool_size=1, max_overflow=0, pool_pre_ping=pre_ping)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        started = time.perf_counter()
        for _ in range(rounds):
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        costs.setdefault(pre_ping, []).append(1e6 * (time.perf_counter() - started) / rounds)
        engine.dispose()
    return {pre_ping: min(values) for pre_ping, values in costs.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trainees", type=int, default=16, help="for the pool table (16)")
    parser.add_argument("--seconds", type=float, default=20, help="per measurement (20)")
    parser.add_argument("--levels", default="10,20,40,60,80,100", help="trainees, capacity")
    parser.add_argument("--think", type=float, default=5.0, help="mean pause, capacity (5 s)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--skip-pool", action="store_true", help="capacity only")
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1/postgres"
    )
    args = parser.parse_args(argv)
    levels = [int(n) for n in args.levels.split(",")]
    with tempfile.TemporaryDirectory(prefix="lms-pool-") as tmp:
        workdir = Path(tmp)
        with throwaway_database(args.database_url, None, prefix="lms_deploy") as url:
            most = max([args.trainees, *levels])
            modules, correct, _ = prepare_database(
                url, most, 0, "peer-support-continuing-education"
            )
            print(
                f"one instance: {args.workers} gthread workers x {args.threads} threads, "
                f"{os.cpu_count()} CPUs shared with other work, PostgreSQL on the same machine"
            )
            header = (
                f"{'requests':>8} {'errors':>6} {'req/s':>6} {'p50':>5} {'p95':>5} {'p99':>5}"
                f" {'conns':>5} {'busy':>5} {'CPU ms':>6}"
            )
            costs = checkout_cost(url)
            print(
                f"a checkout and SELECT 1: {costs[False]:.0f} us without pre-ping,"
                f" {costs[True]:.0f} us with it (best of 2 x 2000)"
            )
            if not args.skip_pool:
                print(f"\n{args.trainees} trainees, no pause, {args.seconds:g} s each")
                print(f"{'pool':>5} {'overflow':>8} {'pre-ping':>8} {header}")
                for setting in SETTINGS:
                    row = measure(args, workdir, url, setting, args.trainees, 0, modules, correct)
                    print(f"{setting[0]:>5} {setting[1]:>8} {'on' if setting[2] else 'off':>8} "
                          + line(row), flush=True)  # fmt: skip
            print(f"\ncapacity: defaults, trainees pausing {args.think:g} s on average")
            print(f"{'trainees':>8} {header}")
            setting = (DEFAULT_POOL_SIZE, DEFAULT_MAX_OVERFLOW, True)
            for level in levels:
                row = measure(args, workdir, url, setting, level, args.think, modules, correct)
                verdict = "ok" if row[4] < AIM_P95_MS and not row[1] else "MISSED"
                print(f"{level:>8} {line(row)}  p95 < {AIM_P95_MS} ms: {verdict}", flush=True)
    return 0


def line(row):
    requests, errors, rate, p50, p95, p99, most, busy, cpu_ms = row
    return (
        f"{requests:>8} {errors:>6} {rate:>6.1f} {p50:>5.0f} {p95:>5.0f} {p99:>5.0f}"
        f" {most:>5} {100 * busy:>4.0f}% {cpu_ms:>6.1f}"
    )


if __name__ == "__main__":
    sys.exit(main())
