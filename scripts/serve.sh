#!/usr/bin/env bash
# Quick start, command 1: install everything, create the SQLite database with the bundled courses
# and one demo account per role, then serve the app at http://127.0.0.1:5000 (Ctrl+C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_venv.sh
.venv/bin/lms demo
echo
echo "Serving on http://${LMS_HOST:-127.0.0.1}:${LMS_PORT:-5000} (Ctrl+C to stop)"
exec .venv/bin/lms run --host "${LMS_HOST:-127.0.0.1}" --port "${LMS_PORT:-5000}"
