"""``aria-harness import`` (Ruby VCR, HAR) and ``aria-harness scrub``: nothing secret is left."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlencode

import harness.recording.config  # noqa: F401 - loaded once for the in-process pytester runs
import harness.recording.persist  # noqa: F401
from harness.cli import main
from harness.drift import load_cassette
from harness.recording.scan import scan_paths
from tests.recording.fake_aria import FakeAria
from tests.recording.test_secrets import LIVE

LIVE_KEY = "Zx81Kq0aPl2Mv7Rt5Wn3Yb9Hc4Jd6"
DISPATCHER = "https://secure.future.stage.ariasystems.net/api/ws/api_ws_class_dispatcher.php"


def _clock_answer() -> str:
    app = FakeAria()
    _, body = app.answer({"rest_call": "get_virtual_datetime_m", "auth_key": _fake_key()})
    return body.decode()


def _fake_key() -> str:
    from tests.recording.fake_aria import AUTH_KEY

    return AUTH_KEY


def _ruby_vcr_2(answer: str) -> str:
    """A cassette as the 2012 Ruby client's VCR 2.0 wrote it: form body, live key, echoes."""
    form = urlencode(
        {
            "rest_call": "get_virtual_datetime_m",
            "output_format": "json",
            "client_no": "3760001",
            "auth_key": LIVE_KEY,
        }
    )
    answer_with_echo = json.dumps({**json.loads(answer), "echo_key": LIVE_KEY})
    return f"""---
http_interactions:
- request:
    method: post
    uri: {DISPATCHER}
    body:
      encoding: US-ASCII
      string: {form}
    headers:
      Content-Type:
      - application/x-www-form-urlencoded
      Accept:
      - '*/*'
  response:
    status:
      code: 200
      message: OK
    headers:
      Content-Type:
      - application/json
      Set-Cookie:
      - PHPSESSID=6f1d0c3a9b8e7f6a5c4d3e2f1a0b9c8d; path=/
    body:
      encoding: UTF-8
      base64_string: |
        {base64.b64encode(answer_with_echo.encode()).decode()}
    http_version:
  recorded_at: Tue, 02 Oct 2012 17:37:08 GMT
recorded_with: VCR 2.0.1
"""


REPLAY_TEST = """
import pytest

@pytest.mark.aria_cassette("clock.yaml")
def test_clock(aria_client):
    answer = aria_client.call("get_virtual_datetime_m")
    assert answer["error_code"] == 0 and answer["virtual_date"] == "2026-01-01"
"""


def test_a_ruby_vcr_2_cassette_is_imported_scrubbed_and_replays(pytester, capsys):
    source = pytester.path / "ruby" / "clock.yml"
    source.parent.mkdir()
    source.write_text(_ruby_vcr_2(_clock_answer()))
    assert scan_paths([source])  # the scanner sees the live key in the Ruby cassette

    assert main(["import", str(source), "--to", str(pytester.path / "cassettes")]) == 0
    out = capsys.readouterr().out
    assert "auth_key (auth key) x1" in out and LIVE_KEY not in out
    written = pytester.path / "cassettes" / "clock.yaml"
    text = written.read_text()
    assert LIVE_KEY not in text and "6f1d0c3a9b8e" not in text and "3760001" not in text
    assert scan_paths([written]) == []

    (interaction,) = load_cassette(written)  # drift reads it like a recorded cassette
    assert interaction.method == "get_virtual_datetime_m" and interaction.request.encoding == "form"
    assert interaction.response.json()["virtual_date"] == "2026-01-01"

    pytester.makepyfile(test_replay=REPLAY_TEST)
    run = pytester.runpytest("-p", "no:cacheprovider")
    run.assert_outcomes(passed=1)


def test_a_har_file_is_imported_scrubbed(tmp_path, capsys):
    entry = {
        "request": {
            "method": "POST",
            "url": DISPATCHER,
            "headers": [{"name": "X-Api-Token", "value": "lowercasetoken"}],
            "postData": {
                "mimeType": "application/json",
                "text": json.dumps({"rest_call": "x", "auth_key": LIVE_KEY, "cc_number": LIVE}),
            },
        },
        "response": {
            "status": 200,
            "statusText": "OK",
            "headers": [{"name": "Content-Encoding", "value": "gzip"}],
            "content": {"mimeType": "application/json", "text": json.dumps({"note": LIVE})},
        },
    }
    har = tmp_path / "session.har"
    har.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry]}}))
    assert main(["import", str(har), "--to", str(tmp_path / "out"), "--format", "json"]) == 0
    text = (tmp_path / "out" / "session.json").read_text()
    for value in (LIVE_KEY, LIVE, "lowercasetoken"):
        assert value not in text
    assert scan_paths([tmp_path / "out"]) == []
    assert "cc_number (card number) x1" in capsys.readouterr().out


def test_import_refuses_what_is_neither_format(tmp_path, capsys):
    other = tmp_path / "x.yaml"
    other.write_text("hello: world\n")
    assert main(["import", str(other), "--to", str(tmp_path / "out")]) == 1
    assert "neither a Ruby VCR cassette" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def _old_cassette(tmp_path):
    """A cassette written before today's scrubbers (raw JSON, as an older version left it)."""
    body = json.dumps({"rest_call": "x", "password": "hunter2hunter2", "first_name": "Jo"})
    answer = json.dumps({"error_code": 0, "error_msg": f"saw card {LIVE} for Jo"})
    data = {
        "interactions": [
            {
                "request": {
                    "method": "POST",
                    "uri": DISPATCHER,
                    "body": body,
                    "headers": {"Content-Type": ["application/json"], "Api-Key": ["abc"]},
                },
                "response": {
                    "status": {"code": 200, "message": "OK"},
                    "headers": {"Content-Type": ["application/json"]},
                    "body": {"string": answer},
                },
            }
        ],
        "version": 1,
    }
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    return path


def test_scrub_rewrites_in_place_and_reports_field_and_kind(tmp_path, capsys):
    path = _old_cassette(tmp_path)
    assert main(["scrub", str(tmp_path)]) == 0
    text = path.read_text()
    for value in ("hunter2hunter2", LIVE, '"Jo"', "for Jo"):
        assert value not in text
    out = capsys.readouterr().out
    assert "password (sensitive value) x1" in out and "Api-Key (sensitive value) x1" in out
    assert "hunter2" not in out and LIVE not in out
    assert [p.name for p in tmp_path.iterdir()] == ["old.json"]  # no temporary file left


def test_scrub_refuses_a_file_it_cannot_fully_read_and_leaves_it(tmp_path, capsys):
    path = tmp_path / "broken.yaml"
    path.write_text("interactions:\n- request: {method: POST, uri: x}\n")  # truncated
    before = path.read_bytes()
    assert main(["scrub", str(path)]) == 1
    assert "refused" in capsys.readouterr().err
    assert path.read_bytes() == before
