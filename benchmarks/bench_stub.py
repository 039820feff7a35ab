"""Benchmark the stub: in-process and over loopback HTTP, beside a trivial app and Prism.

Run from the repository root:

    .venv/bin/python benchmarks/bench_stub.py [--duration 5] [--connections 16] [--prism DIR]

Prints, measured side by side in one run:

- in-process calls per second and p50/p99 latency of ``stub.call`` and of the WSGI callable
  for gen_invoice_m and create_order_m (and a bare WSGI app, for scale);
- over loopback HTTP: the stub (``aria-harness stub`` in its own process), a trivial ASGI app
  under the same uvicorn settings, and Stoplight Prism mocking the same operation from a static
  example; requests per second and p50/p99 latency with one load generator for all three;
- the stub server's RSS and its time from launch to its first answered call.

The load generator is ``wrk`` when installed, else a bounded threaded Python client with
keep-alive (printed). Prism comes from ``DIR/node_modules/.bin/prism`` (``cd DIR && npm
install @stoplight/prism-cli``) or ``npx --no-install``; without it that column is skipped
with the reason.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.spec import DISPATCHER_PATH  # noqa: E402
from harness.stub import Stub  # noqa: E402

CLIENT_NO, AUTH_KEY = 7000001, "stub-demo-auth-key-7000001"
CALLS: dict[str, dict[str, Any]] = {
    # After its first invoice the billing group has nothing due: each later call validates
    # everything, looks the instance up and answers that no invoice is due (the steady state).
    "gen_invoice_m": {"acct_no": 1000001, "master_plan_instance_no": 20001},
    # A real write: an order billed immediately, invoiced and collected through the test gateway.
    "create_order_m": {
        "account_no": 1000002,
        "order_line_items_list": [{"client_sku": "WIDGET", "units": 2}],
    },
}
# Hours the virtual clock moves ahead so that every gen_invoice_m call has a month to bill.
INVOICING_AHEAD = 24 * 366 * 900
TRIVIAL_APP = """
import sys
from harness.stub.server import bind, make_server
BODY = b'{"error_code":0,"error_msg":"OK"}'
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    more = True
    while more:
        more = (await receive()).get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
sock = bind("127.0.0.1", 0)
print(f"http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
make_server(app, port=sock.getsockname()[1]).run(sockets=[sock])
"""


def body_of(method: str) -> dict[str, Any]:
    return {"rest_call": method, "client_no": CLIENT_NO, "auth_key": AUTH_KEY, **CALLS[method]}


# In-process ---------------------------------------------------------------------------------


def time_calls(fn: Callable[[], Any], n: int) -> tuple[float, float, float]:
    """(calls per second, p50 us, p99 us) of n calls after a short warm-up."""
    for _ in range(min(200, n)):
        fn()
    samples = []
    clock = time.perf_counter_ns
    for _ in range(n):
        start = clock()
        fn()
        samples.append(clock() - start)
    samples.sort()
    total = sum(samples) / 1e9
    return n / total, samples[len(samples) // 2] / 1e3, samples[int(len(samples) * 0.99)] / 1e3


def wsgi_caller(app: Callable[..., Any], body: bytes) -> Callable[[], Any]:
    import io

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        pass

    def call() -> bytes:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": DISPATCHER_PATH,
            "QUERY_STRING": "",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
        }
        return b"".join(app(environ, start_response))

    return call


def bench_in_process(n: int) -> list[tuple[str, float, float, float, str]]:
    rows = []

    def bare_wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
        start_response("200 OK", [("content-type", "application/json")])
        return [b'{"error_code":0,"error_msg":"OK"}']

    rows.append(("bare WSGI app", *time_calls(wsgi_caller(bare_wsgi, b"{}"), n), ""))
    for method in CALLS:
        stub = Stub()
        params = {k: v for k, v in body_of(method).items() if k != "rest_call"}
        first = stub.call(method, **params)["error_code"]
        rate = time_calls(lambda s=stub, m=method, p=params: s.call(m, **p), n)
        last = stub.call(method, **params)["error_code"]
        rows.append((f"stub.call {method}", *rate, f"error_code {first} first, {last} after"))
        stub.service.close()
        stub = Stub()
        call = wsgi_caller(stub.wsgi_app, json.dumps(body_of(method)).encode())
        first = json.loads(call())["error_code"]
        rate = time_calls(call, n)
        last = json.loads(call())["error_code"]
        rows.append((f"WSGI {method}", *rate, f"error_code {first} first, {last} after"))
        stub.service.close()
    # gen_invoice_m that generates an invoice on every call: the virtual clock moved centuries
    # ahead and combine_invoices 2 (one period per call) keep a monthly period always due.
    stub = Stub()
    stub.call("advance_virtual_datetime_m", **stub.credentials, offset_hours=INVOICING_AHEAD)
    params = {**stub.credentials, **CALLS["gen_invoice_m"], "combine_invoices": 2}
    first = stub.call("gen_invoice_m", **params)["error_code"]
    rate = time_calls(lambda: stub.call("gen_invoice_m", **params), n)
    last = stub.call("gen_invoice_m", **params)["error_code"]
    note = f"error_code {first} first, {last} after (an invoice per call)"
    rows.append(("stub.call gen_invoice_m, invoicing", *rate, note))
    stub.service.close()
    return rows


# Servers ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, body: bytes, timeout: float = 30.0) -> float:
    """Seconds until url answers a POST with 200; polls every 5 ms."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            response = requests.post(
                url, data=body, headers={"Content-Type": "application/json"}, timeout=1
            )
            if response.status_code == 200:
                return time.perf_counter() - start
        except requests.RequestException:
            pass
        time.sleep(0.005)
    raise RuntimeError(f"{url} not ready within {timeout} s")


@contextmanager
def process(command: list[str], *, read_stdout: bool = True) -> Iterator[subprocess.Popen[str]]:
    # An unread pipe fills up and stalls a server that logs each request (Prism does).
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE if read_stdout else subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def rss_mib(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a process in MiB, from /proc."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def prism_command(prism_dir: Path | None) -> list[str] | None:
    if prism_dir is not None and (prism_dir / "node_modules/.bin/prism").exists():
        return [str(prism_dir / "node_modules/.bin/prism")]
    if shutil.which("npx") and shutil.which("node"):
        probe = subprocess.run(
            ["npx", "--no-install", "prism", "--version"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if probe.returncode == 0:
            return ["npx", "--no-install", "prism"]
    return None


def prism_spec(directory: Path, example: dict[str, Any]) -> Path:
    """A one-operation OpenAPI file whose answer is a static example."""
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "Aria dispatcher (static example)", "version": "1"},
        "paths": {
            DISPATCHER_PATH: {
                "post": {
                    "operationId": "dispatch",
                    "requestBody": {
                        "content": {"application/json": {"schema": {"type": "object"}}}
                    },
                    "responses": {
                        "200": {
                            "description": "the envelope",
                            "content": {"application/json": {"example": example}},
                        }
                    },
                }
            }
        },
    }
    path = directory / "aria-dispatcher.json"
    path.write_text(json.dumps(spec))
    return path


# Load generation -----------------------------------------------------------------------------


def run_load(
    url: str, body: bytes, *, duration: float, connections: int
) -> tuple[float, float, float]:
    """(requests per second, p50 ms, p99 ms) of POSTing body to url."""
    if shutil.which("wrk"):
        return run_wrk(url, body, duration=duration, connections=connections)
    return run_python_load(url, body, duration=duration, connections=connections)


def run_wrk(
    url: str, body: bytes, *, duration: float, connections: int
) -> tuple[float, float, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            'wrk.method = "POST"\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
            f"wrk.body = {json.dumps(body.decode())}\n"
        )
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                str(connections),
                "-d",
                f"{max(1, round(duration))}s",
                "--latency",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=duration + 60,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non_2xx:
        print(f"    note: {non_2xx.group(1)} non-2xx answers from {url}")
    return rate, _wrk_percentile(out, "50%"), _wrk_percentile(out, "99%")


def _wrk_percentile(out: str, label: str) -> float:
    match = re.search(rf"^\s+{re.escape(label)}\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
    if match is None:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def run_python_load(
    url: str, body: bytes, *, duration: float, connections: int
) -> tuple[float, float, float]:
    latencies: list[list[float]] = [[] for _ in range(connections)]
    deadline = time.perf_counter() + duration

    def worker(index: int) -> None:
        with requests.Session() as session:
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                session.post(url, data=body, headers={"Content-Type": "application/json"})
                latencies[index].append((time.perf_counter() - start) * 1000)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    merged = sorted(x for lat in latencies for x in lat)
    return len(merged) / elapsed, statistics.median(merged), merged[int(len(merged) * 0.99)]


# Main ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of load per target")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--calls", type=int, default=5000, help="in-process calls per row")
    parser.add_argument("--prism", type=Path, default=Path("/tmp/prism"), help="npm prefix")
    args = parser.parse_args()

    generator = (
        "wrk -t2" if shutil.which("wrk") else "threaded Python client (requests, keep-alive)"
    )
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load: {generator}, "
        f"{args.connections} connections, {args.duration:g} s per target\n"
    )

    print("In-process")
    print(f"  {'what':38} {'calls/s':>10} {'p50 us':>9} {'p99 us':>9}  answer")
    for name, rate, p50, p99, note in bench_in_process(args.calls):
        print(f"  {name:38} {rate:10.0f} {p50:9.1f} {p99:9.1f}  {note}")

    print("\nLoopback HTTP")
    results: dict[str, dict[str, tuple[float, float, float]]] = {}
    rss_after: dict[str, float] = {}
    with process([sys.executable, "-m", "harness", "stub", "--port", str(free_port())]) as stub:
        assert stub.stdout is not None
        started = time.perf_counter()
        url = stub.stdout.readline().rsplit(" ", 1)[-1].strip() + DISPATCHER_PATH
        ready = (time.perf_counter() - started) + wait_ready(
            url, json.dumps(body_of("gen_invoice_m")).encode()
        )
        rss_idle, _ = rss_mib(stub.pid)
        example = requests.post(url, json=body_of("gen_invoice_m"), timeout=5).json()
        for method in CALLS:
            body = json.dumps(body_of(method)).encode()
            rate = run_load(url, body, duration=args.duration, connections=args.connections)
            code = requests.post(url, json=body_of(method), timeout=5).json()["error_code"]
            results.setdefault(method, {})["stub"] = rate
            rss_after[method] = rss_mib(stub.pid)[0]
            print(
                f"  stub {method}: {rate[0]:.0f} req/s (steady-state answer: error_code {code}); "
                f"RSS after: {rss_after[method]:.1f} MiB"
            )
        rss_now, rss_peak = rss_mib(stub.pid)
    with process([sys.executable, "-c", TRIVIAL_APP]) as trivial:
        assert trivial.stdout is not None
        trivial_url = trivial.stdout.readline().strip() + DISPATCHER_PATH
        wait_ready(trivial_url, b"{}")
        for method in CALLS:
            body = json.dumps(body_of(method)).encode()
            results[method]["trivial"] = run_load(
                trivial_url, body, duration=args.duration, connections=args.connections
            )
    prism = prism_command(args.prism)
    prism_note = ""
    prism_ready = prism_rss = float("nan")
    if prism is None:
        prism_note = (
            f"Prism skipped: no {args.prism}/node_modules/.bin/prism and "
            "`npx --no-install prism` failed (cd /tmp/prism && npm install @stoplight/prism-cli)"
        )
    else:
        with tempfile.TemporaryDirectory() as tmp:
            spec = prism_spec(Path(tmp), example)
            port = free_port()
            command = [*prism, "mock", "-h", "127.0.0.1", "-p", str(port), str(spec)]
            started = time.perf_counter()
            with process(command, read_stdout=False) as mock:
                prism_url = f"http://127.0.0.1:{port}{DISPATCHER_PATH}"
                prism_ready = (time.perf_counter() - started) + wait_ready(prism_url, b"{}")
                for method in CALLS:
                    body = json.dumps(body_of(method)).encode()
                    results[method]["prism"] = run_load(
                        prism_url, body, duration=args.duration, connections=args.connections
                    )
                prism_rss = _tree_rss(mock.pid)

    print(f"\n  {'method':16} {'target':30} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
    labels = {
        "stub": "stateful stub (uvicorn)",
        "trivial": "trivial ASGI app (uvicorn)",
        "prism": "Prism mock (static example)",
    }
    for method, targets in results.items():
        for key, label in labels.items():
            if key in targets:
                rate, p50, p99 = targets[key]
                print(f"  {method:16} {label:30} {rate:9.0f} {p50:8.2f} {p99:8.2f}")
        if "prism" in targets:
            ratio = targets["stub"][0] / targets["prism"][0]
            print(f"  {method:16} {'stub / Prism':30} {ratio:9.2f}x   (goal >= 2x)")
        ratio = targets["stub"][0] / targets["trivial"][0]
        print(f"  {method:16} {'stub / trivial app':30} {ratio:9.2f}x")
    if prism_note:
        print(f"  {prism_note}")

    print("\nStub server process")
    print(f"  time to ready (launch to first answered call): {ready:.3f} s   (goal < 0.5 s)")
    print(
        f"  RSS idle after start: {rss_idle:.1f} MiB; after the load: {rss_now:.1f} MiB, "
        f"peak {rss_peak:.1f} MiB   (goal < 50 MiB)"
    )
    if prism is not None:
        print(f"  Prism for comparison: ready in {prism_ready:.3f} s, RSS {prism_rss:.1f} MiB")


def _tree_rss(pid: int) -> float:
    """RSS of a process and its children (npx/node spawn helpers), in MiB."""
    total = 0.0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for each in pids:
        try:
            total += rss_mib(each)[0]
        except (FileNotFoundError, KeyError):
            pass
    return total


if __name__ == "__main__":
    main()
