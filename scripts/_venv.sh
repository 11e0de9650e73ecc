# Sourced by the other scripts: make .venv (installing Debian's venv support if it is missing)
# and install the project into it. Usage: . scripts/_venv.sh [extra]   e.g. ". scripts/_venv.sh test"
extra="${1:-}"
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "lms needs Python 3.11 or newer as '$python' (set PYTHON=/path/to/python3.11 to choose one)." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  if ! "$python" -m venv .venv >/dev/null 2>&1; then
    rm -rf .venv
    echo "Installing Debian's python3-venv (needed to make a virtual environment)..." >&2
    if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    "$python" -m venv .venv
  fi
fi
if [ -n "$extra" ]; then target=".[$extra]"; else target="."; fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$target"
