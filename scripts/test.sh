#!/usr/bin/env bash
# Quick start, command 2: install what the tests need and run every test.
# That is the Python packages, Debian's chromium (for the browser tests) and axe-core from the
# npm registry (for the accessibility checks). Extra arguments go to pytest.
# The tests run in one process per CPU (pytest-xdist); `-n 0` runs them in this one.
# Set LMS_TEST_DATABASE_URL=postgresql+psycopg://... to run the same suite on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_venv.sh test

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  echo "Installing Debian packages for the browser tests: ${missing[*]}..." >&2
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then
  npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
fi

exec .venv/bin/python -m pytest -n auto --dist worksteal "$@"
