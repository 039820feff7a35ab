"""Load the bundled description as a schemathesis schema that fuzzes Aria the Aria way.

The schema has only the Aria checks enabled, knows its target (the embedded stub in-process,
or a base URL that is treated as a sandbox), and carries a ``FuzzContext`` for the hooks.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ParamSpec

import schemathesis

from harness.fuzz import checks as _checks  # noqa: F401  (registers the checks)
from harness.fuzz import guard as _guard
from harness.fuzz.checks import ARIA_CHECKS
from harness.fuzz.context import Budget, FuzzContext, attach
from harness.fuzz.sequences import seed_sequence_step
from harness.spec import registry

__all__ = ["aria_schema", "build_schema", "IN_PROCESS_BASE_URL", "skip_reason"]

# Never used on the network: requests to an in-process app go straight to the WSGI callable.
IN_PROCESS_BASE_URL = "http://aria-stub.invalid"


def skip_reason(name: str) -> str:
    """Why a guarded run leaves a method out."""
    return (
        f"{name} can generate an invoice and has no dry-run field; "
        "it is fuzzed against a sandbox only with --allow-invoicing"
    )


def build_schema(
    *,
    app: Callable[..., Any] | None = None,
    base_url: str | None = None,
    stub: Any = None,
    methods: Sequence[str] | None = None,
    credentials: tuple[int, str] | None = None,
    allow_invoicing: bool = False,
    request_budget: int | None = None,
    state_digest: Callable[[], str] | None = None,
    ledger: Callable[[], Sequence[Mapping[str, Any]]] | None = None,
    known_values: Mapping[str, Sequence[Any]] | None = None,
    examples: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    sequence_seeds: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> Any:
    """A schemathesis schema of the Aria methods with the Aria checks applied.

    ``aria_schema`` also installs the Aria call hook and form serializer in schemathesis for
    the rest of the process; ``run_fuzz`` installs them for its run only.

    Give exactly one target: ``stub`` (a ``harness.stub.Stub``, fuzzed in-process, with its
    demo credentials, known identifiers and state digest), ``app`` (a WSGI callable treated as
    the embedded stub) or ``base_url`` (treated as a sandbox: invoice-generating calls are
    sent only as dry runs unless ``allow_invoicing``).
    """
    targets = [target for target in (app, base_url, stub) if target is not None]
    if len(targets) != 1:
        raise ValueError("give exactly one target: stub=, app= or base_url=")
    change_count: Callable[[], int] | None = None
    if stub is not None:
        from harness.fuzz.sequences import stub_sequence_seeds
        from harness.fuzz.stubinfo import stub_known_values, stub_ledger

        app = stub.wsgi_app
        credentials = credentials or tuple(stub.service.default_credentials)
        if state_digest is None:
            state_digest = stub.service.state_digest
            # Only the stub's own digest moves with its change count.
            change_count = stub.service.change_count
        ledger = ledger or stub_ledger(stub)
        known_values = known_values if known_values is not None else stub_known_values(stub)
        if sequence_seeds is None:
            skus = known_values.get("order_line_items_list.client_sku", [])
            service = stub.service
            sequence_seeds = stub_sequence_seeds(
                service.plan_instances(), service.invoices(), list(skus)
            )
    in_process = app is not None
    guarded = not in_process and not allow_invoicing
    reg = registry()
    names = list(methods) if methods else list(reg.names)
    for name in names:
        reg[name]  # raises UnknownMethodError naming the known methods
    context = FuzzContext(
        credentials=credentials,
        guarded=guarded,
        budget=Budget(request_budget),
        state_digest=state_digest,
        change_count=change_count,
        ledger=ledger,
        known_values=dict(known_values or {}),
        sequence_seeds=dict(sequence_seeds or {}),
    )
    if guarded:
        for name in list(names):
            spec = reg[name]
            if spec.invoicing.generates and spec.invoicing.dry_run_field is None:
                context.skipped[name] = skip_reason(name)
                names.remove(name)
    # Only the operations fuzzed (and the core ones their links name): not all 250 methods.
    document = copy.deepcopy(reg.document_for(names))
    for name, bodies in (examples or {}).items():
        _add_examples(document, reg[name].path, name, bodies)
    schema = schemathesis.openapi.from_dict(document)
    schema.config.update(base_url=base_url.rstrip("/") if base_url else IN_PROCESS_BASE_URL)
    if app is not None:
        schema.app = app
    schema.config.checks.update(included_check_names=list(ARIA_CHECKS))
    # Strings from every character but lone surrogates: the very set the default "utf-8" codec
    # allows, without Hypothesis building its per-codec table (~7 s and ~200 MiB on a first
    # run, one tuple per code point).
    schema.config.generation.codec = None
    # Recorded as an explicit choice, so the per-phase configurations merged over it keep it.
    schema.config.generation._mark_source_keys(("codec",))
    schema.hooks.register_hook_with_name(_guard.substitute_known_values, "map_case")
    # After the substitution: a seeded body replaces the generated one whole, coherent as it is.
    schema.hooks.register_hook_with_name(seed_sequence_step, "map_case")
    # The sequences are the description's links; links inferred from REST conventions would only
    # guess at an RPC dispatcher whose paths are fragments of one URL.
    schema.config.phases.stateful.inference.algorithms = []
    chosen = schema.include(operation_id=names) if names else schema.include(operation_id=[""])
    attach(chosen, context)
    return chosen


_P = ParamSpec("_P")


def _installing_hooks(build: Callable[_P, Any]) -> Callable[_P, Any]:
    @functools.wraps(build)
    def schema_with_hooks(*args: _P.args, **kwargs: _P.kwargs) -> Any:
        from harness.fuzz.hooks import install_hooks

        install_hooks()
        return build(*args, **kwargs)

    return schema_with_hooks


# For a consumer's own pytest fuzzing, whose tests run after the schema is made: the Aria call
# hook and form serializer stay installed in schemathesis for the rest of the process.
aria_schema = _installing_hooks(build_schema)
aria_schema.__name__ = aria_schema.__qualname__ = "aria_schema"


def _add_examples(
    document: dict[str, Any], path: str, name: str, bodies: Sequence[Mapping[str, Any]]
) -> None:
    # Added to this run's copy of the description only: known-good calls for the examples phase.
    content = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    content["examples"] = {
        f"known-good-{index}": {"value": {"rest_call": name, **body}}
        for index, body in enumerate(bodies, 1)
    }
