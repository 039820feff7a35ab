#!/usr/bin/env sh
# Build the aria-harness wheel, install it into a fresh virtual environment and run this
# consumer project's tests from there with the same test code on every target:
#   stub (one process, then two xdist workers), cassette (the committed cassettes, sockets
#   blocked, two workers), live and record against a stub served over HTTP on 127.0.0.1
#   that stands in for a sandbox, then a replay of what was just recorded.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
python=${PYTHON:-python3}
work=$(mktemp -d)
sandbox_pid=""
cleanup() {
    if [ -n "$sandbox_pid" ]; then kill "$sandbox_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

"$python" -m build --wheel --outdir "$work/dist" "$repo" >/dev/null
"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install -q "$work"/dist/aria_harness-*.whl pytest-xdist httpx
pytest="$work/venv/bin/python -m pytest -q"
cd "$here"

# A fresh sandbox stand-in for each run that sends: its URL and credentials in ARIA_*.
start_sandbox() {
    "$work/venv/bin/aria-harness" stub --port 0 >"$work/sandbox.log" 2>&1 &
    sandbox_pid=$!
    tries=0
    until grep -q "auth_key:" "$work/sandbox.log"; do
        tries=$((tries + 1))
        if [ "$tries" -gt 300 ]; then cat "$work/sandbox.log"; exit 1; fi
        sleep 0.1
    done
    ARIA_BASE_URL=$(sed -n 's/^Aria stub listening on //p' "$work/sandbox.log")
    ARIA_CLIENT_NO=$(sed -n 's/^ *client_no: *//p' "$work/sandbox.log")
    ARIA_AUTH_KEY=$(sed -n 's/^ *auth_key: *//p' "$work/sandbox.log")
    export ARIA_BASE_URL ARIA_CLIENT_NO ARIA_AUTH_KEY
}
stop_sandbox() {
    kill "$sandbox_pid"
    wait "$sandbox_pid" 2>/dev/null || true
    sandbox_pid=""
    unset ARIA_BASE_URL ARIA_CLIENT_NO ARIA_AUTH_KEY
}

echo "== target: stub"
$pytest
$pytest -n 2
echo "== target: cassette (committed cassettes, sockets blocked)"
$pytest -n 2 --aria-target=cassette
echo "== target: live (a sandbox stand-in over HTTP)"
start_sandbox
$pytest --aria-target=live
stop_sandbox
echo "== target: record, then replay what was recorded"
start_sandbox
$pytest --aria-target=record --aria-cassette-dir="$work/cassettes"
stop_sandbox
$pytest -n 2 --aria-target=cassette --aria-cassette-dir="$work/cassettes"
