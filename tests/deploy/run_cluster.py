"""The production arrangement on loopback, under 100 simulated trainees, losing one app instance.

Not part of the test run (pytest ignores tests/deploy). Run it as a script (it installs HAProxy
with apt-get when it is missing, so run it as root on a fresh Debian machine, as CI would):

    python tests/deploy/run_cluster.py                           # 100 trainees for 2 minutes
    python tests/deploy/run_cluster.py --trainees 20 --seconds 30  # the short version

What it starts, from the files in deploy/ (ports asked of the OS, everything stopped at the end):
a throwaway PostgreSQL database (migrations, bundled courses, trainees), two app instances run by
the ExecStart line of deploy/lms-app@.service, the worker by deploy/lms-worker.service's, HAProxy
with deploy/haproxy.cfg terminating TLS with a self-signed certificate made now, Redis (the queue,
under a queue name of its own on the server given) and a mail server that records what it gets.

The trainees sign in through HAProxy over HTTPS and go through modules and quizzes (a module
page, its quiz, the answers, the result), pausing --think seconds on average after each module.
Halfway through, one instance gets SIGTERM and, --grace seconds later, SIGKILL (a stop that does not
finish in time). Two runs of the daily reminder task are queued, as two machines' schedulers
would. Checked afterwards, in the database: every quiz answer the server confirmed is recorded
and none is recorded twice or from nowhere; every trainee who has met a course's requirements
has exactly one certificate for it and nobody else has one; each due reminder was queued once and
the mail server got it once; no request failed except those in flight on the stopped instance.
Printed: throughput, p50/p95/p99 and errors per phase. Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from email import message_from_bytes
from pathlib import Path

from cluster import (
    DEPLOY,
    HOST,
    Process,
    Trainee,
    answers,
    drive,
    failures_by_kind,
    print_phases,
    self_signed_certificate,
    unit_process,
    wait_for,
)
from databases import throwaway_database
from loadgen import free_port
from prepare import check_database, emails_waiting, prepare_database, trainee_email
from redis import Redis

CE_COURSE = "peer-support-continuing-education"


def install_haproxy():
    if shutil.which("haproxy"):
        return
    print("installing haproxy (apt-get)...", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-q", "haproxy"], check=True)


class MailSink:
    """An SMTP server on loopback that keeps (recipient, subject) of every message."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.received = []
        self.port = free_port()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                subject = message_from_bytes(envelope.content)["Subject"]
                sink.received.extend((to, subject) for to in envelope.rcpt_tos)
                return "250 OK"

        self.controller = Controller(Handler(), hostname=HOST, port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()


def environment(args, database_url, workdir, mail_port, https_port):
    keys = workdir / "issuer-keys.json"
    subprocess.run(
        [sys.executable, "-c", "import lms; lms.main()", "keys", "generate", "--file", str(keys)],
        check=True, capture_output=True, env={**os.environ, "LMS_DATABASE_URL": database_url},
    )  # fmt: skip
    return {
        **os.environ,
        "LMS_ENV": "production",
        "LMS_BASE_URL": f"https://localhost:{https_port}",
        "LMS_SECRET_KEY": secrets.token_hex(32),
        "LMS_DATABASE_URL": database_url,
        "LMS_ISSUER_KEYS": str(keys),
        "LMS_REDIS_URL": args.redis_url,
        "LMS_QUEUE_NAME": f"lms_deploy_{secrets.token_hex(4)}",
        "LMS_SMTP_HOST": HOST,
        "LMS_SMTP_PORT": str(mail_port),
        "LMS_SMTP_SECURITY": "none",
        "LMS_SMTP_FROM": "training@example.org",
        "LMS_BIND_ADDRESS": HOST,
        "LMS_BALANCER_ADDRESS": HOST,
        "LMS_GUNICORN_WORKERS": str(args.workers),
        "LMS_GUNICORN_THREADS": str(args.threads),
    }


def queue_reminder_runs(env, runs):
    """Queue the daily reminder task `runs` times, as the schedulers of that many worker machines
    would at 06:00 (the task's keys make the second run queue nothing)."""
    code = (
        "from lms import create_app; from lms.jobs import jobs_of; app = create_app(); "
        f"[jobs_of(app).send_renewal_reminders() for _ in range({runs})]"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=DEPLOY.parent)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trainees", type=int, default=100, help="simulated trainees (100)")
    parser.add_argument("--seconds", type=float, default=120, help="length of the load (120)")
    parser.add_argument(
        "--think", type=float, default=10.0,
        help="mean pause after each module, s (10): people read; 0 means none at all",
    )  # fmt: skip
    parser.add_argument("--grace", type=float, default=1.0, help="SIGTERM to SIGKILL, s (1)")
    parser.add_argument("--holders", type=int, default=30, help="certificates with reminders due")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers an instance (2)")
    parser.add_argument("--threads", type=int, default=4, help="threads a gunicorn worker (4)")
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1/postgres",
        help="the PostgreSQL server to make a throwaway database on",
    )  # fmt: skip
    parser.add_argument(
        "--redis-url", default="redis://127.0.0.1:6379/0", help="the Redis server for the queue"
    )
    args = parser.parse_args(argv)
    install_haproxy()
    with tempfile.TemporaryDirectory(prefix="lms-cluster-") as tmp:
        workdir = Path(tmp)
        with throwaway_database(args.database_url, None, prefix="lms_deploy") as database_url:
            return run(args, workdir, database_url)


def run(args, workdir, database_url):
    print(f"preparing the database, {args.trainees} trainees, {args.holders} holders...")
    modules, correct, due = prepare_database(database_url, args.trainees, args.holders, CE_COURSE)
    mail = MailSink()
    pem, tls = self_signed_certificate(workdir)
    https_port, http_port = free_port(), free_port()
    env = environment(args, database_url, workdir, mail.port, https_port)
    ports = [free_port(), free_port()]
    env.update(
        LMS_APP1=f"{HOST}:{ports[0]}", LMS_APP2=f"{HOST}:{ports[1]}", LMS_TLS_PEM=str(pem),
        LMS_HTTPS_BIND=f"{HOST}:{https_port}", LMS_HTTP_BIND=f"{HOST}:{http_port}",
    )  # fmt: skip
    started = []
    try:
        apps = []
        for number, port in enumerate(ports, 1):
            apps.append(unit_process(f"app{number}", "lms-app@.service", port, env, workdir))
        started += apps
        worker = unit_process("worker", "lms-worker.service", "", env, workdir)
        started.append(worker)
        haproxy = Process(
            "haproxy", ["haproxy", "-db", "-f", str(DEPLOY / "haproxy.cfg")], env, workdir
        )
        started.append(haproxy)
        for app, port in zip(apps, ports, strict=True):
            wait_for(lambda port=port: answers(port), app.name, app)
        wait_for(lambda: answers(https_port, tls=tls), "haproxy (HTTPS)", haproxy)
        time.sleep(4.5)  # HAProxy counts a server up after 2 good checks, 2 s apart
        return load_and_check(args, env, apps, worker, mail, tls, https_port, modules, correct, due)
    finally:
        for process in reversed(started):
            process.stop(signal.SIGINT if process.name == "worker" else signal.SIGTERM)
        mail.stop()
        forget_queue(env)


def forget_queue(env):
    redis = Redis.from_url(env["LMS_REDIS_URL"])
    keys = list(redis.scan_iter(match=f"*{env['LMS_QUEUE_NAME']}*"))
    if keys:
        redis.delete(*keys)
    redis.close()


def load_and_check(args, env, apps, worker, mail, tls, port, modules, correct, due):
    trainees = [Trainee(number, port, tls) for number in range(args.trainees)]
    emails = [trainee_email(n) for n in range(args.trainees)]
    print(
        f"{args.trainees} trainees for {args.seconds:g} s through HAProxy (HTTPS), pausing"
        f" {args.think:g} s on average after each module...",
        flush=True,
    )
    queue_reminder_runs(env, 1)
    start, threads, failed_sign_ins = drive(
        trainees, emails, modules, correct, args.seconds, random.Random, args.think
    )
    time.sleep(args.seconds / 2)
    victim = apps[0]
    term_at = time.monotonic()
    victim.process.send_signal(signal.SIGTERM)  # gunicorn: stop taking requests, finish these
    time.sleep(args.grace)
    still_running = victim.group_alive()
    victim.send(signal.SIGKILL)
    kill_at = time.monotonic()
    print(
        f"stopped {victim.name}: SIGTERM, then SIGKILL {args.grace:g} s later"
        f" ({'something was still running' if still_running else 'it had already exited'})",
        flush=True,
    )
    queue_reminder_runs(env, 1)
    for thread in threads:
        thread.join()
    end = start + args.seconds
    exchanges = [e for t in trainees for e in t.exchanges]
    settle = kill_at + 5  # HAProxy's two failed checks, 2 s apart
    phases = [
        ("two instances", start, term_at),
        ("stopping one (SIGTERM..kill+5 s)", term_at, settle),
        ("one instance", settle, end),
        ("whole run", start, end),
    ]
    print_phases(exchanges, phases)
    problems = []
    if failed_sign_ins:
        problems.append(f"{len(failed_sign_ins)} trainees could not sign in")
    in_flight = [
        e
        for e in exchanges
        if not e.ok and any(e.started <= m <= e.ended for m in (term_at, kill_at))
    ]
    other = [e for e in exchanges if not e.ok and e not in in_flight]
    print(f"\nfailed requests in flight at the SIGTERM or SIGKILL: {len(in_flight)}")
    print(f"failed requests otherwise: {len(other)}")
    for (endpoint, what), count in sorted(failures_by_kind(exchanges).items(), key=str):
        print(f"  {endpoint}: {what}: {count}")
    if other:
        problems.append(f"{len(other)} requests failed that were not in flight on the instance")
    wait_for_emails(env)
    problems += check_database(env["LMS_DATABASE_URL"], trainees, due, mail.received)
    if not worker.alive():
        problems.append("the worker died:\n" + worker.tail())
    print(f"\nmachine: {os.cpu_count()} CPUs, shared with other work; load {os.getloadavg()}")
    if problems:
        print("\nFAILED:\n- " + "\n- ".join(problems))
        return 1
    print("\nevery check passed")
    return 0


def wait_for_emails(env, seconds=60):
    """Give the worker time to send the reminders (each a task on the queue)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and emails_waiting(env["LMS_DATABASE_URL"]):
        time.sleep(1)
    time.sleep(2)  # a task that took its email may still be talking to the mail server


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("Stopped. Everything started here is shut down and the database is gone.")
