"""Importing harness.fuzz leaves schemathesis alone; a run cleans up after itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

_PROBE = """
import schemathesis
from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER
from schemathesis.transport.requests import REQUESTS_TRANSPORT
from schemathesis.transport.wsgi import WSGI_TRANSPORT

FORM = "application/x-www-form-urlencoded"


def state():
    return (
        [hook.__qualname__ for hook in GLOBAL_HOOK_DISPATCHER.get_all_by_name("before_call")],
        [t.get_first_matching_media_type(FORM)[1] for t in (REQUESTS_TRANSPORT, WSGI_TRANSPORT)],
    )


plain = state()
import harness.fuzz
from harness.fuzz import FuzzConfig, run_fuzz

assert state() == plain, ("import", state(), plain)

result = run_fuzz(
    FuzzConfig(methods=["get_virtual_datetime_m"], max_examples=3, seed=1, phases=["fuzzing"])
)
assert result.cases > 0, result
assert state() == plain, ("after run_fuzz", state(), plain)
import os
assert os.listdir(".") == [], os.listdir(".")  # no .hypothesis/ where the run started
harness.fuzz.aria_schema(app=lambda environ, start: [])
hooks, serializers = state()
assert hooks == plain[0] + ["prepare_call"], hooks
assert serializers != plain[1], "aria_schema installs the Aria form serializer"
print("ok")
"""


def test_import_and_run_leave_schemathesis_and_the_folder_as_they_were(tmp_path: Path) -> None:
    # A fresh interpreter: schemathesis's registries are process-wide.
    work, cache = tmp_path / "work", tmp_path / "cache"
    work.mkdir()
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    env.pop("HYPOTHESIS_STORAGE_DIRECTORY", None)
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, cwd=work, env=env
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "ok"
    assert (cache / "aria-harness" / "hypothesis" / "unicode_data").is_dir()
