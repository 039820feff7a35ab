from __future__ import annotations

import html
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from harness.drift import DriftConfig, DriftResult, Target, run_drift
from harness.drift.reports import write_reports
from harness.recording import scan_paths
from tests.drift.fakes import FakeAria, Reply, no_wait_policy, recorded, write_cassette

# token-shaped, so the secret scanner would recognise it if it leaked
SECRET_KEY = "Qm7Xr2Lp9Vt4Kc8Hs1Bn6Wd3Zf5Jg0Ay"
CLIENT_NO = "4000777"
CHROMIUM = "/usr/bin/chromium"

# fields that do not change: a long unchanged run that the HTML diff folds
STABLE = {f"stable_{n:02d}": "unchanged" for n in range(12)}
OK = {
    "error_code": 0,
    "error_msg": "OK",
    "virtual_date": "2026-01-01",
    "virtual_time": "1",
    **STABLE,
}
# one token of 50 characters: fits a pane at 1300 px, wraps if the panes are squeezed
LONG_TOKEN = "token-" + "x" * 44


@pytest.fixture
def drift_result(fake_aria: FakeAria, tmp_path: Path) -> DriftResult:
    """A run with one drift seen twice (renamed field, hostile field name), one outage, one
    skip."""
    path = write_cassette(
        tmp_path / "cassettes" / "night.yaml",
        [
            recorded("get_virtual_datetime_m", OK),
            recorded("get_invoice_details_m", {"error_code": 1002, "error_msg": "none"}),
            recorded("gen_invoice_m", {"error_code": 0, "error_msg": "OK"}),
        ],
    )
    write_cassette(path.parent / "night2.yaml", [recorded("get_virtual_datetime_m", OK)])

    def respond(method: str, params: dict[str, Any]) -> Reply:
        if method == "get_virtual_datetime_m":
            return Reply(
                {
                    "error_code": 0,
                    "error_msg": "OK",
                    "virtual_datetime": "2026-02-02",  # virtual_date renamed
                    "virtual_time": 1,  # string -> number
                    "<script>alert(1)</script>": "x",
                    "bill_email": "jane@example.com",
                    "echo": f"auth_key={SECRET_KEY}",
                    # keys that are secrets: the tenant's client_no, a customer's e-mail
                    f"tenant_{CLIENT_NO}": 1,
                    "jolantha.quackenbush@gmail.com": {"x": 1},
                    "virtual_note": LONG_TOKEN,
                    **STABLE,
                }
            )
        return Reply("<html><body>Down for maintenance</body></html>", content_type="text/html")

    fake_aria.responder = respond
    policy, _ = no_wait_policy(attempts=1)
    return run_drift(
        DriftConfig(
            cassettes=path.parent,
            target=Target(fake_aria.url, CLIENT_NO, SECRET_KEY),
            retry=policy,
            timeout=5,
        )
    )


@pytest.fixture
def reports(drift_result: DriftResult, tmp_path: Path) -> dict[str, Path]:
    out = tmp_path / "reports"
    paths = {
        "json": out / "drift.json",
        "junit": out / "drift.xml",
        "markdown": out / "drift.md",
        "html": out / "drift.html",
    }
    write_reports(drift_result, **paths)
    return paths


def test_the_run_behind_the_reports_has_each_verdict(drift_result: DriftResult) -> None:
    assert drift_result.counts() == {"PASS": 0, "DRIFT": 2, "UNAVAILABLE": 1, "SKIPPED": 1}
    (group,) = drift_result.drift_groups()
    assert group[0].id == "night.yaml#0" and [o.id for o in group[1]] == ["night2.yaml#0"]
    assert drift_result.exit_code == 1


def test_json_report_carries_verdicts_findings_and_exit_code(reports: dict[str, Path]) -> None:
    data = json.loads(reports["json"].read_text())
    assert data["exit_code"] == 1
    assert data["methods"]["get_virtual_datetime_m"]["DRIFT"] == 2
    first, again = [i for i in data["interactions"] if i["verdict"] == "DRIFT"]
    assert again["same_as"] == first["id"] and again["live"] is None  # bodies kept once
    drift = first
    found = {(f["kind"], f["pointer"]) for f in drift["findings"]}
    assert ("field_removed", "/virtual_date") in found
    assert ("type_changed", "/virtual_time") in found


def test_junit_report_has_one_test_case_per_interaction(reports: dict[str, Path]) -> None:
    suite = ET.parse(reports["junit"]).getroot().find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    names = ["night.yaml#0", "night.yaml#1", "night.yaml#2", "night2.yaml#0"]
    assert [c.get("name") for c in cases] == names
    assert cases[0].find("failure") is not None
    assert cases[0].get("classname") == "aria-drift.get_virtual_datetime_m"
    assert cases[1].find("error") is not None
    assert cases[2].find("skipped") is not None
    assert (suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("2", "1", "1")


def test_markdown_report_lists_drift_by_method_kind_and_pointer(reports: dict[str, Path]) -> None:
    text = reports["markdown"].read_text()
    assert "| get_virtual_datetime_m | 0 | 2 | 0 | 0 |" in text
    # one row per distinct drift, with how many interactions showed it
    assert text.count("| get_virtual_datetime_m | field_removed | /virtual_date |") == 1
    assert "| night.yaml#0 (+1 more) |" in text
    assert "HTML page" in text


def test_html_report_is_self_contained_and_escapes_everything(reports: dict[str, Path]) -> None:
    page = reports["html"].read_text()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    lowered = page.lower()
    for external in ("<script", "<link", "<img", "<iframe", "src=", "href=", "@import", "url("):
        assert external not in lowered, external
    assert 'class="diff"' in page  # the side-by-side recorded vs live


def test_html_report_groups_a_repeated_drift_folds_unchanged_lines_and_names_the_url(
    reports: dict[str, Path], fake_aria: FakeAria
) -> None:
    page = reports["html"].read_text()
    assert page.count('<section class="drift"') == 1
    assert "Seen in 2 interactions" in page and "night2.yaml#0" in page
    assert "unchanged lines</summary>" in page
    assert f"Target: <code>{fake_aria.url}</code> (target)" in page
    assert "Target: target" not in page


def test_no_report_holds_a_secret(reports: dict[str, Path]) -> None:
    for path in reports.values():
        data = path.read_bytes()
        assert SECRET_KEY.encode() not in data, path.name
        assert b"jane@example.com" not in data, path.name
        assert CLIENT_NO.encode() not in data, path.name
        assert b"jolantha.quackenbush@gmail.com" not in data, path.name
    assert scan_paths(list(reports.values())) == []


def test_the_scanner_would_see_a_leaked_key(tmp_path: Path) -> None:
    leaked = tmp_path / "leak.md"
    leaked.write_text(f"auth_key: {SECRET_KEY}\n")
    assert scan_paths([leaked]) != []


NO_CHROMIUM = pytest.mark.skipif(
    shutil.which("chromium") is None and not Path(CHROMIUM).exists(),
    reason="chromium is not installed (apt-get install chromium); the HTML report was not "
    "rendered in a browser",
)


def chromium_dom(page: Path, profile: Path, *, width: int = 1300) -> str:
    """The page's DOM after headless Chromium loaded it (and ran a test's script) at ``width``."""
    binary = CHROMIUM if Path(CHROMIUM).exists() else str(shutil.which("chromium"))
    completed = subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--window-size={width},1000",
            f"--user-data-dir={profile}",
            "--dump-dom",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout


@NO_CHROMIUM
def test_html_report_renders_the_drifted_method_and_field_in_chromium(
    reports: dict[str, Path], tmp_path: Path
) -> None:
    dom = chromium_dom(reports["html"], tmp_path / "profile")
    assert "Aria drift report" in dom
    body = dom.split("<h2>Drift</h2>", 1)[1]
    assert "get_virtual_datetime_m" in body
    assert "/virtual_date" in body and "field_removed" in body


# Measures the page as laid out: diff cells that wrap onto a second line or overflow their
# pane, and the share of the grid's width the line-number columns take.
_MEASURE = """<script>
const cells = [...document.querySelectorAll('.diff>.l,.diff>.r')]
  .filter(c => c.offsetParent !== null && c.textContent.trim());
const wrapped = [], overflowing = [];
for (const cell of cells) {
  const range = document.createRange();
  range.selectNodeContents(cell);
  const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
  if (tops.size > 1) wrapped.push(cell.textContent);
  if (cell.scrollWidth > cell.clientWidth + 1) overflowing.push(cell.textContent);
}
const grid = document.querySelector('.diff').getBoundingClientRect().width;
const numbers = [...document.querySelectorAll('.diff>.ln')].slice(0, 2)
  .reduce((sum, c) => sum + c.getBoundingClientRect().width, 0);
const out = document.createElement('pre');
out.id = 'measured';
const long_token_shown = cells.some(c => c.textContent.includes('token-xxxx'));
out.textContent = JSON.stringify({cells: cells.length, wrapped, overflowing,
                                  numbers_share: numbers / grid, long_token_shown});
document.body.appendChild(out);
</script>"""


@NO_CHROMIUM
def test_html_diff_is_readable_at_1300_px_without_wrapped_tokens(
    reports: dict[str, Path], tmp_path: Path
) -> None:
    page = tmp_path / "measured.html"
    page.write_text(reports["html"].read_text().replace("</body>", _MEASURE + "</body>"))
    dom = chromium_dom(page, tmp_path / "profile", width=1300)
    raw = dom.split('<pre id="measured">', 1)[1].split("</pre>", 1)[0]
    measured = json.loads(html.unescape(raw))
    assert measured["cells"] > 10  # the diff was laid out, folded lines aside
    assert measured["long_token_shown"]
    assert measured["wrapped"] == [] and measured["overflowing"] == []
    assert measured["numbers_share"] < 0.1  # the line numbers leave the width to the JSON
