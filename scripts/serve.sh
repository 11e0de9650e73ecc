#!/usr/bin/env bash
# Quick start, command 1: install everything, create the SQLite database with the bundled courses
# and one demo account per role, then serve the app with gunicorn at http://127.0.0.1:5000 and run
# the background worker (emails, reminders) beside it; Ctrl+C stops both. LMS_HOST and LMS_PORT
# choose another address.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_venv.sh
# Full links (signed credentials, their status list, certificate QR codes, reset links) name the
# address served here, unless LMS_BASE_URL says otherwise: on another LMS_PORT they would
# otherwise name the default http://127.0.0.1:5000.
host="${LMS_HOST:-127.0.0.1}"
[ "$host" = "0.0.0.0" ] && host=127.0.0.1
export LMS_BASE_URL="${LMS_BASE_URL:-http://${host}:${LMS_PORT:-5000}}"
.venv/bin/lms demo
echo
# The background worker (lms worker: queued emails, daily reminders), stopped with gunicorn.
.venv/bin/lms worker &
worker=$!
stop_worker() {
  kill -INT "$worker" 2>/dev/null || true
  wait "$worker" 2>/dev/null || true
}
trap stop_worker EXIT
echo "Serving on http://${LMS_HOST:-127.0.0.1}:${LMS_PORT:-5000} (Ctrl+C to stop)"
# Threaded workers (gthread): a slow request holds one thread, not a whole worker, so /healthz and
# other pages are still answered while every worker is busy.
.venv/bin/gunicorn --config deploy/gunicorn.conf.py --workers 2 --worker-class gthread --threads 4 \
  --bind "${LMS_HOST:-127.0.0.1}:${LMS_PORT:-5000}" --access-logfile - "lms:create_app()"
