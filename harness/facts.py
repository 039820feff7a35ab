"""Facts about Aria that the stub, the recorder and the description's readers share.

Written once here, so the layering rule (the stub and the recording sit side by side) forces
no copies: the published test cards and the Luhn check, how Aria writes and reads booleans,
and how the harness reads YAML.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "TEST_CARD_NUMBERS",
    "DOCUMENTED_FALSE",
    "aria_bool",
    "documented_bool",
    "load_yaml",
    "luhn_valid",
    "reads_false",
    "reads_true",
    "yaml_loader",
]

# Published test numbers (Visa, Mastercard, Amex, Discover, Diners, JCB, UnionPay) as the
# payment gateways' sandboxes document them: the stub's gateway approves them, a recording
# may carry them, and the live-card refusal lets them through.
TEST_CARD_NUMBERS: frozenset[str] = frozenset(
    {
        "4111111111111111",
        "4012888888881881",
        "4222222222222",
        "4242424242424242",
        "4000056655665556",
        "4000000000000002",
        "4005519200000004",
        "4009348888881881",
        "5555555555554444",
        "5105105105105100",
        "5200828282828210",
        "2223003122003222",
        "2222400010000008",
        "378282246310005",
        "371449635398431",
        "378734493671000",
        "6011111111111117",
        "6011000990139424",
        "30569309025904",
        "38520000023237",
        "3530111333300000",
        "3566002020360505",
        "6200000000000005",
    }
)


# a digit doubled, its two digits summed: what Luhn adds for every second digit from the right
_LUHN_DOUBLED = str.maketrans("0123456789", "0246813579")


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check of a string of ASCII digits."""
    if not (digits.isascii() and digits.isdigit()):
        return False
    kept, doubled = digits[-1::-2], digits[-2::-2].translate(_LUHN_DOUBLED)
    return sum(map(int, kept + doubled)) % 10 == 0


def aria_bool(value: bool) -> str:
    """A boolean as Aria writes it in a form or a string field: "true" or "false"."""
    return "true" if value else "false"


# Aria reads boolean inputs leniently and documents no list. A reading errs towards what the
# invoice guard must assume: anything that may mean true counts as true (so a call that may
# bill is treated as billing), only a plain false counts as false (so a dry run is a dry run).
_TRUE_WORDS = frozenset({"true", "1", "y", "yes", "t"})
_FALSE_WORDS = frozenset({"false", "0"})


# The spellings Aria documents for its boolean inputs: the description's enum "true"/"false",
# and "true" (1) on create_order_m's page. JSON and Python booleans are the same values typed.
_DOCUMENTED_BOOLS = {"true": True, "1": True, "false": False, "0": False}
# The one spelling of false a dry-run field is trusted with: the description's enum value. A
# lenient reading of "0" or " FALSE" could be a strict write on the target.
DOCUMENTED_FALSE = "false"


def documented_bool(value: Any) -> bool | None:
    """A boolean input read only in Aria's documented spellings; None for any other value."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return {1: True, 0: False}.get(value)
    if isinstance(value, str):
        return _DOCUMENTED_BOOLS.get(value)
    return None


def reads_true(value: Any) -> bool:
    """True when Aria may read the input as true (true, a non-zero number, "1", "yes"...)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    return isinstance(value, str) and value.strip().lower() in _TRUE_WORDS


def reads_false(value: Any) -> bool:
    """True when Aria reads the input as false for certain (false, 0, "false", "0")."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value == 0
    return isinstance(value, str) and value.strip().lower() in _FALSE_WORDS


def yaml_loader() -> Any:
    """PyYAML's safe loader: libyaml's when installed (several times faster), else Python's."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """YAML text parsed with the safe loader."""
    import yaml

    return yaml.load(text, Loader=yaml_loader())  # noqa: S506 - a safe loader
