"""Simulated people for the benchmarks: each a thread with its own connection and cookies.

Generic load machinery (no lms import): a Browser, per-user Records, phases that start together
and stop by themselves, and gunicorn servers started and stopped around them.
"""

from __future__ import annotations

import compileall
import http.client
import math
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import sysconfig
import threading
import time
from collections import Counter, defaultdict
from contextlib import contextmanager, suppress
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

PERF = Path(__file__).resolve().parent
ROOT = PERF.parent.parent  # gunicorn runs from the project folder, with tests/perf on its path
APP_UNIT = ROOT / "deploy" / "lms-app@.service"
HOST = "127.0.0.1"
WARMUP_STEPS = 2  # per user and phase, not measured: workers load templates on first use


class Browser:
    """One simulated person: a keep-alive connection (reopened when the server closes it) and
    a cookie jar that sends back whatever the server set, as a browser on this site would."""

    def __init__(self, port, timeout=30):
        self.port, self.timeout = port, timeout
        self.connection, self.cookies = None, {}
        self.next_module = 0

    def request(self, method, path, form=None):
        """(status, headers, text); OSError or HTTPException when the exchange fails."""
        headers = {"Host": f"{HOST}:{self.port}"}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for retry in (False, True):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            reused = self.connection.sock is not None
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if retry or not reused:  # a kept-alive connection may close under us: once more
                    raise
        for header in response.headers.get_all("Set-Cookie") or ():
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.headers, text

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class Record:
    """What one user saw in one phase: requests and latencies by endpoint, and the failures.

    Latencies are kept for the answers with the expected status only, so that a fast error page
    never flatters the figures; failures are counted apart. `outcomes` counts right answers that
    end a step early for a reason the app is right to give (a quiz closed by its own rules).
    """

    def __init__(self):
        self.latencies = defaultdict(list)
        self.counts = Counter()
        self.failures = Counter()  # (endpoint, status or exception name) -> count
        self.outcomes = Counter()  # (endpoint, what) -> count: legitimate, not failures
        self.requests = 0

    def fetch(self, endpoint, browser, method, path, form=None, expect=200):
        """Make one timed request; (headers, text) when it answered `expect`, else None."""
        self.requests += 1
        self.counts[endpoint] += 1
        start = time.perf_counter()
        try:
            status, headers, text = browser.request(method, path, form)
        except (OSError, http.client.HTTPException) as error:
            browser.close()
            self.failures[endpoint, type(error).__name__] += 1
            return None
        elapsed = time.perf_counter() - start
        if status != expect:
            self.failures[endpoint, status] += 1
            return None
        self.latencies[endpoint].append(elapsed)
        return headers, text


def run_phase(browsers, step, context, seconds, max_requests, server):
    """Every browser runs `step` in its own thread until time or its share of requests is up."""
    share = max(1, max_requests // len(browsers))
    records = [Record() for _ in browsers]
    start_line = threading.Barrier(len(browsers) + 1, timeout=120)
    stop = threading.Event()

    def user(browser, record):
        try:
            warmup = Record()
            for _ in range(WARMUP_STEPS):
                step(browser, warmup, context)
            start_line.wait()
            deadline = time.perf_counter() + seconds
            while not stop.is_set() and time.perf_counter() < deadline and record.requests < share:
                step(browser, record, context)
        except BaseException:
            start_line.abort()  # a broken simulation stops the phase instead of hanging it
            raise

    threads = [
        threading.Thread(target=user, args=(b, r), daemon=True)
        for b, r in zip(browsers, records, strict=True)
    ]
    for thread in threads:
        thread.start()
    try:
        start_line.wait()
        started, client_cpu, server_cpu = time.perf_counter(), time.process_time(), server.cpu()
        machine = machine_ticks()
        for thread in threads:
            thread.join()
    finally:
        stop.set()
    wall = time.perf_counter() - started
    total = Record()
    for record in records:
        for endpoint, values in record.latencies.items():
            total.latencies[endpoint] += values
        total.counts.update(record.counts)
        total.failures.update(record.failures)
        total.outcomes.update(record.outcomes)
        total.requests += record.requests
    usage = {
        "wall": wall,
        "requests": total.requests,
        "client_cpu": (time.process_time() - client_cpu) / wall,
        "server_cpu_ms": 1000 * (server.cpu() - server_cpu) / max(total.requests, 1),
        "machine_busy": busy_since(machine),
    }
    return total, usage


def machine_ticks():
    """(busy, all) CPU ticks of the whole machine so far (Linux /proc/stat); (0, 0) elsewhere."""
    try:
        fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return 0, 0
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields) - idle, sum(fields)


def busy_since(before):
    """The share of the machine's CPU time (all CPUs) spent busy since `before`."""
    busy, total = machine_ticks()
    return (busy - before[0]) / max(total - before[1], 1)


class Server:
    """A gunicorn master and its workers, started and stopped by this benchmark."""

    def __init__(self, name, target, env, workers, log):
        self.name, self.port = name, free_port()
        command = [sys.executable, "-m", "gunicorn", "--workers", str(workers)]
        command += ["--config", str(ROOT / "deploy" / "gunicorn.conf.py")]  # as deployed, both
        command += ["--bind", f"{HOST}:{self.port}", "--pythonpath", str(PERF), target]
        self.log = log
        self.started = time.monotonic()
        self.ready_after = None  # seconds from start to the first 200 answer (cold start)
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_until_ready(self, path, seconds=60):
        self.ready_after = self._answered_after(self.started, path, seconds)

    def worker_answers_after(self, path):
        """Seconds from killing every worker (SIGKILL, as a crash would) to the first 200 answer
        from the workers the master forks in their place: a cold worker's first answer, with the
        app made by the master (deploy/gunicorn.conf.py preloads it) rather than by the worker."""
        workers = self._workers()
        if not workers:
            raise RuntimeError(f"no workers of the {self.name} server found in /proc to stop")
        started = time.monotonic()
        for pid in workers:
            with suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        return self._answered_after(started, path, 60)

    def _answered_after(self, started, path, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
            try:
                connection.request("GET", path)
                if connection.getresponse().status == 200:
                    return time.monotonic() - started
            except (OSError, http.client.HTTPException):
                pass
            finally:
                connection.close()
            time.sleep(0.005)
        self.log.flush()
        tail = Path(self.log.name).read_text()[-2000:]
        raise RuntimeError(f"the {self.name} server did not answer {path}:\n{tail}")

    def cpu(self):
        """CPU seconds used so far by the master and its workers (Linux /proc; 0 elsewhere)."""
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if stat.parent.name == str(self.process.pid) or fields[1] == str(self.process.pid):
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def worker_rss_mb(self):
        """Resident memory of each worker (the master's children), in MB (Linux /proc)."""
        return self._worker_memory("status", "VmRSS")

    def worker_pss_mb(self):
        """Each worker's proportional set size in MB: its resident memory with every page it
        shares (with the master that forked it, with the other workers) divided among those that
        share it. What one more worker costs the machine; RSS counts shared pages in full."""
        return self._worker_memory("smaps_rollup", "Pss")

    def _workers(self):
        """The process ids of the master's children, its workers (Linux /proc)."""
        workers = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with suppress(OSError):
                if stat.read_text().rsplit(")", 1)[1].split()[1] == str(self.process.pid):
                    workers.append(stat.parent.name)
        return workers

    def _worker_memory(self, file, field):
        sizes = []
        for pid in self._workers():
            try:
                text = (Path("/proc") / pid / file).read_text()
            except OSError:
                continue
            kilobytes = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
            if kilobytes:
                sizes.append(int(kilobytes.group(1)) / 1024)
        return sizes

    def stop(self):
        """Ask the master to shut down; then make sure nothing of its process group is left."""
        if self.process.poll() is None:
            self.process.terminate()
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(15)
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # the group this benchmark started
        self.process.wait()


def unit_values(unit, key):
    """The values of a systemd unit's `key=` lines (ExecStart, Environment), in order, for
    processes started here as the unit starts them."""
    return [
        line.split("=", 1)[1]
        for line in Path(unit).read_text().splitlines()
        if line.startswith(f"{key}=")
    ]


def unit_environment(unit=APP_UNIT):
    """The variables a systemd unit in deploy/ sets with Environment= (PYTHONOPTIMIZE for the app
    instances). Only the unit's plain form is read, NAME=value words; systemd's specifiers and
    escapes are not used there."""
    words = (word for value in unit_values(unit, "Environment") for word in shlex.split(value))
    return dict(word.partition("=")[::2] for word in words)


def compile_bytecode(env, *paths):
    """Write the bytecode a server started with env reads, for the installed packages and paths,
    as deploy/README.md's install step does: at the optimisation level PYTHONOPTIMIZE asks for,
    each level has files of its own, and a server finding none compiles from source at start."""
    value = env.get("PYTHONOPTIMIZE", "")
    level = int(value) if value.isdigit() else int(bool(value))  # as python reads it
    for path in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *paths}:
        if Path(path).is_dir():
            compileall.compile_dir(path, quiet=2, optimize=level, workers=0)
        else:
            compileall.compile_file(path, quiet=2, optimize=level)


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def serving(name, target, env, workers, workdir, ready_path):
    with open(workdir / f"{name}.log", "w") as log:
        server = Server(name, target, env, workers, log)
        try:
            server.wait_until_ready(ready_path)
            yield server
        finally:
            server.stop()


def percentile(sorted_values, fraction):
    """The nearest-rank percentile of already sorted values (NaN when there are none)."""
    if not sorted_values:
        return float("nan")
    return sorted_values[max(0, math.ceil(fraction * len(sorted_values)) - 1)]
