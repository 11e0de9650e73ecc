"""gunicorn hooks for every lms worker: the deploy/ units, scripts/serve.sh and the benchmarks
pass this file with --config (settings such as workers and threads stay on their command lines).

Python's cyclic garbage collector runs whenever enough new objects have piled up, and a full
collection walks every object the process holds. A worker making the app creates several hundred
thousand long-lived objects (about 900 modules, SQLAlchemy's mappers, the compiled templates), so
the collector ran over and over while the worker started, finding nothing to free: about a tenth
of a second before the first answer. Frozen once the app is made, those objects are left out of
every later collection, so the collections that requests trigger stay small too.
"""

import gc


def post_fork(server, worker):
    """In the new worker, before it imports lms and makes the app: collect nothing meanwhile."""
    gc.disable()


def post_worker_init(worker):
    """The app is made: keep what exists now out of later collections, then collect as usual."""
    gc.freeze()
    gc.enable()
