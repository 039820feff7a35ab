"""Against a target addressed by URL, invoice-generating calls leave only as dry runs."""

from __future__ import annotations

import socket

from harness.fuzz import ExitCode, run_fuzz
from harness.spec import registry
from tests.fuzz.conftest import MiniAria, fuzz_config


def _calls(app: MiniAria, method: str) -> list[dict]:
    return [params for params in app.received if params.get("rest_call") == method]


def test_url_target_receives_no_invoice_generating_call_without_dry_run(
    served_mini_aria: tuple[str, MiniAria],
) -> None:
    url, app = served_mini_aria
    result = run_fuzz(
        fuzz_config(
            app,
            app=None,
            base_url=url,
            state_digest=None,
            max_examples=8,
            phases=["coverage", "fuzzing"],
        )
    )
    assert result.exit_code == ExitCode.CLEAN, [r.message for r in result.failures]
    fuzzed = [registry()[name] for name in registry().names]  # the default: the core methods
    generating = [spec for spec in fuzzed if spec.invoicing.generates]
    for spec in generating:
        calls = _calls(app, spec.name)
        if spec.invoicing.dry_run_field is None:
            assert calls == [], spec.name
            assert spec.name in result.skipped
        else:
            assert calls, spec.name  # fuzzed, not skipped
            assert all(call.get(spec.invoicing.dry_run_field) == "false" for call in calls)
    # Nothing slipped past uncounted: a body the app could not parse must not carry a
    # refused method's rest_call either (generated values elsewhere may mention any name).
    refused = {spec.name for spec in generating if spec.invoicing.dry_run_field is None}
    for params in app.received:
        assert str(params.get("rest_call")) not in refused
        raw = str(params.get("_raw", ""))
        assert not any(f"rest_call={name}" in raw or f'"{name}"' in raw for name in refused)


def test_allow_invoicing_fuzzes_every_method_against_a_url(
    served_mini_aria: tuple[str, MiniAria],
) -> None:
    url, app = served_mini_aria
    result = run_fuzz(
        fuzz_config(
            app,
            app=None,
            base_url=url,
            state_digest=None,
            max_examples=5,
            phases=["fuzzing"],
            allow_invoicing=True,
            methods=["gen_invoice_m"],
        )
    )
    assert result.skipped == {}
    assert _calls(app, "gen_invoice_m")


def test_request_budget_bounds_what_the_target_receives(
    served_mini_aria: tuple[str, MiniAria],
) -> None:
    url, app = served_mini_aria
    result = run_fuzz(
        fuzz_config(app, app=None, base_url=url, state_digest=None, request_budget=40)
    )
    # One extra request: the reachability probe before the run.
    assert len(app.received) <= 41
    assert result.requests_sent == 40
    assert any("budget" in note for note in result.notes)
    assert result.exit_code == ExitCode.CLEAN, result.errors


def test_unreachable_url_exits_3() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run_fuzz(fuzz_config(MiniAria(), app=None, base_url=f"http://127.0.0.1:{port}"))
    assert result.exit_code == ExitCode.UNAVAILABLE


def test_an_unreachable_url_is_named_without_its_credentials() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://user:pw-77@127.0.0.1:{port}/?auth_key=Zq8xK2mP9vL4nR7tW3yB#token=tok-55"
    result = run_fuzz(fuzz_config(MiniAria(), app=None, base_url=url))
    assert result.exit_code == ExitCode.UNAVAILABLE
    shown = " ".join(result.errors) + result.target
    assert f"127.0.0.1:{port}" in shown
    for secret in ("pw-77", "Zq8xK2mP9vL4nR7tW3yB", "tok-55", "user"):
        assert secret not in shown, secret
