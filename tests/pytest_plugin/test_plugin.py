"""The pytest plugin as consumers use it, run in isolated pytest sessions (pytester)."""

from __future__ import annotations

import json

import pytest

# In-process pytester runs drop the modules they imported when they end; loading these here
# keeps one copy of PyYAML's and vcrpy's loaders for the whole session.
import harness.recording.config  # noqa: F401
import harness.recording.persist  # noqa: F401

CONSUMER_TESTS = """
import json, os, pytest

def _dump(name, value):
    with open(os.environ["RESULTS"], "a") as handle:
        handle.write(json.dumps([name, value], sort_keys=True) + "\\n")

@pytest.mark.aria_cassette
def test_virtual_clock(aria_client):
    before = aria_client.call("get_virtual_datetime_m")
    moved = aria_client.call("advance_virtual_datetime_m", offset_hours=48)
    after = aria_client.call("get_virtual_datetime_m")
    assert after["current_offset_hours"] == before["current_offset_hours"] + 48
    _dump("clock", [moved["error_code"], after["current_offset_hours"]])

@pytest.mark.aria_cassette
def test_invoice_then_details(aria_client):
    made = aria_client.call("gen_invoice_m", acct_no=1000001, master_plan_instance_no=20001)
    assert made["error_code"] == 0
    number = made["out_invoices_list"][0]["invoice_no"]
    details = aria_client.call("get_invoice_details_m", acct_no=1000001, src_transaction_id=number)
    _dump("invoice", [made["error_code"], details["error_code"]])

@pytest.mark.aria_cassette
@pytest.mark.parametrize("encoding_sku", ["WIDGET", "GADGET"])
def test_dry_run_order(aria_client, encoding_sku):
    answer = aria_client.call(
        "create_order_m", account_no=1000001, do_write=False,
        order_line_items_list=[{"client_sku": encoding_sku, "units": 2}],
    )
    _dump("order-" + encoding_sku, answer["error_code"])
"""

BLOCK_NETWORK = """
import os, socket, pytest

if os.environ.get("BLOCK_NETWORK"):
    def _refuse(*args, **kwargs):
        raise OSError("network blocked in this test run")
    socket.socket.connect = _refuse
    socket.socket.connect_ex = _refuse
    socket.create_connection = _refuse
"""


def _results(path) -> list:
    return sorted(json.loads(line) for line in path.read_text().splitlines())


def test_record_against_the_stub_then_replay_with_the_network_blocked(pytester, monkeypatch):
    pytester.makeconftest(BLOCK_NETWORK)
    pytester.makepyfile(test_consumer=CONSUMER_TESTS)
    recorded, replayed = pytester.path / "recorded.jsonl", pytester.path / "replayed.jsonl"

    monkeypatch.setenv("RESULTS", str(recorded))
    run = pytester.runpytest_subprocess("--aria-record-mode=once", "-p", "no:cacheprovider")
    run.assert_outcomes(passed=4)
    cassettes = sorted(p.name for p in (pytester.path / "cassettes" / "test_consumer").iterdir())
    assert cassettes == [
        "test_dry_run_order_GADGET.json",
        "test_dry_run_order_WIDGET.json",
        "test_invoice_then_details.json",
        "test_virtual_clock.json",
    ]
    text = (pytester.path / "cassettes" / "test_consumer" / "test_virtual_clock.json").read_text()
    assert "stub-demo-auth-key" not in text and "ARIA_AUTH_KEY" in text

    monkeypatch.setenv("RESULTS", str(replayed))
    monkeypatch.setenv("BLOCK_NETWORK", "1")
    run = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    run.assert_outcomes(passed=4)
    assert _results(replayed) == _results(recorded)
    run.stdout.fnmatch_lines(
        ["*record mode=none*", "*test_invoice_then_details: 2 Aria calls, 1 invoices*"]
    )


def test_replay_of_a_missing_cassette_fails_naming_the_file(pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.aria_cassette("nowhere.yaml")
        def test_x(aria_client):
            aria_client.call("get_virtual_datetime_m")
        """
    )
    run = pytester.runpytest("-p", "no:cacheprovider")
    run.assert_outcomes(errors=1)
    run.stdout.fnmatch_lines(["*cassettes/nowhere.yaml does not exist*--aria-record-mode=once*"])


def test_a_truncated_cassette_fails_the_test_naming_the_file(pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.aria_cassette("cut.yaml")
        def test_x(aria_client):
            aria_client.call("get_virtual_datetime_m")
        """
    )
    (pytester.path / "cassettes").mkdir()
    (pytester.path / "cassettes" / "cut.yaml").write_text("interactions:\n- request:\n    body: '{")
    run = pytester.runpytest("-p", "no:cacheprovider")
    run.assert_outcomes(errors=1)
    run.stdout.fnmatch_lines(["*CassetteError*cassettes/cut.yaml*"])


GUARD_TESTS = """
import pytest
from harness import InvoiceGuardError

def test_refused(aria_client):
    with pytest.raises(InvoiceGuardError, match="gen_invoice_m"):
        aria_client.call("gen_invoice_m", acct_no=1000001, master_plan_instance_no=20001)

@pytest.mark.aria_generates_invoice
def test_allowed_by_marker(aria_client):
    assert aria_client.call(
        "gen_invoice_m", acct_no=1000001, master_plan_instance_no=20002)["error_code"] == 0
"""


@pytest.mark.parametrize(
    ("flags", "outcomes"),
    [([], {"passed": 2}), (["--aria-allow-invoicing"], {"passed": 1, "failed": 1})],
    ids=["guarded", "allowed-by-option"],
)
def test_guard_against_a_non_stub_url(pytester, flags, outcomes):
    """The stub served on its URL but not declared as the stub: the guard treats it as real."""
    pytester.makeconftest(
        """
        import pytest
        from harness.stub import running_stub

        @pytest.fixture(scope="session", autouse=True)
        def _sandbox(pytestconfig):
            with running_stub(control=False) as server:
                pytestconfig.option.aria_base_url = server.url
                with pytest.MonkeyPatch.context() as patch:
                    patch.setenv("ARIA_CLIENT_NO", str(server.client_no))
                    patch.setenv("ARIA_AUTH_KEY", server.auth_key)
                    yield
        """
    )
    pytester.makepyfile(GUARD_TESTS)
    run = pytester.runpytest_subprocess("-p", "no:cacheprovider", *flags)
    run.assert_outcomes(**outcomes)


def test_options_markers_and_header(pytester):
    pytester.makepyfile("def test_x(aria_stub, aria_client):\n    assert aria_stub.url")
    run = pytester.runpytest("--help")
    run.stdout.fnmatch_lines(["*aria-harness*", "*--aria-base-url*", "*--aria-record-mode*"])
    run = pytester.runpytest("--markers")
    run.stdout.fnmatch_lines(
        ["*@pytest.mark.aria_cassette*", "*@pytest.mark.aria_generates_invoice*"]
    )
    run = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--aria-record-mode=all")
    run.stdout.fnmatch_lines(["aria-harness: target=embedded stub, record mode=all*"])
    run.assert_outcomes(passed=1)


def test_aria_config_fixture_is_overridden_but_the_cli_wins(pytester):
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture
        def aria_config():
            return {"cassette_dir": "from_fixture", "encoding": "form"}
        """
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.aria_cassette("c.yaml")
        def test_x(aria_client):
            assert aria_client.encoding == "form"
            aria_client.call("get_virtual_datetime_m")
        """
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider", "--aria-record-mode=once")
    assert (pytester.path / "from_fixture" / "c.yaml").is_file()
    pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--aria-record-mode=once", "--aria-cassette-dir=from_cli"
    )
    assert (pytester.path / "from_cli" / "c.yaml").is_file()


def test_xdist_workers_each_get_their_own_stub_and_keep_every_cassette(pytester):
    pytester.makepyfile(
        """
        import pytest

        # first: xdist hands the first four tests out round robin, two to each worker
        @pytest.mark.parametrize("n", range(4))
        def test_fresh_state(aria_stub, aria_client, n, worker_id):
            before = aria_client.call("get_virtual_datetime_m")["current_offset_hours"]
            aria_client.call("advance_virtual_datetime_m", offset_hours=24)
            assert before == 0  # reset per test
            with open(f"stub-{worker_id}-{n}.url", "w") as out:
                out.write(aria_stub.url)

        @pytest.mark.aria_cassette("shared.yaml")
        @pytest.mark.parametrize("n", range(8))
        def test_order(aria_client, n):
            aria_client.call(
                "create_order_m", account_no=1000001, do_write=False,
                order_line_items_list=[{"client_sku": "WIDGET", "units": n + 1}],
            )
        """
    )
    run = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-n", "2", "--aria-record-mode=new_episodes"
    )
    run.assert_outcomes(passed=12)
    urls: dict[str, set[str]] = {}
    for path in pytester.path.glob("stub-*.url"):
        urls.setdefault(path.name.split("-")[1], set()).add(path.read_text())
    # both workers ran stub tests, each always on one stub, and no two workers on the same one
    assert len(urls) == 2, urls
    assert all(len(seen) == 1 for seen in urls.values()), urls
    assert len(set().union(*urls.values())) == 2, urls
    from harness.recording.persist import load_interactions

    interactions, _ = load_interactions(pytester.path / "cassettes" / "shared.yaml")
    assert len(interactions) == 8
