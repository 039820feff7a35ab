"""The scanner on a planted corpus (every format and encoding) and a benign one, as counts."""

from __future__ import annotations

import base64
import gzip
import json
import os
from pathlib import Path
from urllib.parse import quote

import pytest

from harness.recording.scan import scan_paths
from tests.recording.test_attacks import PLACEHOLDER_CASSETTE
from tests.recording.test_secrets import BRANDS, LIVE

KEY = "Zx81Kq0aPl2Mv7Rt5Wn3Yb9Hc4Jd6"
IBAN = "DE46398259791907483378"
GROUPS = [LIVE[i : i + 4] for i in range(0, 16, 4)]


def _har(headers: list[dict], text: str) -> str:
    entry = {
        "request": {"method": "POST", "url": "https://x.example/", "headers": headers},
        "response": {"status": 200, "content": {"mimeType": "application/json", "text": text}},
    }
    return json.dumps({"log": {"version": "1.2", "entries": [entry]}})


# name -> (file name, content as text or bytes)
PLANTED: dict[str, tuple[str, str | bytes]] = {
    "yaml cassette body": ("c.yaml", f'interactions:\n- body: \'{{"note": "{LIVE}"}}\'\n'),
    "dots": ("a.txt", "card " + ".".join(GROUPS)),
    "NBSP": ("b.log", "card " + "\u00a0".join(GROUPS)),
    "slashes": ("c.md", "card " + "/".join(GROUPS)),
    "tab": ("tab.txt", "card " + "\t".join(GROUPS)),
    "base64": ("d.txt", "blob " + base64.b64encode(f"card={LIVE}".encode()).decode()),
    "double percent": ("e.log", "q=" + quote(quote(f"card {LIVE}", safe=""), safe="")),
    "HTML entities": ("f.html", "<p>" + "".join(f"&#{ord(c)};" for c in LIVE) + "</p>"),
    "fullwidth": ("g.txt", "card " + "".join(chr(ord(c) + 0xFEE0) for c in LIVE)),
    "UTF-16 file": ("h.txt", f"card {LIVE}\n".encode("utf-16")),
    "JSON escapes": ("i.json", '{"note": "' + "".join(f"\\u{ord(c):04x}" for c in LIVE) + '"}'),
    "jsonl": ("j.jsonl", '{"a": 1}\n' + json.dumps({"note": f"card {LIVE}"}) + "\n"),
    "ndjson": ("k.ndjson", json.dumps({"bill_email": "jo@example.com"}) + "\n"),
    "HAR body": ("l.har", _har([], json.dumps({"note": LIVE}))),
    "HAR header pair": ("m.har", _har([{"name": "X-Api-Token", "value": "lowercasekey"}], "{}")),
    "lower-case key": ("n.yaml", "auth_key: abcdefghijklmnopqrstu\n"),
    "odd-length key": ("o.yml", "headers:\n  X-Auth-Key: Ab3De5Gh7Jk9Mn1Pq\n"),
    "XML cvv": ("p.xml", "<pay><cvv>123</cvv></pay>"),
    "XML card field": ("q.xml", f"<pay><cc_number>{LIVE}</cc_number></pay>"),
    "CSV column": ("r.csv", "acct_no,email,plan\n1,jo@example.com,gold\n"),
    "Markdown table": ("s.md", "| user | password |\n|---|---|\n| jo | hunter2x |\n"),
    "HTML table": (
        "t.htm",
        f"<table><tr><th>name</th><th>iban</th></tr><tr><td>Jo</td><td>{IBAN}</td></tr></table>",
    ),  # noqa: E501
    "!!binary body": (
        "u.yaml",
        "body: !!binary |\n  " + base64.b64encode(f'{{"cc_number": "{LIVE}"}}'.encode()).decode(),
    ),
    "VCR base64_string": (
        "v.yml",
        "body:\n  encoding: ASCII-8BIT\n  base64_string: "
        + base64.b64encode(f"auth_key={KEY}".encode()).decode()
        + "\n",
    ),
    "IBAN lower case": ("w.txt", f"iban {IBAN.lower()}"),
    "IBAN dashes": ("x.txt", "iban " + "-".join(IBAN[i : i + 4] for i in range(0, 22, 4))),
    "no suffix": ("NOTES", f"card {LIVE}"),
    "track 2": ("y.htm", f"<p>;{LIVE}=29121011234?</p>"),
    "track 1": ("z.json", json.dumps({"t": f"%B{LIVE}^DOE/JOHN^2912101123?"})),
    **{f"{brand} card": (f"{brand}.txt", f"card {BRANDS[brand]}") for brand in BRANDS},
    "password in URL": ("url.txt", "base https://jo:hunter2pass@sandbox.example/"),
    "bearer token": ("bearer.log", "Authorization: Bearer abc.def.ghi-jkl"),
    "bracket key": ("form.log", "acct[0][cvv]=123&x=1"),
    "cc-number spelling": ("spell.yml", f"cc-number: '{LIVE}'\n"),
    "form body in cassette": ("form.yaml", "body: rest_call=x&bill_email=jo%40example.com\n"),
    "gzip base64 body": (
        "gz.txt",
        "blob " + base64.b64encode(gzip.compress(f"card {LIVE}".encode())).decode(),
    ),
    "auth key shape": ("key.txt", f"key {KEY}"),
}

BENIGN: dict[str, tuple[str, str | bytes]] = {
    # settings about secrets, not secrets: a length, a lifetime, a count, a class
    "secret settings": (
        "settings.py",
        "password_min_length = 12\ntoken_expiry_seconds = 3600\n",
    ),
    "token counts": ("llm.md", "max_tokens: 4096, token_type: bearer\n"),
    "a decimal number": ("decimal.txt", "total 4539237301.631479\n"),
    "fuzz report masks": ("fuzz.md", 'request: {"auth_key": "***", "cvv": "***"}'),
    "first six last four": ("masked.yaml", "cc_number: 411111******1111\n"),
    "placeholders": (
        "ph.yaml",
        "auth_key: <redacted>\npassword: '[FILTERED]'\napi_key: ${ARIA_AUTH_KEY}\n",
    ),
    "Luhn-valid order ids": (
        "ids.json",
        json.dumps({"order_no": int(LIVE), "invoice_no": LIVE, "transaction_id": LIVE}),
    ),
    "order ids in CSV": ("ids.csv", f"invoice_no,amount\n{LIVE},12.50\n"),
    "harness cassette": ("cassette.yaml", PLACEHOLDER_CASSETTE),
    "published test card": ("README.md", "Use the test card 4111 1111 1111 1111 in a sandbox."),
    "hashes and ids": (
        "ids.log",
        "commit 3f2a9c1d0b8e7f6a5c4d3e2f1a0b9c8d7e6f5a4b uuid 123e4567-e89b-12d3-a456-426614174000",
    ),
    "dates and amounts": ("amounts.csv", "date,total\n2026-01-01 10:00:00,1234.56\n"),
    "code references": (
        "client.py",
        'client = AriaClient(url, client_no=client_no, auth_key=os.environ["ARIA_AUTH_KEY"])\n'
        "self.auth_key = auth_key\n",
    ),
    "workflow secrets": ("ci.yml", "env:\n  ARIA_AUTH_KEY: ${{ secrets.ARIA_AUTH_KEY }}\n"),
    "HAR placeholders": ("p.har", _har([{"name": "Authorization", "value": "[FILTERED]"}], "{}")),
    "binary file": ("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00" + LIVE.encode() + b"\x00\xff"),
    "XML placeholders": (
        "p.xml",
        "<pay><cvv>ARIA_REDACTED</cvv><cc_number>ARIA_CARD_LAST4_1232</cc_number></pay>",
    ),  # noqa: E501
    "Markdown of fields": (
        "fields.md",
        "| field | written as |\n|---|---|\n| `auth_key` | `ARIA_AUTH_KEY` |\n",
    ),  # noqa: E501
}


def _write(folder: Path, corpus: dict[str, tuple[str, str | bytes]]) -> dict[str, Path]:
    paths = {}
    for name, (file_name, content) in corpus.items():
        sub = folder / name.replace(" ", "_").replace("!", "")
        sub.mkdir(parents=True)
        path = sub / file_name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        paths[name] = path
    return paths


def test_scanner_finds_every_planted_file(tmp_path, capsys):
    paths = _write(tmp_path / "planted", PLANTED)
    findings = scan_paths([tmp_path / "planted"])
    found = {Path(f.path) for f in findings}
    missed = sorted(name for name, path in paths.items() if path not in found)
    with capsys.disabled():
        print(f"\nscanner recall: {len(paths) - len(missed)}/{len(paths)} planted files found")  # noqa: T201
    assert missed == []
    for finding in findings:  # a finding names place and kind, never the value
        for shown in (str(finding), repr(finding)):
            assert LIVE not in shown and KEY not in shown


def test_scanner_reports_nothing_on_the_benign_corpus(tmp_path, capsys):
    _write(tmp_path / "benign", BENIGN)
    findings = scan_paths([tmp_path / "benign"])
    with capsys.disabled():
        print(f"\nscanner benign: {len(findings)} findings in {len(BENIGN)} benign files")  # noqa: T201
    assert [str(f) for f in findings] == []


def test_the_projects_own_docs_and_examples_scan_clean():
    root = Path(__file__).resolve().parents[2]
    places = [root / "docs", root / "examples", root / "README.md", root / "ARCHITECTURE.md"]
    assert [str(f) for f in scan_paths(places)] == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlinked_folders_are_followed_once(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "notes").write_text(f"card {LIVE}\n")
    (tmp_path / "scan").mkdir()
    (tmp_path / "scan" / "link").symlink_to(real, target_is_directory=True)
    (real / "loop").symlink_to(tmp_path / "scan", target_is_directory=True)  # a cycle
    findings = scan_paths([tmp_path / "scan"])
    assert [f.kind for f in findings] == ["card number"]
