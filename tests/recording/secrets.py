"""Generators of realistic secrets for the leak and scanner tests."""

from __future__ import annotations

import random
import string

from harness.recording.cards import luhn_valid

# an issuer prefix and a length of every brand (Maestro, Mir, RuPay, UATP and Troy included)
BRAND_PREFIXES = [
    ("4", 16), ("4", 13), ("51", 16), ("2221", 16), ("37", 15), ("6011", 16), ("65", 16),
    ("36", 14), ("3530", 16), ("62", 19), ("6759", 16), ("2201", 16), ("508", 16), ("1", 15),
    ("9792", 16),
]  # fmt: skip


def card(rng: random.Random) -> str:
    """A Luhn-valid card number with a real issuer prefix of any brand."""
    prefix, length = rng.choice(BRAND_PREFIXES)
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    return next(body + d for d in string.digits if luhn_valid(body + d))


def iban(rng: random.Random) -> str:
    """A German IBAN with a valid mod-97 check."""
    bban = "".join(rng.choice(string.digits) for _ in range(18))
    numeric = int("".join(str(int(ch, 36)) for ch in bban + "DE00"))
    return f"DE{98 - numeric % 97:02d}{bban}"


def secrets(rng: random.Random) -> dict[str, str]:
    """One secret of every kind."""
    number = card(rng)
    word = "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(3, 9)))
    alnum = string.ascii_letters + string.digits
    return {
        "card": number,
        "card_spaced": " ".join(number[i : i + 4] for i in range(0, len(number), 4)),
        "cvv": "".join(rng.choice(string.digits) for _ in range(rng.choice([3, 4]))),
        "track1": f"%B{number}^{word}/JO^2912101{rng.randint(100, 999)}?",
        "track2": f";{number}=2912101{rng.randint(1000, 9999)}?",
        "iban": iban(rng),
        "routing": "".join(rng.choice(string.digits) for _ in range(9)),
        "swift": "".join(rng.choice(string.ascii_uppercase) for _ in range(6)) + "2L500",
        "mandate": "MNDT-" + "".join(rng.choice(alnum) for _ in range(12)),
        "auth_key": "".join(rng.choice(alnum) for _ in range(28)) + "aZ9",
        "email": f"{word.lower()}.o'neil+{rng.randint(10, 99)}@exämple.com",
        "phone": f"+1 (555) {rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
        "address": f'{rng.randint(1, 999)} Rue de l\'Église, Apt {word}/B "Nord" & Co',
        "token": "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(9, 17))),
    }


def short_secrets(rng: random.Random) -> dict[str, str]:
    """Values too short for a plain search: a CVV, an expiry month, a zip, a state, a PIN."""
    return {
        "cvv": f"{rng.randint(100, 999)}",
        "cc_expire_mm": f"{rng.randint(1, 12):02d}",
        "bill_zip": f"{rng.randint(10000, 99999)}",
        "bill_state_prov": rng.choice(["QX", "ZQ", "XJ", "QZ"]),
        "pin": f"{rng.randint(1000, 9999)}",
    }
