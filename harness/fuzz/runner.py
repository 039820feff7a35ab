"""``run_fuzz``: drive schemathesis over the Aria methods and judge with the Aria checks."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.fuzz.context import context_of_schema, method_of
from harness.fuzz.envelope import parse_envelope
from harness.fuzz.report import mask
from harness.fuzz.result import RUN_CHECK, ExitCode, FailureRecord, FuzzResult, MethodStats
from harness.spec import DISPATCHER_PATH

__all__ = ["FuzzConfig", "Progress", "run_fuzz", "MODES"]

MODES = ("positive", "negative", "all")
_PHASES = ["examples", "coverage", "fuzzing", "stateful"]
_MAX_SHOWN = 400


@dataclass(frozen=True)
class Progress:
    """One step of a run, for a progress display."""

    phase: str
    method: str | None
    cases: int
    done: bool


@dataclass
class FuzzConfig:
    """What to fuzz, how hard, and how safely."""

    base_url: str | None = None
    stub: Any = None  # a harness.stub.Stub fuzzed in-process; None with no base_url: a new one
    app: Any = None  # a WSGI callable treated as the embedded stub
    methods: Sequence[str] = ()
    max_examples: int = 100
    seed: int | None = None
    workers: int = 1
    mode: str = "all"
    allow_invoicing: bool = False
    request_budget: int | None = None
    credentials: tuple[int, str] | None = None
    known_values: dict[str, list[Any]] | None = None
    # Known-good call bodies per method, sent in the examples phase (a stub target has its own).
    examples: dict[str, list[dict[str, Any]]] | None = None
    state_digest: Callable[[], str] | None = None
    # Every invoice of the target, for the rebill invariant (a stub target has its own).
    ledger: Callable[[], Sequence[Mapping[str, Any]]] | None = None
    # Bodies that fit the target, per method, for stateful steps to start from (likewise).
    sequence_seeds: dict[str, list[dict[str, Any]]] | None = None
    phases: Sequence[str] = field(default_factory=lambda: list(_PHASES))
    # Hypothesis's example database ("none", ":memory:" or a directory). "none" by default: a
    # run is reproducible from its seed alone, rather than replaying whatever earlier runs and
    # test sessions left in ./.hypothesis, whose upkeep also cost about half the throughput.
    database: str = "none"
    progress: Callable[[Progress], None] | None = None
    # Methods left out before the run, with why (e.g. unchanged since a release): reported.
    skipped: Mapping[str, str] = field(default_factory=dict)


def run_fuzz(config: FuzzConfig) -> FuzzResult:
    """Fuzz the configured target; the result carries the exit code (0, 1, 2 or 3)."""
    from harness.errors import UnknownMethodError

    if config.mode not in MODES:
        return _usage(f"unknown mode {config.mode!r}; expected one of {', '.join(MODES)}")
    if config.max_examples < 1 or config.workers < 1:
        return _usage("--max-examples and --workers must be at least 1")
    if config.request_budget is not None and config.request_budget < 1:
        return _usage("the request budget must be at least 1")
    target = _describe_target(config)
    if config.base_url is not None and not _reachable(config.base_url):
        result = FuzzResult(ExitCode.UNAVAILABLE, target=target, seed=config.seed)
        result.errors.append(f"{target} did not answer at {DISPATCHER_PATH}")
        return result
    try:
        schema = _load(config)
    except UnknownMethodError as exc:
        return _usage(str(exc))
    from harness.fuzz.hooks import hooks_installed, hypothesis_storage_outside_working_folder

    with hooks_installed(), hypothesis_storage_outside_working_folder():
        return _execute(schema, config, target)


def _usage(message: str) -> FuzzResult:
    result = FuzzResult(ExitCode.USAGE, target="-", seed=None)
    result.errors.append(message)
    return result


def _describe_target(config: FuzzConfig) -> str:
    if config.base_url is not None:
        from harness.secrets import shown_url

        return shown_url(config.base_url)
    return "the embedded stub (in-process)"


def _reachable(base_url: str) -> bool:
    import requests

    try:
        # An empty call names no method: Aria answers it with an error and does nothing.
        requests.post(base_url.rstrip("/") + DISPATCHER_PATH, data=b"", timeout=10)
    except requests.RequestException:
        return False
    return True


def _load(config: FuzzConfig) -> Any:
    from harness.fuzz.schema import build_schema

    common: dict[str, Any] = {
        "methods": list(config.methods) or None,
        "credentials": config.credentials,
        "allow_invoicing": config.allow_invoicing,
        "request_budget": config.request_budget,
        "state_digest": config.state_digest,
        "known_values": config.known_values,
        "ledger": config.ledger,
        "sequence_seeds": config.sequence_seeds,
    }
    if config.base_url is not None:
        schema = build_schema(base_url=config.base_url, examples=config.examples, **common)
    elif config.app is not None:
        schema = build_schema(app=config.app, examples=config.examples, **common)
    else:
        stub = config.stub
        if stub is None:
            from harness.stub import Stub

            stub = Stub()
        from harness.fuzz.stubinfo import prime_stub

        schema = build_schema(stub=stub, examples=prime_stub(stub), **common)
    modes = ["positive", "negative"] if config.mode == "all" else [config.mode]
    schema.config.generation.update(
        modes=modes, max_examples=config.max_examples, database=config.database
    )
    phases = list(config.phases)
    if "stateful" in phases and not _has_links(schema):
        # Schemathesis reports a selection without links as an error; there is simply no
        # sequence among the chosen methods to follow.
        phases.remove("stateful")
    schema.config.phases.update(phases=phases)
    # The digest check compares the whole target's state around one call, so calls that
    # read it must not interleave with other workers' writes.
    workers = 1 if _digest_of(schema) is not None else config.workers
    schema.config.update(workers=workers)
    if config.seed is not None:
        schema.config.seed = config.seed
    return schema


def _has_links(schema: Any) -> bool:
    operations = [result.ok() for result in schema.get_all_operations()]
    selected = {op.definition.raw.get("operationId") for op in operations}
    for operation in operations:
        for response in operation.definition.raw.get("responses", {}).values():
            for link in response.get("links", {}).values():
                if link.get("operationId") in selected:
                    return True
    return False


def _digest_of(schema: Any) -> Any:
    context = context_of_schema(schema)
    return None if context is None else context.state_digest


def _execute(schema: Any, config: FuzzConfig, target: str) -> FuzzResult:
    from schemathesis.engine import events, from_schema
    from schemathesis.engine.run import PhaseName

    context = context_of_schema(schema)
    assert context is not None, "the schema was loaded by aria_schema"
    seed = schema.config.seed
    result = FuzzResult(ExitCode.CLEAN, target=target, seed=seed)
    result.skipped.update(context.skipped)
    result.skipped.update(config.skipped)
    names = [op.ok().definition.raw["x-aria-method"] for op in schema.get_all_operations()]
    for name in names:
        result.methods[name] = MethodStats()
    seen: set[tuple[str, str, str]] = set()
    started = time.perf_counter()
    stream = from_schema(schema).execute()
    for event in stream:
        if isinstance(event, events.ScenarioFinished):
            _collect(event.recorder, result, seen, seed, config.credentials)
            if event.phase == PhaseName.STATEFUL_TESTING:
                _count_steps(event.recorder, result)
            _report(config, event.phase.value, event.recorder.label, result, done=False)
        elif isinstance(event, events.NonFatalError):
            if not context.budget.exhausted:
                result.errors.append(f"{event.label}: {event.info.title}: {event.value}")
        elif isinstance(event, events.FatalError):
            result.errors.append(f"fatal: {event.exception}")
        if context.budget.exhausted:
            stream.stop()
    result.duration = time.perf_counter() - started
    result.requests_sent = context.budget.used
    if context.budget.exhausted:
        result.notes.append(f"the request budget of {context.budget.limit} requests was spent")
    elif config.phases and "fuzzing" in config.phases:
        _run_level_check(result, seed)
    if context.guard_rewrites:
        result.notes.append(
            f"{context.guard_rewrites} invoice-generating call(s) were sent with their dry-run "
            "field forced to false (target is not the embedded stub)"
        )
    if result.failures or result.errors:
        result.exit_code = ExitCode.FAILURES
    _report(config, "finished", None, result, done=True)
    return result


def _report(
    config: FuzzConfig, phase: str, label: str | None, result: FuzzResult, *, done: bool
) -> None:
    if config.progress is not None:
        method = label.rsplit("#", 1)[-1] if label and "#" in label else None
        config.progress(Progress(phase=phase, method=method, cases=result.cases, done=done))


def _collect(
    recorder: Any,
    result: FuzzResult,
    seen: set[tuple[str, str, str]],
    seed: int | None,
    credentials: tuple[int, str] | None,
) -> None:
    from harness.recording.scrub import scrub_text

    for case_id, node in recorder.cases.items():
        spec = method_of(node.value)
        interaction = recorder.interactions.get(case_id)
        if spec is None or interaction is None or interaction.response is None:
            continue
        stats = result.methods.setdefault(spec.name, MethodStats())
        stats.cases += 1
        envelope = parse_envelope(interaction.response)
        if envelope is not None and envelope.get("error_code") == 0:
            stats.successes += 1
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.failure_info is None or check.status.value != "failure":
                continue
            node = recorder.cases.get(case_id)
            spec = method_of(node.value) if node is not None else None
            name = spec.name if spec is not None else recorder.label
            failure = check.failure_info.failure
            message = str(getattr(failure, "message", "") or failure)
            key = (name, check.name, message)
            if key in seen:
                continue
            seen.add(key)
            result.methods.setdefault(name, MethodStats()).failures[check.name] += 1
            interaction = recorder.interactions.get(case_id)
            case = node.value if node is not None else None
            # what the case sent in sensitive fields, and the run's credentials: a check's
            # message or the answer may echo them bare, where no shape gives them away
            secrets = _sent_secrets(case, credentials)
            result.failures.append(
                FailureRecord(
                    method=name,
                    check=check.name,
                    message=scrub_text(message, secrets=secrets),
                    seed=seed,
                    request=_request_of(case),
                    response=_response_of(interaction.response if interaction else None, secrets),
                )
            )


def _sent_secrets(case: Any, credentials: tuple[int, str] | None) -> tuple[str, ...]:
    from harness.recording.scrub import sensitive_values

    body = getattr(case, "body", None)
    sent = sensitive_values(body) if isinstance(body, Mapping) else ()
    return (*(str(value) for value in credentials or ()), *sent)


def _count_steps(recorder: Any, result: FuzzResult) -> None:
    for node in recorder.cases.values():
        if method_of(node.value) is None or node.value.id not in recorder.interactions:
            continue
        result.stateful_steps += 1
        if node.is_transition_applied:
            result.linked_steps += 1


def _request_of(case: Any) -> dict[str, Any]:
    if case is None:
        return {}
    return {
        "method": case.method,
        "path": case.path.split("#", 1)[0],
        "media_type": case.media_type,
        "body": mask(case.body) if isinstance(case.body, dict | list) else repr(case.body),
    }


def _response_of(response: Any, secrets: tuple[str, ...] = ()) -> str:
    from harness.recording.scrub import scrub_text

    if response is None:
        return ""
    try:
        text = json.dumps(mask(json.loads(response.content), secrets=secrets), sort_keys=True)
    except (ValueError, UnicodeDecodeError):
        text = scrub_text(response.content[:_MAX_SHOWN].decode("utf-8", "replace"), secrets=secrets)
    text = f"HTTP {response.status_code} {text}"
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def _run_level_check(result: FuzzResult, seed: int | None) -> None:
    for name, stats in result.methods.items():
        # A method that already failed a check has its finding; this one would only repeat it.
        if stats.cases and not stats.successes and not stats.failures:
            stats.failures[RUN_CHECK] += 1
            result.failures.append(
                FailureRecord(
                    method=name,
                    check=RUN_CHECK,
                    message=f"none of the {stats.cases} calls to {name} succeeded (error_code 0)",
                    seed=seed,
                    request={},
                    response="",
                )
            )
