"""Response contracts: compiled once, checked on every response the harness sees."""

from harness.contracts.validator import Contract, assert_valid, contract_for, validate
from harness.contracts.violations import Violation

__all__ = ["Contract", "Violation", "assert_valid", "contract_for", "validate"]
