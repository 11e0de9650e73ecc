#!/usr/bin/env bash
# Quick start, command 2: install what the tests need and run every test.
# Set LMS_TEST_DATABASE_URL=postgresql+psycopg://... to run the same suite on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_venv.sh test
exec .venv/bin/python -m pytest "$@"
