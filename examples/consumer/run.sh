#!/usr/bin/env sh
# Build the aria-harness wheel, install it into a fresh virtual environment and run this
# consumer project's tests from there, in one process and with two xdist workers.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$python" -m build --wheel --outdir "$work/dist" "$repo" >/dev/null
"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install -q "$work"/dist/aria_harness-*.whl pytest-xdist
cd "$here"
"$work/venv/bin/python" -m pytest -q
"$work/venv/bin/python" -m pytest -q -n 2
