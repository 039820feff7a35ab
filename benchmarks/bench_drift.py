"""Drift throughput and peak memory at 100 / 1,000 / 10,000 interactions, beside a reference.

    .venv/bin/python benchmarks/bench_drift.py [--sizes 100,1000,10000] [--reference-ref main]

Two suites, each copied into as many cassettes as a size needs:

- ``plain``: the bundled cassettes that replay the same however often (the clock, dry-run
  orders, an error), against a stub with the recording's ids. Both sides pass every
  interaction, so they do the same work: the fair comparison of throughput and memory.
- ``chain``: a consumer's chain (an order paid with a test card, its invoice's details, a
  rebill, the rebill's details, the clock), each copy with its own recorded ids, replayed
  against a stub whose ids differ (the issue's case). The reference cannot replay it (it sends
  the placeholders and the recorded ids), so it stops early on most interactions: its figures
  are of less work, shown for the memory trend.

Each run is a fresh Python process that measures its own peak RSS (the stub runs in this
process, not in the measured one), warmed up on a small folder before it is timed. The
reference is the drift of ``--reference-ref`` (default ``main``), taken from git into a
temporary folder; the two alternate which goes first from one size to the next.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHAIN = 5  # interactions per copy of the chain

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from harness.drift import DriftConfig, RetryPolicy, Target, run_drift
from harness.drift.reports import write_reports

url, client_no, auth_key, folder, warm, out = sys.argv[1:7]

def rss_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0

def run(path):
    target = Target(url, client_no, auth_key, is_stub=True)
    return run_drift(DriftConfig(cassettes=path, target=target, retry=RetryPolicy(attempts=1)))

run(warm)  # imports, caches and the connection pool warm
start_mib = rss_mib()
cpu = resource.getrusage(resource.RUSAGE_SELF)
begin = time.perf_counter()
result = run(folder)
seconds = time.perf_counter() - begin
after = resource.getrusage(resource.RUSAGE_SELF)
cpu_seconds = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
peak_run = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
write_reports(result, json=Path(out) / "drift.json", html=Path(out) / "drift.html")
peak_report = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"interactions": len(result.interactions), "seconds": seconds,
                  "cpu_seconds": cpu_seconds,
                  "counts": result.counts(), "start_mib": start_mib,
                  "peak_run_mib": peak_run, "peak_report_mib": peak_report}))
"""


def _chain(client: Any, state: dict[str, Any]) -> None:
    order = client.call(
        "create_order_m",
        account_no=1000001,
        order_line_items_list=[{"client_sku": "WIDGET", "units": 2}],
        bill_immediately=1,
        alt_pay_method=1,
        cc_number="4111111111111111",
        cc_expire_mm=12,
        cc_expire_yyyy=2031,
        cvv="123",
    )
    client.call("get_invoice_details_m", acct_no=1000001, invoice_no=order["invoice_no"])
    rebill = client.call(
        "gen_rb_m",
        acct_no=1000001,
        orig_invoice_no=order["invoice_no"],
        reason_cd=1,
        rb_line_items=[{"line_no": 1, "rb_units": 1}],
    )
    client.call("get_invoice_details_m", acct_no=1000001, invoice_no=rebill["invoice_no"])
    client.call("get_virtual_datetime_m")


def record_chain(folder: Path) -> Path:
    """One recorded chain (5 interactions) against the stub with its default ids."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # the demo recorder lives with the tests
    from tests.drift.record_demo import record_scenarios

    (path,) = record_scenarios(folder, [("chain.yaml", "json", _chain)])
    return path


def _recorded_ids(text: str) -> list[str]:
    # invoice, order and transaction numbers the stub handed out (its sequences' ranges)
    return sorted(set(re.findall(r"\b(?:9000\d\d|50000\d\d|800000\d\d)\b", text)))


def make_suite(chain: Path, folder: Path, size: int) -> Path:
    """``size`` interactions: copies of the chain, each copy's recorded ids its own."""
    text = chain.read_text()
    ids = _recorded_ids(text)
    folder.mkdir(parents=True, exist_ok=True)
    for copy in range(max(1, size // CHAIN)):
        shifted = text
        for number in ids:
            shifted = re.sub(rf"\b{number}\b", str(int(number) * 1000 + copy), shifted)
        (folder / f"chain-{copy:05d}.yaml").write_text(shifted)
    return folder


def make_warm(folder: Path) -> Path:
    """A small folder of reads only, so warming up changes nothing on the stub."""
    folder.mkdir(parents=True, exist_ok=True)
    clock = ROOT / "cassettes" / "01_get_virtual_datetime_m.yaml"
    for copy in range(20):
        shutil.copyfile(clock, folder / f"{copy:02d}.yaml")
    return folder


# bundled cassettes that replay the same however often: the clock, dry-run orders, an error
REPEATABLE = (
    "01_get_virtual_datetime_m.yaml",
    "05_create_order_m.yaml",
    "07_manage_pending_invoice_m.yaml",
)


def make_plain(folder: Path, size: int) -> Path:
    """About ``size`` interactions: copies of the repeatable bundled cassettes."""
    from harness.drift.cassettes import load_cassette

    paths = [ROOT / "cassettes" / name for name in REPEATABLE]
    per_copy = sum(len(load_cassette(path)) for path in paths)
    folder.mkdir(parents=True, exist_ok=True)
    for copy in range(max(1, round(size / per_copy))):
        for path in paths:
            shutil.copyfile(path, folder / f"{copy:05d}-{path.name}")
    return folder


def reference_tree(ref: str, into: Path) -> Path:
    """The harness package of a git ref, extracted (nothing installed)."""
    into.mkdir(parents=True, exist_ok=True)
    archive = into / "ref.tar"
    subprocess.run(
        [
            "git",
            "-C",
            str(ROOT),
            "archive",
            "-o",
            str(archive),
            ref,
            "harness",
            "openapi",
            "contracts",
            "cassettes",
        ],
        check=True,
    )
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into


def measure(
    tree: Path, suite: Path, warm: Path, scratch: Path, *, other_ids: bool
) -> dict[str, Any]:
    """One fresh process replaying ``suite`` against a fresh stub (with other ids, or not)."""
    from harness.stub import running_stub
    from harness.stub.fixtures import default_fixture_text, read_fixture

    fixture = read_fixture(default_fixture_text())
    if other_ids:
        fixture["id_sequences"] = {"invoice_no": 3_000_000, "order_no": 7_000_000}
    out = scratch / "reports"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    with running_stub(fixtures=fixture) as server:
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                _CHILD,
                server.url,
                str(server.client_no),
                str(server.auth_key),
                str(suite),
                str(warm),
                str(out),
            ],
            env=env,
            cwd=scratch,  # not the repository: "" on sys.path would shadow PYTHONPATH
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        raise SystemExit(f"the measured run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--suites", default="plain,chain")
    parser.add_argument("--reference-ref", default="main")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    ref_name = args.reference_ref
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        chain = record_chain(scratch)
        reference = reference_tree(ref_name, scratch / "reference")
        makers = {
            "plain": (lambda folder, size: make_plain(folder, size), False),
            "chain": (lambda folder, size: make_suite(chain, folder, size), True),
        }
        print(
            f"{'suite':<6} {'size':>6} {'code':<10} {'int/s':>7} {'seconds':>8} {'cpu s':>7} "
            f"{'start':>7} "
            f"{'peak':>7} {'+report':>8}  verdicts   (memory in MiB)"
        )
        turn = 0
        for suite_name in args.suites.split(","):
            make, other_ids = makers[suite_name]
            warm = make_warm(scratch / "warm")
            for size in sizes:
                folder = make(scratch / f"{suite_name}-{size}", size)
                runs = [("this", ROOT), (ref_name, reference)]
                if turn % 2:
                    runs.reverse()
                turn += 1
                found = {
                    name: measure(tree, folder, warm, scratch, other_ids=other_ids)
                    for name, tree in runs
                }
                for name in ("this", ref_name):
                    row = found[name]
                    counts = " ".join(f"{k}={v}" for k, v in row["counts"].items() if v)
                    print(
                        f"{suite_name:<6} {row['interactions']:>6} {name:<10} "
                        f"{row['interactions'] / row['seconds']:>7.0f} {row['seconds']:>8.2f} "
                        f"{row['cpu_seconds']:>7.2f} "
                        f"{row['start_mib']:>7.1f} {row['peak_run_mib']:>7.1f} "
                        f"{row['peak_report_mib']:>8.1f}  {counts}"
                    )
                this, ref = found["this"], found[ref_name]
                print(
                    f"{'':<6} {'':>6} ratio      this/{ref_name} throughput "
                    f"{ref['seconds'] / this['seconds']:.2f}; peak over start "
                    f"{this['peak_run_mib'] - this['start_mib']:.1f} vs "
                    f"{ref['peak_run_mib'] - ref['start_mib']:.1f} MiB, with the report "
                    f"{this['peak_report_mib'] - this['start_mib']:.1f} vs "
                    f"{ref['peak_report_mib'] - ref['start_mib']:.1f} MiB"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
