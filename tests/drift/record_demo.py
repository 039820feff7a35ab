"""Regenerate the bundled demo cassettes: ``python -m tests.drift.record_demo [DIR]``.

Starts an embedded stub, calls every method of the bundled description through
``AriaClient`` with the recorder on (successes and typical errors, JSON and form encodings),
and writes one scrubbed cassette per method. ``aria-harness drift`` with no target replays
them against a fresh stub: a clean pass, and a check that the stub still answers as it did.
``record_scenarios`` records any such list of scenarios (the drift tests and bench use it).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["record_demo", "record_scenarios"]

# Ids of the stub's bundled default fixture (harness/stub/fixtures/default.yaml).
ACCT, MPI = 1000001, 20001
OTHER_ACCT = 1000003
MISSING_ACCT = 9999999
MISSING_INVOICE = 1

Scenario = Callable[[Any, dict[str, Any]], None]


def _clock(client: Any, state: dict[str, Any]) -> None:
    client.call("get_virtual_datetime_m")


def _advance(client: Any, state: dict[str, Any]) -> None:
    client.call("advance_virtual_datetime_m", offset_hours=24)
    client.call("advance_virtual_datetime_m")  # missing offset_hours


def _gen_invoice_m(client: Any, state: dict[str, Any]) -> None:
    answer = client.call("gen_invoice_m", acct_no=ACCT, master_plan_instance_no=MPI)
    state["invoice_no"] = answer.get("invoice_no") or MISSING_INVOICE
    client.call("gen_invoice_m", acct_no=MISSING_ACCT)


def _gen_invoice(client: Any, state: dict[str, Any]) -> None:
    client.call("gen_invoice", acct_no=OTHER_ACCT)
    client.call("gen_invoice", acct_no=MISSING_ACCT)


def _details(client: Any, state: dict[str, Any]) -> None:
    client.call("get_invoice_details_m", acct_no=ACCT, invoice_no=state["invoice_no"])
    client.call("get_invoice_details_m", acct_no=ACCT, invoice_no=MISSING_INVOICE)


def _order(client: Any, state: dict[str, Any]) -> None:
    items = [{"client_sku": "WIDGET", "units": 2}]
    client.call("create_order_m", account_no=ACCT, order_line_items_list=items, do_write="false")
    client.call(
        "create_order_m",
        account_no=ACCT,
        order_line_items_list=[{"client_sku": "NO-SUCH-SKU", "units": 1}],
        do_write="false",
    )


def _rebill(client: Any, state: dict[str, Any]) -> None:
    lines = [{"line_no": 1, "rb_units": 1}]
    client.call(
        "gen_rb_m",
        acct_no=ACCT,
        orig_invoice_no=state["invoice_no"],
        reason_cd=1,
        rb_line_items=lines,
        do_write="false",
    )
    client.call(
        "gen_rb_m",
        acct_no=ACCT,
        orig_invoice_no=MISSING_INVOICE,
        reason_cd=1,
        rb_line_items=lines,
        do_write="false",
    )


def _pending(client: Any, state: dict[str, Any]) -> None:
    client.call(
        "manage_pending_invoice_m", acct_no=ACCT, invoice_no=MISSING_INVOICE, action_directive=1
    )


# (cassette, encoding, scenario) in call order: later scenarios use what earlier ones made
SCENARIOS: tuple[tuple[str, str, Scenario], ...] = (
    ("get_virtual_datetime_m", "json", _clock),
    ("gen_invoice_m", "json", _gen_invoice_m),
    ("get_invoice_details_m", "json", _details),
    ("gen_rb_m", "json", _rebill),
    ("create_order_m", "form", _order),
    ("gen_invoice", "form", _gen_invoice),
    ("manage_pending_invoice_m", "json", _pending),
    ("advance_virtual_datetime_m", "json", _advance),
)


def record_scenarios(
    directory: str | Path,
    scenarios: Sequence[tuple[str, str, Scenario]],
    *,
    fixtures: Any = None,
) -> list[Path]:
    """Record each (file name, encoding, scenario) into its own cassette, against one stub.

    The scenarios share a ``state`` dict, so later ones can use what earlier ones created.
    """
    from harness.client import AriaClient
    from harness.recording import use_cassette
    from harness.stub import running_stub

    folder = Path(directory)
    written: list[Path] = []
    with running_stub(fixtures=fixtures, control=False) as server:
        state: dict[str, Any] = {}
        for name, encoding, scenario in scenarios:
            client = AriaClient(
                server.url,
                client_no=server.client_no,
                auth_key=server.auth_key,
                encoding=encoding,
                validate=False,
                is_stub=True,
            )
            with use_cassette(folder / name, record_mode="all"):
                scenario(client, state)
            written.append(folder / name)
    return written


def record_demo(directory: str | Path) -> list[Path]:
    """Record the demo cassettes into ``directory`` (replacing them); returns their paths."""
    target = Path(directory)
    with tempfile.TemporaryDirectory() as scratch:
        # replay goes in path order; later calls refer to what earlier ones created
        named = [
            (f"{number:02d}_{name}.yaml", encoding, scenario)
            for number, (name, encoding, scenario) in enumerate(SCENARIOS, 1)
        ]
        recorded = record_scenarios(scratch, named)
        target.mkdir(parents=True, exist_ok=True)
        for old in target.glob("*.yaml"):
            old.unlink()
        return [Path(shutil.copy2(path, target / path.name)) for path in recorded]


def main(argv: list[str] | None = None) -> int:
    """Record into the folder given (default: ./cassettes)."""
    args = sys.argv[1:] if argv is None else argv
    paths = record_demo(args[0] if args else "cassettes")
    sys.stdout.write("".join(f"wrote {path}\n" for path in paths))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
