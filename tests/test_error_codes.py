"""Aria's error codes are written once, in the description; the harness names them."""

from __future__ import annotations

import ast
from pathlib import Path

from harness.spec import documented_error, registry
from harness.stub import exceptions
from harness.stub.exceptions import AriaFault, fault_for_code

HARNESS = Path(__file__).resolve().parent.parent / "harness"


def _documented_codes() -> set[int]:
    codes = set(registry().generic_codes)
    for spec in registry():
        codes |= set(spec.error_codes)
    codes |= {entry.code for entry in registry().named_codes.values()}
    # -1 doubles as Python's last index; 0 is success, not an error code.
    return codes - {-1, 0}


def _fault_classes() -> list[type[AriaFault]]:
    return [
        value
        for value in vars(exceptions).values()
        if isinstance(value, type) and issubclass(value, AriaFault) and value is not AriaFault
    ]


def _raised(cls: type[AriaFault]) -> AriaFault:
    """An instance as the stub raises it (the classes that take a detail get one)."""
    return cls("x") if cls.__init__ is not AriaFault.__init__ else cls()  # type: ignore[call-arg]


def _named_fault_classes() -> list[type[AriaFault]]:
    return [cls for cls in _fault_classes() if cls.__name__ in registry().named_codes]


def test_every_name_in_the_description_has_its_stub_fault() -> None:
    assert {cls.__name__ for cls in _named_fault_classes()} == set(registry().named_codes)


def test_every_other_stub_fault_refines_a_named_one() -> None:
    named = tuple(_named_fault_classes())
    for cls in _fault_classes():
        assert issubclass(cls, named), f"{cls.__name__} needs a name in x-aria-error-names"
        assert _raised(cls).code == cls.documented().code


def test_each_fault_answers_the_code_and_text_the_description_gives_its_name() -> None:
    for cls in _named_fault_classes():
        documented = documented_error(cls.__name__)
        assert cls.documented() == documented
        assert fault_for_code(documented.code) is cls
        # the classes that take a detail put it after the documented text
        raised = _raised(cls)
        assert raised.code == documented.code
        assert raised.message.startswith(documented.message.replace("<name>", ""))


def test_a_named_code_is_documented_generically_or_by_a_method() -> None:
    documented = set(registry().generic_codes)
    for spec in registry():
        documented |= set(spec.error_codes)
    for name, entry in registry().named_codes.items():
        assert entry.code in documented, f"{name}: {entry.code} is documented nowhere"


def test_no_aria_error_code_is_written_as_a_number_in_harness() -> None:
    codes = _documented_codes()
    found = []
    for path in sorted(HARNESS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            literal = node.value if isinstance(node, ast.Constant) else None
            if isinstance(literal, bool):
                continue
            if isinstance(literal, str) and literal.strip().lstrip("-").isdigit():
                literal = int(literal)
            if isinstance(literal, int) and literal in codes:
                found.append(f"{path.relative_to(HARNESS.parent)}:{node.lineno} {literal}")
    assert found == [], "codes belong in openapi/aria.yaml (x-aria-error-names): " + ", ".join(
        found
    )
