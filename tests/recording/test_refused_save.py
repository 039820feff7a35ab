"""A cassette whose save is refused leaves no HTTP library patched behind it."""

from __future__ import annotations

import http.client
import json

import pytest
import requests
import urllib3.connectionpool

from harness.errors import CassetteError
from harness.recording import use_cassette
from tests.recording.fake_aria import FakeServer

DISPATCHER = "/api/ws/api_ws_class_dispatcher.php"


def _patched_classes() -> tuple[type, ...]:
    return (
        http.client.HTTPConnection,
        http.client.HTTPSConnection,
        urllib3.connectionpool.HTTPConnectionPool.ConnectionCls,
    )


def test_a_refused_save_unpatches_the_http_libraries(fake_aria: FakeServer, tmp_path) -> None:
    def lying(params):  # gzip bytes labelled as JSON: the scrubber refuses to write them
        return (
            "200 OK",
            [("Content-Type", "application/json")],
            b"\x1f\x8b" + json.dumps({"error_code": 0, "error_msg": "OK"}).encode(),
        )

    fake_aria.app.hostile = lying
    before = _patched_classes()
    with pytest.raises(CassetteError):
        with use_cassette(tmp_path / "c.json", record_mode="once"):
            assert _patched_classes() != before  # recording patches them
            requests.post(fake_aria.url + DISPATCHER, json={"rest_call": "x"}, timeout=10)
    assert _patched_classes() == before
    assert not (tmp_path / "c.json").exists()
