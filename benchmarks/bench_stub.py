"""Benchmark the stub beside a warm, silent Prism serving the real description, path by path.

Run from the repository root:

    .venv/bin/python benchmarks/bench_stub.py [--duration 5] [--connections 16] [--prism DIR]

Prints, measured side by side in one run:

- in-process: ``stub.call`` per path (nothing due, invoicing, create_order_m), calls per second
  and p50/p99 latency, with the goal (< 100 us) beside the invoicing paths;
- over loopback HTTP, per path: the stub (``aria-harness stub`` in its own process) and
  Stoplight Prism 5 (``prism mock -v silent``) serving the description's own paths of the
  measured methods (not all 250: Prism matches every path per request), so it validates
  every request against the method's request schema, and answering with the stub's own
  answer for that path as the example (the same size of body: the small 1002 for
  nothing due, the whole invoice for invoicing). Each target is warmed before it is measured,
  and the order alternates from path to path. The ratio and the goal (>= 2x) are printed, and
  beside them each server's CPU time per request (from /proc), which a busy machine disturbs
  less than throughput;
- memory: a fresh process's RSS after 20,000 billed orders and after a reset, with the goals
  (< 100 MiB, then < 50 MiB); the HTTP stub's RSS after the load and after a reset, and its
  time to ready.

Paths: "nothing due" is gen_invoice_m on an instance already billed (answer 1002); "invoicing"
is gen_invoice_m with the virtual clock far ahead and combine_invoices 2, so every call bills
one period (rotating over 32 instances of the Gold plan so none runs out, each past its first
invoice, whose activation charge makes it longer); "create_order_m" is an order billed at once,
invoiced and collected. After each stub load the bench checks that the path did its work all
along: every body answers as the path should once more, and one invoice was made per request.

Prism cannot route ``...php#method`` paths (the fragment never reaches a server), so its copy
of the description names them ``...php%23method`` and the load posts there. Prism comes from
``DIR/node_modules/.bin/prism``; when missing, the bench runs ``npm install
@stoplight/prism-cli`` into DIR (a temporary folder by default) and, if that fails, skips the
Prism rows with the reason. The load generator is ``wrk`` when installed, else a threaded
Python client with keep-alive (printed; it saturates before either server, so ratios shrink).
"""

from __future__ import annotations

import argparse
import copy
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

from harness.spec import DISPATCHER_PATH, registry  # noqa: E402
from harness.stub import Stub  # noqa: E402

CLIENT_NO, AUTH_KEY = 7000001, "stub-demo-auth-key-7000001"
CREDENTIALS = {"client_no": CLIENT_NO, "auth_key": AUTH_KEY}
# Hours the virtual clock moves ahead so that invoicing calls always have a month to bill:
# 900 years, 10,800 monthly periods per instance.
INVOICING_AHEAD = 24 * 366 * 900
# Instances the invoicing path rotates over (acct_no, master_plan_instance_no): the fixture's
# two on the Gold plan and 30 more created on it, so that every answer is the size of the one
# Prism sends (Gold's three lines) and the path never runs out of months under load (32 x
# 10,800 invoices; a warm-up and a measured run at 15,000 requests/s bill 150,000). Every run
# checks afterwards that each call invoiced.
INVOICING_INSTANCES = [(1000001, 20001), (1000002, 20003)]
EXTRA_INSTANCES = 30
EXTRA_PLAN = 10001  # Gold, the plan of the fixture's two
NOTHING_DUE = {"acct_no": 1000001, "master_plan_instance_no": 20001}
ORDER = {"account_no": 1000002, "order_line_items_list": [{"client_sku": "WIDGET", "units": 2}]}
GOAL_HTTP = 2.0
GOAL_IN_PROCESS_US = 100.0
GOAL_LOADED_MIB, GOAL_RESET_MIB = 100, 50
MEMORY_PROBE = """
import json, sys
from harness.stub import Stub

def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024

stub = Stub()
order = {**stub.credentials, "account_no": 1000002,
         "order_line_items_list": [{"client_sku": "WIDGET", "units": 2}]}
stub.call("create_order_m", **order)
fresh = rss()
for _ in range(int(sys.argv[1])):
    stub.call("create_order_m", **order)
loaded = rss()
stub.service.reset()
print(json.dumps({"fresh": fresh, "orders": loaded, "reset": rss()}))
"""


def bodies(path: str, instances: list[tuple[int, int]] | None = None) -> list[dict[str, Any]]:
    """The request bodies a path sends, in rotation (invoicing: over ``instances``)."""
    if path == "nothing due":
        return [{"rest_call": "gen_invoice_m", **CREDENTIALS, **NOTHING_DUE}]
    if path == "invoicing":
        return [
            {
                "rest_call": "gen_invoice_m",
                **CREDENTIALS,
                "acct_no": acct_no,
                "master_plan_instance_no": mpi_no,
                "combine_invoices": 2,
            }
            for acct_no, mpi_no in (instances or INVOICING_INSTANCES)
        ]
    return [{"rest_call": "create_order_m", **CREDENTIALS, **ORDER}]


PATHS = ("nothing due", "invoicing", "create_order_m")


def prepare(
    call: Callable[[dict[str, Any]], dict[str, Any]], path: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Bring a fresh stub to the path's steady state: the answer it then gives, and the bodies
    the path sends in rotation."""
    instances = list(INVOICING_INSTANCES)
    if path == "nothing due":
        call(bodies(path)[0])  # the first call bills; every later one has nothing due
    elif path == "invoicing":
        for index in range(EXTRA_INSTANCES):  # before the clock moves: billed from today
            name = f"BENCH-{index}"
            detail = {"plan_no": EXTRA_PLAN, "plan_instance_units": 1}
            out = call(
                {
                    "rest_call": "create_acct_complete_m",
                    **CREDENTIALS,
                    "acct": [
                        {
                            "client_acct_id": name,
                            "userid": name.lower(),
                            "dunning_group": [{}],
                            "billing_group": [{"client_billing_group_id": f"{name}-BG"}],
                            "master_plans_detail": [detail],
                        }
                    ],
                }
            )
            if out["error_code"] != 0:
                raise RuntimeError(f"create_acct_complete_m failed: {out['error_msg']}")
            account = out["out_acct"][0]
            instances.append(
                (account["acct_no"], account["master_plans_assigned"][0]["plan_instance_no"])
            )
        call(
            {
                "rest_call": "advance_virtual_datetime_m",
                **CREDENTIALS,
                "offset_hours": INVOICING_AHEAD,
            }
        )
    rotation = bodies(path, instances)
    if path == "invoicing":
        for body in rotation:  # each instance's first invoice adds its activation charge
            call(body)
    return call(rotation[0]), rotation


def check_after_load(
    call: Callable[[dict[str, Any]], dict[str, Any]],
    path: str,
    rotation: list[dict[str, Any]],
    first: dict[str, Any],
    served: float,
) -> str:
    """Whether every call of a load did the path's work: each body answers as the path should
    once more, and (invoicing paths) one invoice was made per request served."""
    expected = 1002 if path == "nothing due" else 0
    probes = [call(body) for body in rotation]
    codes = sorted({probe["error_code"] for probe in probes})
    if codes != [expected]:
        return f"NOT checked: after the load the path answers error_code {codes}, not {expected}"
    if path == "nothing due":
        return "every answer after the load is still 1002"
    made = probes[-1]["invoice_no"] - first["invoice_no"] - len(probes)
    return f"invoices made per request served: {made / served:.3f} (1.000 = every call billed)"


# In-process ---------------------------------------------------------------------------------


def time_calls(fn: Callable[[], Any], n: int) -> tuple[float, float, float]:
    """(calls per second, p50 us, p99 us) of n calls after a short warm-up."""
    for _ in range(min(300, n)):
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


def bench_in_process(n: int) -> list[tuple[str, float, float, float, str]]:
    rows = []
    for path in PATHS:
        stub = Stub()

        def call(body: dict[str, Any], stub: Stub = stub) -> dict[str, Any]:
            params = {k: v for k, v in body.items() if k != "rest_call"}
            return stub.call(body["rest_call"], **params)

        rotation = prepare(call, path)[1]
        index = [0]

        def one(call: Callable[..., Any] = call, rotation: list = rotation, index=index) -> Any:
            index[0] += 1
            return call(rotation[index[0] % len(rotation)])

        first = one()["error_code"]
        rate = time_calls(one, n)
        last = one()["error_code"]
        goal = f"goal < {GOAL_IN_PROCESS_US:g} us" if path != "nothing due" else ""
        rows.append((f"stub.call, {path}", *rate, f"error_code {first}..{last}  {goal}"))
        stub.service.close()
    return rows


def memory_after_orders(orders: int) -> dict[str, float]:
    """RSS in MiB of a fresh process: started, after the orders, after a reset."""
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(orders)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


# Servers ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, body: bytes, timeout: float = 60.0) -> float:
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


def prism_command(prism_dir: Path) -> tuple[list[str] | None, str]:
    """Prism's command line, installing it from npm into prism_dir when missing."""
    binary = prism_dir / "node_modules/.bin/prism"
    if not binary.exists():
        if not shutil.which("npm") or not shutil.which("node"):
            return None, "Prism skipped: node and npm are not installed"
        prism_dir.mkdir(parents=True, exist_ok=True)
        print(f"installing @stoplight/prism-cli into {prism_dir} ...", flush=True)
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "@stoplight/prism-cli@5"],
            cwd=prism_dir,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0 or not binary.exists():
            reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return None, f"Prism skipped: npm install @stoplight/prism-cli failed ({reason})"
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
    return [str(binary)], f"Prism {version.stdout.strip()}"


def prism_url(base: str, method: str) -> str:
    return f"{base}{DISPATCHER_PATH}%23{method}"


def prism_description(directory: Path, examples: dict[str, dict[str, Any]]) -> Path:
    """The real description of the measured methods, routable, the stub's answer as example.

    Only the paths the load posts to: Prism matches a request against every path of its
    description, so the whole A7 API (250 paths) would cost it several times more per request
    than the methods measured need; at its best it serves just those.
    """
    document = copy.deepcopy(dict(registry().document))
    measured = {_method_of(path) for path in PATHS}
    paths = {}
    for key, item in document["paths"].items():
        method = key.partition("#")[2]
        if method not in measured:
            continue
        paths[key.replace("#", "%23")] = item
        named = {path: answer for path, answer in examples.items() if _method_of(path) == method}
        if named:
            content = item["post"]["responses"]["200"]["content"]["application/json"]
            content["examples"] = {_example_name(path): {"value": a} for path, a in named.items()}
    document["paths"] = paths
    document.pop("x-aria-refinements", None)
    path = directory / "aria.json"
    path.write_text(json.dumps(document))
    return path


def _method_of(path: str) -> str:
    return str(bodies(path)[0]["rest_call"])


def _example_name(path: str) -> str:
    return path.replace(" ", "_")


# Load generation -----------------------------------------------------------------------------


def run_load(
    url: str,
    payloads: list[bytes],
    *,
    duration: float,
    connections: int,
    headers: dict[str, str] | None = None,
) -> tuple[float, float, float, int]:
    """(requests per second, p50 ms, p99 ms, non-2xx answers) of POSTing payloads in turn."""
    headers = {"Content-Type": "application/json", **(headers or {})}
    if shutil.which("wrk"):
        return run_wrk(url, payloads, headers, duration=duration, connections=connections)
    return run_python_load(url, payloads, headers, duration=duration, connections=connections)


def run_wrk(
    url: str, payloads: list[bytes], headers: dict[str, str], *, duration: float, connections: int
) -> tuple[float, float, float, int]:
    lua_bodies = ", ".join(json.dumps(p.decode()) for p in payloads)
    lua_headers = "".join(
        f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n" for k, v in headers.items()
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            'wrk.method = "POST"\n'
            f"{lua_headers}"
            f"local bodies = {{{lua_bodies}}}\n"
            "local i = 0\n"
            "request = function()\n"
            "  i = i % #bodies + 1\n"
            "  return wrk.format(nil, nil, nil, bodies[i])\n"
            "end\n"
        )
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t",
                "1",
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
    return (
        rate,
        _wrk_percentile(out, "50%"),
        _wrk_percentile(out, "99%"),
        int(non_2xx.group(1)) if non_2xx else 0,
    )


def _wrk_percentile(out: str, label: str) -> float:
    match = re.search(rf"^\s+{re.escape(label)}\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
    if match is None:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def run_python_load(
    url: str, payloads: list[bytes], headers: dict[str, str], *, duration: float, connections: int
) -> tuple[float, float, float, int]:
    latencies: list[list[float]] = [[] for _ in range(connections)]
    failures = [0] * connections
    deadline = time.perf_counter() + duration

    def worker(index: int) -> None:
        with requests.Session() as session:
            turn = index
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                answer = session.post(url, data=payloads[turn % len(payloads)], headers=headers)
                latencies[index].append((time.perf_counter() - start) * 1000)
                failures[index] += answer.status_code >= 300
                turn += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    merged = sorted(x for lat in latencies for x in lat)
    return (
        len(merged) / elapsed,
        statistics.median(merged),
        merged[int(len(merged) * 0.99)],
        sum(failures),
    )


# Main ----------------------------------------------------------------------------------------


class StubTarget:
    """``aria-harness stub`` in a process of its own, on a fresh state per path."""

    def __init__(self, proc: subprocess.Popen[str], base: str) -> None:
        self.proc, self.base = proc, base
        self.url = base + DISPATCHER_PATH

    def call(self, body: dict[str, Any]) -> dict[str, Any]:
        return dict(requests.post(self.url, json=body, timeout=10).json())

    def reset(self) -> None:
        requests.post(self.base + "/_stub/reset", timeout=10).raise_for_status()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of load per target")
    # Prism's JIT needs a few seconds of load to reach its steady rate (measured: 700 req/s in
    # its first 2 s, then 1,800-2,200)
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of load before each")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--calls", type=int, default=5000, help="in-process calls per row")
    parser.add_argument("--orders", type=int, default=20_000, help="orders for the memory row")
    parser.add_argument(
        "--prism", type=Path, default=None, help="npm prefix holding Prism (default: a temp dir)"
    )
    args = parser.parse_args()

    generator = "wrk -t1" if shutil.which("wrk") else "threaded Python client (requests)"
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load: {generator}, "
        f"{args.connections} connections, {args.warmup:g} s warm-up + {args.duration:g} s "
        "per target\n"
    )

    print("In-process")
    print(f"  {'what':34} {'calls/s':>10} {'p50 us':>9} {'p99 us':>9}  answer")
    for name, rate, p50, p99, note in bench_in_process(args.calls):
        print(f"  {name:34} {rate:10.0f} {p50:9.1f} {p99:9.1f}  {note}")

    print(f"\nMemory, a fresh process placing {args.orders} billed orders in-process")
    rss = memory_after_orders(args.orders)
    print(
        f"  RSS fresh {rss['fresh']:.1f} MiB; after the orders {rss['orders']:.1f} MiB "
        f"(goal < {GOAL_LOADED_MIB} MiB); after a reset {rss['reset']:.1f} MiB "
        f"(goal < {GOAL_RESET_MIB} MiB)"
    )

    with tempfile.TemporaryDirectory() as tmp:
        prism_dir = args.prism or Path(tmp) / "prism"
        prism, prism_note = prism_command(prism_dir)
        print(f"\nLoopback HTTP ({prism_note})")
        http_rows(args, prism, Path(tmp))


def http_rows(args: argparse.Namespace, prism: list[str] | None, tmp: Path) -> None:
    port = free_port()
    stub_cmd = [sys.executable, "-m", "harness", "stub", "--control", "--port", str(port)]
    results: dict[str, dict[str, tuple[float, float, float, int]]] = {}
    with process(stub_cmd) as proc:
        assert proc.stdout is not None
        started = time.perf_counter()
        base = proc.stdout.readline().rsplit(" ", 1)[-1].strip()
        stub = StubTarget(proc, base)
        ready = (time.perf_counter() - started) + wait_ready(
            stub.url, json.dumps(bodies("nothing due")[0]).encode()
        )
        rss_idle = rss_mib(proc.pid)[0]
        examples, rotations = {}, {}
        for path in PATHS:
            stub.reset()
            examples[path], rotations[path] = prepare(stub.call, path)
        checks: dict[str, str] = {}
        mock: subprocess.Popen[str] | None = None
        prism_base = ""
        prism_ready = float("nan")
        with contextmanager_or_none(prism, tmp, examples) as launched:
            if launched is not None:
                mock, prism_base, prism_ready = launched
            for turn, path in enumerate(PATHS):
                payloads = [json.dumps(body).encode() for body in rotations[path]]
                order = ["stub", "prism"] if turn % 2 == 0 else ["prism", "stub"]
                for target in order:
                    if target == "stub":
                        stub.reset()
                        first, rotation = prepare(stub.call, path)
                        assert rotation == rotations[path]  # a reset stub numbers alike
                        url, headers = stub.url, {}
                    elif mock is not None:
                        url = prism_url(prism_base, _method_of(path))
                        headers = {"Prefer": f"example={_example_name(path)}"}
                    else:
                        continue
                    pid = proc.pid if target == "stub" else mock.pid  # type: ignore[union-attr]
                    served_in_all = 0.0
                    for seconds in (args.warmup, args.duration):  # warm-up, then measured
                        cpu_before = _tree_cpu(pid)
                        measured = run_load(
                            url,
                            payloads,
                            duration=seconds,
                            connections=args.connections,
                            headers=headers,
                        )
                        cpu = _tree_cpu(pid) - cpu_before
                        served_in_all += measured[0] * max(1, round(seconds))
                    served = measured[0] * max(1, round(args.duration))
                    results.setdefault(path, {})[target] = (*measured, cpu / served * 1e6)
                    if target == "stub":
                        checks[path] = check_after_load(
                            stub.call, path, rotation, first, served_in_all
                        )
            prism_rss = _tree_rss(mock.pid) if mock is not None else float("nan")
        rss_loaded, rss_peak = rss_mib(proc.pid)
        stub.reset()
        time.sleep(0.2)
        rss_reset = rss_mib(proc.pid)[0]

    print(
        f"  {'path':16} {'target':32} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>7}"
        f" {'server CPU us/req':>17}"
    )
    labels = {"stub": "stub (its own HTTP server)", "prism": "Prism 5, -v silent, validating"}
    for path, targets in results.items():
        size = len(json.dumps(examples[path], separators=(",", ":")))
        for key, label in labels.items():
            if key in targets:
                rate, p50, p99, bad, cpu_us = targets[key]
                print(
                    f"  {path:16} {label:32} {rate:8.0f} {p50:7.2f} {p99:7.2f} {bad:7d}"
                    f" {cpu_us:17.0f}"
                )
        print(f"  {path:16} {'stub, checked after the load':32} {checks[path]}")
        if "prism" in targets:
            ratio = targets["stub"][0] / targets["prism"][0]
            cpu_ratio = targets["prism"][4] / targets["stub"][4]
            verdict = "met" if ratio >= GOAL_HTTP else "NOT met"
            print(
                f"  {path:16} {'stub / Prism':32} {ratio:7.2f}x   goal >= {GOAL_HTTP:g}x: "
                f"{verdict}; CPU per request {cpu_ratio:.2f}x less (answer {size} bytes)"
            )

    print("\nStub server process")
    print(f"  time to ready (launch to first answered call): {ready:.3f} s")
    print(
        f"  RSS idle: {rss_idle:.1f} MiB; after the load: {rss_loaded:.1f} MiB (peak "
        f"{rss_peak:.1f}); after a reset: {rss_reset:.1f} MiB"
    )
    if prism is not None:
        print(f"  Prism for comparison: ready in {prism_ready:.3f} s, RSS {prism_rss:.1f} MiB")


@contextmanager
def contextmanager_or_none(
    prism: list[str] | None, tmp: Path, examples: dict[str, dict[str, Any]]
) -> Iterator[tuple[subprocess.Popen[str], str, float] | None]:
    """Prism serving the description, or None when it is not available."""
    if prism is None:
        yield None
        return
    description = prism_description(tmp, examples)
    port = free_port()
    # as a user runs it: Prism validates every request against the description by default
    # (--errors would turn violations into 422s and, measured, halves its throughput)
    command = [*prism, "mock", "-v", "silent", "-h", "127.0.0.1", "-p", str(port)]
    started = time.perf_counter()
    with process([*command, str(description)], read_stdout=False) as mock:
        base = f"http://127.0.0.1:{port}"
        probe = json.dumps(bodies("nothing due")[0]).encode()
        ready = (time.perf_counter() - started) + wait_ready(
            prism_url(base, "gen_invoice_m"), probe
        )
        yield mock, base, ready


def _tree_pids(pid: int) -> list[int]:
    """A process and its direct children (node spawns helpers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [pid, *(int(p) for p in children.read_text().split())] if children.exists() else [pid]


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its children."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for each in _tree_pids(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _tree_rss(pid: int) -> float:
    """RSS of a process and its children (node spawns helpers), in MiB."""
    total = 0.0
    for each in _tree_pids(pid):
        try:
            total += rss_mib(each)[0]
        except (FileNotFoundError, KeyError):
            pass
    return total


if __name__ == "__main__":
    main()
