"""deploy/gunicorn.conf.py, which every app instance runs with: the master makes the app with the
garbage collector off and freezes what exists before forking (collecting again from then on);
each worker starts a database pool of its own (a connection pooled in the master would be one
socket shared by two processes) and collects garbage. Run in a child interpreter that forks for
real, as gunicorn does. gunicorn's control socket stays closed."""

import subprocess
import sys
from pathlib import Path

from tests.conftest import _database_url

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, os, runpy, sys
from types import SimpleNamespace
from sqlalchemy import text

hooks = runpy.run_path(sys.argv[1])  # what gunicorn does with --config
assert hooks["preload_app"] is True
from gunicorn.config import Config
# One control socket path per user: several instances on a machine would take it from each other.
assert "control_socket_disable" in Config().settings and hooks["control_socket_disable"] is True
assert not gc.isenabled(), "the collector must be off while the master makes the app"
from lms import create_app
from lms.extensions import db

app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[2], "SECRET_KEY": "t", "LMS_REDIS_URL": ""})
with app.app_context():
    db.session.execute(text("SELECT 1"))  # the master pools a connection: the worst case
    db.session.remove()
    masters_pool = db.engine.pool
    assert masters_pool.checkedin() == 1
worker = SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app))
hooks["pre_fork"](None, worker)
assert gc.get_freeze_count() > 100_000, gc.get_freeze_count()
assert gc.isenabled(), "the master collects again once the app is made"
child = os.fork()
if child == 0:
    hooks["post_fork"](None, worker)
    with app.app_context():
        fresh = db.engine.pool is not masters_pool and db.engine.pool.checkedin() == 0
        answer = db.session.execute(text("SELECT 1")).scalar()
    os._exit(0 if fresh and answer == 1 and gc.isenabled() else 3)
_, status = os.waitpid(child, 0)
assert os.waitstatus_to_exitcode(status) == 0, status
with app.app_context():  # the master's own connection was not closed by the worker
    assert db.engine.pool is masters_pool and masters_pool.checkedin() == 1
    assert db.session.execute(text("SELECT 1")).scalar() == 1
print("ok")
"""


def test_workers_start_their_own_pool_with_the_collector_back_on(tmp_path):
    database = _database_url(tmp_path)  # on PostgreSQL, a socket the two processes would share
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT / "deploy" / "gunicorn.conf.py"), database],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "ok"
