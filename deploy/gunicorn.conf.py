"""gunicorn settings for every lms app instance: the deploy/ units, scripts/serve.sh and the
benchmarks pass this file with --config (workers, threads and the address stay on their command
lines).

The master makes the app once and forks the workers from it (preload_app), so a worker, whether
the first ones or one started again after a crash, answers at once instead of importing lms
first: about half a second of CPU each, which with several workers on a small machine all fell at
the same moment. New code therefore needs the instance restarted (`systemctl restart`), not a
HUP, which deploy/README.md's update steps already do.

Python's cyclic garbage collector runs whenever enough new objects have piled up, and a full
collection walks every object the process holds. Making the app creates several hundred thousand
objects that live as long as the process (about 900 modules, SQLAlchemy's mappers), so the
collector ran over and over during start-up, finding nothing to free. It stays off until the app
is made; then what exists is frozen, left out of every later collection: the collections that
requests trigger stay small, and they no longer touch the pages the workers share with the master
(reference counts still do, so some of those pages are copied all the same).

gunicorn 25.1 and later also open a control socket by default, at one path per user
($XDG_RUNTIME_DIR/gunicorn.ctl, else ~/.gunicorn/gunicorn.ctl): several instances on one machine
would each take it over from the last, and one stopping removes the path of another, while the
lms system user has no home to hold it. Nothing here uses it, so it stays closed (an older
gunicorn ignores the name).
"""

import gc

preload_app = True
control_socket_disable = True

gc.disable()  # read before the master makes the app


def pre_fork(server, worker):
    """In the master, the app made: what exists now is left out of later collections, and the
    master collects again (it forks once a worker, and again for one that stopped)."""
    gc.freeze()
    gc.enable()


def post_fork(server, worker):
    """In the new worker: its own database connections, and collection on as in the master.

    The master opens none while making the app, but a connection pooled before the fork would
    be one socket used by two processes: SQLAlchemy's recipe for forking drops the pool without
    closing what the master holds."""
    app = worker.app.wsgi()  # the app the master made (the benchmarks' bare one has no database)
    sqlalchemy = app.extensions.get("sqlalchemy")
    if sqlalchemy is not None:
        with app.app_context():
            for engine in sqlalchemy.engines.values():
                engine.dispose(close=False)
    gc.enable()
