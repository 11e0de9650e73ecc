#!/usr/bin/env bash
# Quick start, command 1: install everything, create the SQLite database with the bundled courses
# and one demo account per role, then serve the app with gunicorn at http://127.0.0.1:5000
# (Ctrl+C stops it). LMS_HOST and LMS_PORT choose another address.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_venv.sh
.venv/bin/lms demo
echo
echo "Serving on http://${LMS_HOST:-127.0.0.1}:${LMS_PORT:-5000} (Ctrl+C to stop)"
# Threaded workers (gthread): a slow request holds one thread, not a whole worker, so /healthz and
# other pages are still answered while every worker is busy.
exec .venv/bin/gunicorn --workers 2 --worker-class gthread --threads 4 \
  --bind "${LMS_HOST:-127.0.0.1}:${LMS_PORT:-5000}" --access-logfile - "lms:create_app()"
