"""The scanner finds every planted secret and nothing in placeholders; the scan command."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from harness.cli import main
from harness.recording.scan import scan_paths
from tests.recording.secrets import secrets


def _planted(tmp_path) -> tuple[list, dict[tuple[str, int], str]]:
    """Files with one secret per line at known lines, and what each line holds."""
    rng = random.Random(7)
    expected: dict[tuple[str, int], str] = {}
    lines = ["# a report", ""]
    planted = []
    for _ in range(20):
        found = secrets(rng)
        planted += [
            ("card number", f"charged {found['card']} ok"),
            ("card number", f"card {found['card_spaced']}"),
            ("card number", "card " + found["card_spaced"].replace(" ", "-")),
            ("track data", f"swipe {found['track2']}"),
            ("track data", f"swipe {found['track1']}"),
            ("IBAN", f"iban on file {found['iban']}"),
            ("auth_key-shaped value", f"token {found['auth_key']}"),
            ("sensitive field bill_email", f"bill_email={found['email'].replace(' ', '+')}"),
            ("sensitive field cvv", f'{{"cvv": "{found["cvv"]}"}}'),
            ("sensitive field auth_key", f"auth_key: {found['mandate']}"),
            ("sensitive field bank_routing_num", f"?bank_routing_num={found['routing']}&x=1"),
        ]
    report = tmp_path / "report.txt"
    for kind, line in planted:
        lines.append(line)
        expected[(str(report), len(lines))] = kind
    report.write_text("\n".join(lines) + "\n")
    cassette = tmp_path / "cassette.yaml"
    found = secrets(rng)
    body = json.dumps({"rest_call": "x", "bill_email": found["email"]}).replace("'", "''")
    cassette.write_text(
        "interactions:\n"
        "- request:\n"
        f"    body: '{body}'\n"
        "    headers:\n"
        "      auth_key:\n"
        f"      - {found['mandate']}\n"
        "version: 1\n"
    )
    expected[(str(cassette), 3)] = "sensitive field bill_email"
    expected[(str(cassette), 6)] = "sensitive field auth_key"
    return [report, cassette], expected


def test_scanner_finds_every_planted_secret(tmp_path):
    paths, expected = _planted(tmp_path)
    findings = scan_paths(paths)
    found = {(f.path, f.line) for f in findings}
    assert set(expected) <= found
    for (path, line), kind in expected.items():
        kinds = {f.kind for f in findings if (f.path, f.line) == (path, line)}
        assert any(found.startswith(kind) for found in kinds), (line, kinds)


# one request and response, as a recorder writes them (long lines included)
PLACEHOLDERS = """\
interactions:
- request:
    body: '{"auth_key":"ARIA_AUTH_KEY","client_no":"ARIA_CLIENT_NO","cc_number":"ARIA_CARD_LAST4_1111","cvv":"ARIA_REDACTED","bill_email":"ARIA_REDACTED","bank_acct_num":null,"acct_no":1234567,"invoice_no":98765432}'
    headers:
      Authorization:
      - ARIA_REDACTED
    method: POST
    uri: https://x.example/api?auth_key=ARIA_AUTH_KEY&bill_email=ARIA_REDACTED%7CARIA_REDACTED&bill_phone=
  response:
    body:
      string: '{"error_code":0,"error_msg":"OK","transaction_id":1700000000000,"total":1234.56,"date":"2026-01-01 10:00:00"}'
    status:
      code: 200
      message: OK
version: 1
"""


def test_scanner_reports_nothing_on_placeholders(tmp_path):
    path = tmp_path / "clean.yaml"
    path.write_text(PLACEHOLDERS)
    text = tmp_path / "clean.txt"
    text.write_text(PLACEHOLDERS)
    assert scan_paths([path, text]) == []


def test_scan_command_prints_location_and_kind_but_never_the_secret(tmp_path, capsys):
    bad = tmp_path / "bad.log"
    bad.write_text("ok\ncharged 4000 1234 5678 9017\n")
    assert main(["scan", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:2: card number" in out and "9017" not in out


@pytest.mark.parametrize(
    ("argv", "code"),
    [(["scan"], 2), (["scan", "/no/such/file"], 2)],
    ids=["no-path", "missing-path"],
)
def test_scan_command_usage_errors_exit_2(argv, code, capsys):
    assert main(argv) == code
    assert "Traceback" not in capsys.readouterr().err


def test_scan_command_exits_0_on_a_clean_folder(tmp_path):
    (tmp_path / "clean.yaml").write_text(PLACEHOLDERS)
    assert main(["scan", str(tmp_path)]) == 0


def test_an_e_mail_address_used_as_a_key_is_found(tmp_path):
    from harness.recording import scan_paths

    email = "jolantha.quackenbush@gmail.com"
    (tmp_path / "a.json").write_text(json.dumps({"contacts": {email: {"x": 1}}}))
    (tmp_path / "b.yaml").write_text(f"contacts:\n  {email}: 1\n")
    found = scan_paths([tmp_path / "a.json", tmp_path / "b.yaml"])
    assert sorted(Path(f.path).name for f in found if f.kind == "e-mail address") == [
        "a.json",
        "b.yaml",
    ]
