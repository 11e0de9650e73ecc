"""The pieces of the loopback deployment: processes started from the deploy/ files, simulated
trainees over HTTPS (or plain HTTP), and latency figures by phase.

Used by run_cluster.py (the whole arrangement) and bench_pool.py (one instance, pool settings).
"""

from __future__ import annotations

import http.client
import os
import re
import shlex
import signal
import ssl
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

DEPLOY_TESTS = Path(__file__).resolve().parent
ROOT = DEPLOY_TESTS.parent.parent
DEPLOY = ROOT / "deploy"
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "perf")]

from bench_trainee import CSRF, PASSWORD, quiz_answers  # noqa: E402  (tests/perf, unchanged)
from loadgen import (  # noqa: E402, F401  (free_port: for the scripts beside)
    HOST,
    free_port,
    percentile,
    unit_environment,
    unit_values,
)

ATTEMPT = re.compile(r'name="attempt_id" value="(\d+)"')
SIGN_IN_SPACING = 0.25  # seconds between two trainees' sign-ins
ALREADY = "This attempt was already submitted"  # the 409 page (templates/_macros/learning.html)


# --- processes from the deploy/ files ------------------------------------------------------------


def unit_command(unit, instance, env):
    """The ExecStart line of a systemd unit in deploy/, with %i and ${VAR} filled in, run by this
    Python (its gunicorn and lms) from the project folder instead of /srv/lms/.venv."""
    [line] = unit_values(DEPLOY / unit, "ExecStart")
    line = line.replace("%i", str(instance))
    line = re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], line)
    words = shlex.split(line)
    program = Path(words[0]).name
    if program == "gunicorn":
        return [sys.executable, "-m", "gunicorn", *words[1:]]
    if program == "lms":
        return [sys.executable, "-c", "import lms; lms.main()", *words[1:]]
    raise ValueError(f"{unit}: cannot run {words[0]}")


def unit_process(name, unit, instance, env, workdir):
    """A Process started as the systemd unit in deploy/ starts it: its ExecStart command, with
    the unit's own Environment= settings (python -OO for the app) under env, as systemd puts
    the unit's EnvironmentFile= over them."""
    env = {**unit_environment(DEPLOY / unit), **env}
    return Process(name, unit_command(unit, instance, env), env, workdir)


class Process:
    """One process of the arrangement, in its own process group, logging to a file."""

    def __init__(self, name, command, env, workdir):
        self.name = name
        self.log = open(workdir / f"{name}.log", "w")  # noqa: SIM115  (closed in stop)
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def alive(self):
        return self.process.poll() is None

    def group_alive(self):
        """Whether anything of its process group is still running (gunicorn's workers)."""
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def send(self, number):
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, number)

    def stop(self, first=signal.SIGTERM, wait=15):
        if self.alive():
            self.process.send_signal(first)
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(wait)
        self.send(signal.SIGKILL)  # whatever of the group this script started is left
        self.process.wait()
        self.log.close()

    def tail(self):
        self.log.flush()
        return Path(self.log.name).read_text()[-3000:]


def wait_for(url_ok, what, process=None, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and not process.alive():
            break
        if url_ok():
            return
        time.sleep(0.25)
    tail = process.tail() if process is not None else ""
    raise RuntimeError(f"{what} did not come up:\n{tail}")


def answers(port, path="/healthz", tls=None):
    connection = connect(port, tls, timeout=5)
    try:
        connection.request("GET", path, headers={"Host": f"localhost:{port}"})
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def connect(port, tls, timeout):
    if tls is None:
        return http.client.HTTPConnection(HOST, port, timeout=timeout)
    return http.client.HTTPSConnection("localhost", port, timeout=timeout, context=tls)


def self_signed_certificate(workdir):
    """A throwaway certificate for localhost, as HAProxy wants it (certificate and key in one
    PEM file); returns (pem path, an SSL context that trusts only it)."""
    key, cert, pem = workdir / "tls.key", workdir / "tls.crt", workdir / "tls.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    pem.write_text(cert.read_text() + key.read_text())
    return pem, ssl.create_default_context(cafile=str(cert))


# --- simulated trainees --------------------------------------------------------------------------


@dataclass
class Exchange:
    """One request as the trainee saw it (times from time.monotonic)."""

    endpoint: str
    started: float
    ended: float
    ok: bool
    what: str = ""  # the status or exception when not ok
    page: str = ""  # the text of an answer with an unexpected status


@dataclass
class Trainee:
    """One simulated person: a keep-alive connection, its cookies, and what it saw."""

    number: int
    port: int
    tls: ssl.SSLContext | None
    cookies: dict = field(default_factory=dict)
    exchanges: list = field(default_factory=list)
    submitted: set = field(default_factory=set)  # attempt ids the server confirmed (303)
    unsure: set = field(default_factory=set)  # attempt ids sent without a clear answer
    connection: object = None

    def request(self, endpoint, method, path, form=None, expect=200):
        """(status, headers, text) when the answer had the expected status, else None."""
        headers = {"Host": f"localhost:{self.port}"}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            # A form is sent from the page at the same address; a browser names it (the pages
            # say Referrer-Policy: same-origin), and over HTTPS Flask-WTF insists on it.
            scheme = "http" if self.tls is None else "https"
            headers["Referer"] = f"{scheme}://localhost:{self.port}{path}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.monotonic()
        try:
            response, text = self.exchange(method, path, body, headers)
        except (OSError, http.client.HTTPException) as error:
            self.close()
            self.exchanges.append(
                Exchange(endpoint, started, time.monotonic(), False, type(error).__name__)
            )
            return None
        for header in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in header.lower() or "1970" in header:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        ok = response.status == expect
        what, page = ("", "") if ok else (str(response.status), text)
        self.exchanges.append(Exchange(endpoint, started, time.monotonic(), ok, what, page))
        return (response.status, response.headers, text) if ok else None

    def exchange(self, method, path, body, headers):
        for retry in (False, True):
            if self.connection is None:
                self.connection = connect(self.port, self.tls, timeout=30)
            reused = self.connection.sock is not None
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                return response, response.read().decode()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                # A kept-alive connection the balancer closed while the trainee was reading:
                # a browser sends the request again on a new one, once.
                if retry or not reused:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def sign_in(self, email):
        page = self.request("sign-in page", "GET", "/sign-in")
        token = CSRF.search(page[2]) if page else None
        if token is None:
            return False
        form = {"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
        return self.request("sign-in", "POST", "/sign-in", form, expect=302) is not None

    def journey(self, module_path, rng, correct):
        """A module page, its quiz, the answers sent, the result page."""
        if self.request("module page", "GET", module_path) is None:
            return
        page = self.request("quiz page", "GET", module_path + "/quiz")
        if page is None:
            return
        form = quiz_answers(page[2], rng, correct)
        if form is None:
            return  # a quiz closed (retake wait, attempt limit) shows no form: the next module
        attempt = int(ATTEMPT.search(page[2]).group(1))
        self.unsure.add(attempt)
        done = self.request("quiz submit", "POST", module_path + "/quiz", form, expect=303)
        if done is None:
            last = self.exchanges[-1]
            if last.what == "409" and ALREADY in last.page:
                # The balancer sent the answers again after an instance died before answering;
                # the first copy was recorded, and the page says so: the trainee lost nothing.
                last.ok, last.what = True, "already recorded"
                self.unsure.discard(attempt)
                self.submitted.add(attempt)
            elif last.what.isdigit():  # a clear answer that was not "recorded"
                self.unsure.discard(attempt)
            return
        self.unsure.discard(attempt)
        self.submitted.add(attempt)
        location = urlsplit(done[1]["Location"])
        self.request("quiz result", "GET", f"{location.path}?{location.query}")


def drive(trainees, emails, modules, correct, seconds, rng_for, think=0.0):
    """Every trainee signs in, then goes through modules until `seconds` have passed, pausing
    0 to 2 x `think` seconds after each module (reading; 0: no pause at all)."""
    clock = {}

    def start_clock():  # run by one thread before the barrier lets any through
        clock["start"] = time.monotonic()
        clock["deadline"] = clock["start"] + seconds

    start_line = threading.Barrier(len(trainees) + 1, action=start_clock, timeout=300)
    failed_sign_ins = Counter()

    def run(trainee):
        try:
            # People arrive over a minute or so, not all in one second: each sign-in is a full
            # scrypt check, and a hundred at once only measures a queue of them.
            time.sleep(trainee.number * SIGN_IN_SPACING)
            if not trainee.sign_in(emails[trainee.number]):
                failed_sign_ins[trainee.number] += 1
            rng, step = rng_for(trainee.number), trainee.number
            # One module before the clock starts: a fresh worker reads its templates and the
            # catalog on first use, which says nothing about the pool or the load.
            course, module = modules[step % len(modules)]
            trainee.journey(f"/courses/{course}/{module}", rng, correct)
            start_line.wait()
            while time.monotonic() < clock["deadline"]:
                course, module = modules[step % len(modules)]
                step += 1
                trainee.journey(f"/courses/{course}/{module}", rng, correct)
                if think:
                    time.sleep(rng.uniform(0, 2 * think))
        except BaseException:
            start_line.abort()
            raise
        finally:
            trainee.close()

    threads = [threading.Thread(target=run, args=(t,), daemon=True) for t in trainees]
    for thread in threads:
        thread.start()
    start_line.wait()
    return clock["start"], threads, failed_sign_ins


def phase_figures(exchanges, start, end):
    """(requests, errors, req/s, p50, p95, p99 ms) of the exchanges begun in [start, end)."""
    inside = [e for e in exchanges if start <= e.started < end and e.endpoint != "sign-in page"]
    inside = [e for e in inside if e.endpoint != "sign-in"]
    good = sorted(e.ended - e.started for e in inside if e.ok)
    errors = sum(1 for e in inside if not e.ok)
    rate = len(good) / max(end - start, 1e-9)
    p50, p95, p99 = (1000 * percentile(good, q) for q in (0.50, 0.95, 0.99))
    return len(inside), errors, rate, p50, p95, p99


def print_phases(exchanges, phases):
    print(
        f"\n{'phase':<34} {'seconds':>7} {'requests':>8} {'errors':>6} {'req/s':>7}"
        f" {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    )
    figures = {}
    for name, start, end in phases:
        requests, errors, rate, p50, p95, p99 = phase_figures(exchanges, start, end)
        figures[name] = (requests, errors, rate, p50, p95, p99)
        print(
            f"{name:<34} {end - start:>7.1f} {requests:>8} {errors:>6} {rate:>7.1f}"
            f" {p50:>7.0f} {p95:>7.0f} {p99:>7.0f}"
        )
    return figures


def failures_by_kind(exchanges):
    kinds = defaultdict(int)
    for exchange in exchanges:
        if not exchange.ok:
            kinds[exchange.endpoint, exchange.what] += 1
    return dict(kinds)
