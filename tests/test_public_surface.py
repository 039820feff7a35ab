"""The public surface, pinned: a name added to or dropped from any ``__all__`` is a decision.

Change ``SURFACE`` in the same commit as the ``__all__`` it mirrors, and say why in the message
(a name users rely on is renamed only with a deprecation, see ../shared/DESIGN.md).
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import harness

SURFACE: dict[str, list[str]] = {
    "harness": [
        "AriaClient",
        "AriaError",
        "CassetteError",
        "ContractViolation",
        "HarnessError",
        "InvoiceGuardError",
        "MethodSpec",
        "RealCardError",
        "Registry",
        "SpecError",
        "UnknownMethodError",
        "Violation",
        "registry",
        "validate",
    ],
    "harness.cli": ["cli", "main"],
    "harness.contracts": ["Contract", "Violation", "assert_valid", "contract_for", "validate"],
    "harness.drift": [
        "DEFAULT_RULES",
        "DEFAULT_STAND_INS",
        "Deadline",
        "Difference",
        "DriftConfig",
        "DriftResult",
        "DriftUsageError",
        "FieldRule",
        "InteractionResult",
        "RecordedInteraction",
        "RetryPolicy",
        "Rules",
        "StandIns",
        "Target",
        "TextRule",
        "Verdict",
        "compare_responses",
        "load_cassette",
        "load_cassettes",
        "run_drift",
    ],
    "harness.fuzz": [
        "ARIA_CHECKS",
        "ExitCode",
        "FUZZ_EXTRA_MISSING",
        "FailureRecord",
        "FuzzConfig",
        "FuzzResult",
        "MethodStats",
        "Progress",
        "RUN_CHECK",
        "aria_schema",
        "run_fuzz",
    ],
    "harness.intercept": [
        "AriaCall",
        "AriaTarget",
        "AriaUrls",
        "CREDENTIAL_VARIABLES",
        "CallRecord",
        "Connection",
        "Interception",
        "Ledger",
        "MissingCredentialsError",
        "NetworkBlockedError",
        "REPLAY_CLIENT_NO",
        "Router",
        "check_answer",
        "intercept",
        "live_connection",
        "read_call",
    ],
    "harness.recording": [
        "ARIA_AUTH_KEY_PLACEHOLDER",
        "ARIA_CLIENT_NO_PLACEHOLDER",
        "AriaCassette",
        "AriaPersister",
        "CassetteIndex",
        "Finding",
        "PLACEHOLDER",
        "SENSITIVE_FIELDS",
        "VOLATILE_FIELDS",
        "aria_call",
        "aria_vcr",
        "canonical_request",
        "import_cassette",
        "load_interactions",
        "mask_text",
        "request_key",
        "scan_paths",
        "scrub_body",
        "scrub_cassette",
        "scrub_interaction",
        "use_cassette",
        "write_cassette",
    ],
    "harness.releases": [
        "Change",
        "ChangeKind",
        "DiffConfig",
        "DiffResult",
        "ExitCode",
        "changed_methods",
        "diff_methods",
        "diff_models",
        "is_breaking",
        "run_diff",
    ],
    "harness.spec": [
        "DISPATCHER_PATH",
        "ErrorCode",
        "Invoicing",
        "MethodSpec",
        "Registry",
        "data_dir",
        "documented_error",
        "is_false",
        "load_document",
        "registry",
    ],
    "harness.stub": ["Stub", "StubService", "running_stub"],
    "harness.swagger": [
        "ApiModel",
        "BUNDLED",
        "Field",
        "Method",
        "PUBLISHED_PATH",
        "QUIRKS",
        "Quirk",
        "load_description",
        "plain_name",
        "read_description",
    ],
}


def _packages() -> list[str]:
    found = pkgutil.iter_modules(harness.__path__, "harness.")
    return ["harness", *sorted(module.name for module in found if module.ispkg)]


def test_every_package_is_pinned() -> None:
    assert sorted(_packages()) == sorted(SURFACE)


@pytest.mark.parametrize("package", sorted(SURFACE))
def test_package_exports_exactly_the_pinned_names(package: str) -> None:
    exported = importlib.import_module(package).__all__
    assert len(exported) == len(set(exported)), f"{package}.__all__ lists a name twice"
    assert sorted(exported) == SURFACE[package]


@pytest.mark.parametrize("package", sorted(SURFACE))
def test_every_exported_name_exists(package: str) -> None:
    module = importlib.import_module(package)
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert missing == []
