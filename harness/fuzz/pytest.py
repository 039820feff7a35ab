"""Fuzzing Aria from a consumer's own pytest suite.

    from harness.fuzz.pytest import aria_schema

    schema = aria_schema(stub=Stub())          # or base_url=..., credentials=(client_no, key)

    @schema.parametrize()
    def test_aria_behaves_as_documented(case):
        case.call_and_validate()               # runs the Aria checks only

``aria_schema`` enables only the Aria checks on the schema, so ``call_and_validate`` judges by
``error_code`` rather than HTTP status.
"""

from __future__ import annotations

from harness.fuzz.checks import ARIA_CHECKS
from harness.fuzz.schema import aria_schema

__all__ = ["ARIA_CHECKS", "aria_schema"]
