"""The scanner on more formats and encodings (recall) and on code and docs that hold no secret
(precision): each planted or benign file a test case, asserting on the scan's findings."""

from __future__ import annotations

import base64
import random
import struct
import zlib
from pathlib import Path

import pytest

from harness.recording.scan import scan_paths
from tests.recording.test_attacks import PLACEHOLDER_CASSETTE
from tests.recording.test_scan_corpus import IBAN, KEY, _write
from tests.recording.test_secrets import BRANDS, LIVE

MASTERCARD = BRANDS["mastercard"]


def _png(seed: int = 7) -> bytes:
    """A small real PNG (noise, so its compressed bytes look random)."""
    rng = random.Random(seed)
    width = height = 16
    rows = b"".join(
        b"\x00" + bytes(rng.randrange(256) for _ in range(width * 3)) for _ in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


CASSETTE_WITH_EMAIL = PLACEHOLDER_CASSETTE.replace(
    '"error_msg":"OK"', '"error_msg":"mail sent to jolantha.quackenbush@gmail.com"'
)

# name -> (file name, content): each must give at least one finding
PLANTED: dict[str, tuple[str, str | bytes]] = {
    "single-column CSV, no header": ("cards.csv", f"{LIVE}\n{MASTERCARD}\n"),
    # a command substitution holds no field value, but a card written into it is still one
    "a card inside a command substitution": ("run.sh", f"CARD=$(echo {LIVE})\n"),
    "a literal password beside a command": ("run.sh", 'PASSWORD="hunter2-prod" # $(cat x)\n'),
    "single-column CSV headed number": ("numbers.csv", f"number\n{LIVE}\n{MASTERCARD}\n"),
    "single-column CSV headed pan": ("pans.csv", "pan\n4111111111111111\n5500005555555559\n"),
    "Markdown table, ordinary header": (
        "t.md",
        f"| customer | value |\n|---|---|\n| 12 | {LIVE} |\n| 13 | {IBAN} |\n",
    ),
    "Markdown table, identifier header": ("ids.md", f"| ref | note |\n|---|---|\n| {LIVE} | x |\n"),
    "HTML table, ordinary header": (
        "t.html",
        f"<table><tr><th>customer</th><th>value</th></tr><tr><td>12</td><td>{LIVE}</td></tr></table>",
    ),
    "UTF-16LE without BOM": ("le.txt", f"card {LIVE}\n".encode("utf-16-le")),
    "UTF-16BE without BOM": ("be.txt", f"card {LIVE}\n".encode("utf-16-be")),
    "UTF-32 with BOM": ("u32.txt", f"card {LIVE}\n".encode("utf-32")),
    "UTF-32LE without BOM": ("u32le.txt", f"card {LIVE}\n".encode("utf-32-le")),
    ".properties auth key": ("app.properties", f"aria.auth_key={KEY}\n"),
    ".properties space separator": ("b.properties", "aria.password   hunter2-S3cret\n"),
    ".properties colon": ("c.properties", "bill.email: jolantha@example.org\n"),
    ".properties continued line": ("d.properties", "aria.secret_key = \\\n    hunter2-S3cret\n"),
    "SQL INSERT by column": (
        "seed.sql",
        "INSERT INTO contacts (acct_no, email, password)"
        " VALUES (1, 'jo@example.org', 'hunter2x');\n",
    ),
    "SQL INSERT many rows": (
        "rows.sql",
        "INSERT INTO pay (acct_no, cvv)\nVALUES\n  (1, '123'),\n  (2, '456');\n",
    ),
    "free-text e-mail in a cassette body": ("c.yaml", CASSETTE_WITH_EMAIL),
    "pair list in JSON": ("pairs.json", '{"fields": [["password", "hunter2-PairList"]]}'),
    "pair list in YAML": ("pairs.yaml", "fields:\n- [cvv, '987']\n"),
    "homoglyph key": ("h.json", '{"\u0440\u0430ssword": "hunter2-Homoglyph"}'),
}

# name -> (file name, content): each must give no finding
BENIGN: dict[str, tuple[str, str | bytes]] = {
    "parameter names": (
        "client.py",
        "def call(auth_key, client_no):\n    pass\n\n"
        "def typed(auth_key: str, client_no: int, password: str | None = None) -> None:\n"
        "    pass\n",
    ),
    "docs example": (
        "setup.md",
        'auth_key = "<your key>"\nclient_no = <your client number>\npassword: your-password-here\n',
    ),
    "PNG data URI": (
        "page.html",
        '<img alt="logo" src="data:image/png;base64,' + base64.b64encode(_png()).decode() + '">\n',
    ),
    "PNG data URI in CSS": (
        "site.css",
        ".logo { background: url(data:image/png;base64,"
        + base64.b64encode(_png(8)).decode()
        + "); }\n",
    ),
    "an identifier": (
        "tokens.py",
        "from payments import PaymentMethodTokenizer\ntokenizer = PaymentMethodTokenizer()\n",
    ),
    "an identifier in config": ("conf.yaml", "token_provider: PaymentMethodTokenizer\n"),
    "a zero-filled binary file": ("disk.img", b"\x00" * 4096 + LIVE.encode() + b"\x00" * 64),
    "a status": ("acct.json", '{"acct_no": 1, "state": "active", "status": "ACTIVE"}\n'),
    "SQL bind parameters": (
        "store.py",
        'db.one("SELECT body FROM accounts WHERE client_no = ? AND acct_no = ?", args)\n'
        'cur.execute("UPDATE t SET auth_key = %s WHERE password = :password", args)\n'
        "INSERT INTO creds (client_no, auth_key) VALUES (?, $2);\n",
    ),
    # the value is computed when the script runs: the file holds none
    "shell command substitution": (
        "run.sh",
        "ARIA_CLIENT_NO=$(sed -n 's/^ *client_no: *//p' \"$work/sandbox.log\")\n"
        'ARIA_AUTH_KEY=$(sed -n "s/^ *auth_key: *//p" "$log")\n'
        "PASSWORD=`cat ~/.aria/password`\n",
    ),
}


def _one(folder: Path, file_name: str, content: str | bytes) -> Path:
    return _write(folder, {"case": (file_name, content)})["case"]


@pytest.mark.parametrize(("file_name", "content"), PLANTED.values(), ids=list(PLANTED))
def test_the_scanner_finds_a_secret_in_this_format(tmp_path, file_name, content):
    path = _one(tmp_path / "planted", file_name, content)
    findings = scan_paths([path])
    assert findings != []
    for finding in findings:
        assert LIVE not in str(finding) and KEY not in str(finding)


@pytest.mark.parametrize(("file_name", "content"), BENIGN.values(), ids=list(BENIGN))
def test_the_scanner_reports_nothing_here(tmp_path, file_name, content):
    path = _one(tmp_path / "benign", file_name, content)
    assert [str(f) for f in scan_paths([path])] == []
