"""Run a drift check: replay every recorded interaction, compare, and give each a verdict."""

from __future__ import annotations

import contextlib
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import requests

from harness.drift.cassettes import RecordedInteraction, cassette_paths, load_cassette
from harness.drift.compare import Difference, compare_responses
from harness.drift.description import DescriptionGaps, description_gaps, proposal_yaml
from harness.drift.ids import IdMap, order_by_dependency
from harness.drift.redact import Redactor
from harness.drift.replay import LiveAnswer, Skip, Target, prepare, send
from harness.drift.retry import Deadline, RetryPolicy
from harness.drift.rules import DEFAULT_RULES, Rules
from harness.drift.standins import StandIns
from harness.errors import DriftUsageError
from harness.exitcodes import ExitCode
from harness.spec import documented_error

__all__ = [
    "DriftConfig",
    "DriftResult",
    "DriftUsageError",
    "InteractionResult",
    "Verdict",
    "run_drift",
]


class Verdict(StrEnum):
    """The outcome of one replayed interaction."""

    PASS = "PASS"
    DRIFT = "DRIFT"
    UNAVAILABLE = "UNAVAILABLE"
    SKIPPED = "SKIPPED"


@dataclass(frozen=True)
class DriftConfig:
    """Everything a drift run needs; defaults replay the bundled cassettes on the stub."""

    cassettes: str | os.PathLike[str] | None = None  # None: the bundled cassettes/
    base_url: str | None = None  # None: an embedded stub started for the run
    client_no: str | None = None
    auth_key: str | None = field(default=None, repr=False)
    target: Target | None = None  # a target of your own (e.g. a stub you started)
    timeout: float = 10.0
    deadline: float | None = 900.0
    allow_invoicing: bool = False
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    rules: Rules = DEFAULT_RULES
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    # stand-ins for scrubbed fields over the declared defaults (the environment's
    # ARIA_DRIFT_STANDIN_<FIELD> win over both); test values only, never real cards
    stand_ins: Mapping[str, str] | None = field(default=None, repr=False)


@dataclass
class InteractionResult:
    """The verdict on one interaction, with what a report needs to explain it."""

    id: str
    cassette: str
    index: int
    method: str
    verdict: Verdict
    findings: list[Difference] = field(default_factory=list)
    reason: str | None = None
    attempts: int = 0
    status: int | None = None
    dry_run_forced: bool = False
    # Bodies are kept only where a report shows them (memory stays flat over a long run):
    # the request of every interaction not PASS, both answers of the first interaction
    # with each distinct drift; later ones name that first one in ``same_as``.
    request: Any = None  # the recorded parameters (placeholders, scrubbed)
    recorded: Any = None  # the recorded answer, recorded ids translated (scrubbed)
    live: Any = None  # the live answer (scrubbed)
    same_as: str | None = None
    depends_on: str | None = None  # SKIPPED because this interaction's ids are missing


@dataclass
class DriftResult:
    """Every interaction's verdict, and the run's exit code."""

    target: str  # the target's URL, without credentials
    cassettes: str
    started: str
    duration: float
    interactions: list[InteractionResult]
    rules: Rules = field(default=DEFAULT_RULES, repr=False)  # how reports normalise values
    target_kind: str = "target"  # "embedded stub" or "target"
    # tonight's answers checked against the description: fields it lacks, types it gets wrong
    description_gaps: list[dict[str, Any]] = field(default_factory=list)
    description_proposal: str = ""

    def counts(self) -> dict[str, int]:
        """How many interactions got each verdict."""
        found = Counter(r.verdict.value for r in self.interactions)
        return {v.value: found.get(v.value, 0) for v in Verdict}

    def by_method(self) -> dict[str, dict[str, int]]:
        """Verdict counts per Aria method, methods in order of first appearance."""
        table: dict[str, dict[str, int]] = {}
        for result in self.interactions:
            row = table.setdefault(result.method, {v.value: 0 for v in Verdict})
            row[result.verdict.value] += 1
        return table

    def drift_groups(self) -> list[tuple[InteractionResult, list[InteractionResult]]]:
        """Each distinct drift once: its first interaction, and the others that drifted alike."""
        groups: dict[str, tuple[InteractionResult, list[InteractionResult]]] = {}
        for result in self.interactions:
            if result.verdict is not Verdict.DRIFT:
                continue
            if result.same_as is None or result.same_as not in groups:
                groups[result.id] = (result, [])
            else:
                groups[result.same_as][1].append(result)
        return list(groups.values())

    @property
    def exit_code(self) -> int:
        """0 no drift, 1 drift (wins over unavailable), 3 target unavailable."""
        counts = self.counts()
        if counts[Verdict.DRIFT.value]:
            return ExitCode.DRIFT
        if counts[Verdict.UNAVAILABLE.value]:
            return ExitCode.UNAVAILABLE
        return ExitCode.CLEAN


def run_drift(config: DriftConfig) -> DriftResult:
    """Replay every recorded interaction against the configured target and judge each.

    Cassettes are read one at a time; each replays in recorded order, and a cassette that
    names ids another one's answers handed out replays after it (else in name order).
    """
    source = _cassette_source(config)
    paths = dict(cassette_paths(source))
    if not paths:
        raise DriftUsageError(f"no recorded interactions under {source}")
    order = _replay_order(paths)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    begin = time.monotonic()
    results: list[InteractionResult] = []
    with _target(config) as target:
        run = _Run(config, target)
        with requests.Session() as session:
            session.trust_env = not target.is_stub  # never proxy the loopback stub
            for name in order:
                run.ids.start_session()
                for interaction in load_cassette(paths[name], name=name):
                    results.append(run.judge(interaction, session))
    if not results:
        raise DriftUsageError(f"no recorded interactions under {source}")
    return DriftResult(
        target=target.label,
        target_kind=target.kind,
        description_gaps=[run.redactor.gap(row) for row in run.gaps.rows()],
        description_proposal=proposal_yaml(run.gaps),
        cassettes=str(source),
        started=started,
        duration=round(time.monotonic() - begin, 3),
        interactions=results,
        rules=config.rules,
    )


def _replay_order(paths: Mapping[str, Path]) -> list[str]:
    if len(paths) == 1:
        return list(paths)
    return order_by_dependency(
        (name, ((i.request.params(), i.response.json()) for i in load_cassette(path, name=name)))
        for name, path in paths.items()
    )


def _cassette_source(config: DriftConfig) -> Path:
    if config.cassettes is not None:
        return Path(config.cassettes)
    if config.base_url is not None:
        raise DriftUsageError(
            "--base-url needs --cassettes: the bundled cassettes were recorded against the "
            "embedded stub's demo data, which a sandbox does not have"
        )
    from harness.spec import data_dir

    return Path(str(data_dir("cassettes")))


@contextlib.contextmanager
def _target(config: DriftConfig) -> Iterator[Target]:
    if config.target is not None:
        yield config.target
        return
    if config.base_url is not None:
        client_no = config.client_no or os.environ.get("ARIA_CLIENT_NO")
        auth_key = config.auth_key or os.environ.get("ARIA_AUTH_KEY")
        missing = [
            name
            for name, value in (("ARIA_CLIENT_NO", client_no), ("ARIA_AUTH_KEY", auth_key))
            if not value
        ]
        if missing:
            raise DriftUsageError(
                f"replaying against {config.base_url} needs {' and '.join(missing)} in the "
                "environment (the credentials the cassettes' placeholders stand for)"
            )
        yield Target(config.base_url, str(client_no), str(auth_key), is_stub=False)
        return
    from harness.stub import running_stub

    with running_stub(control=False) as server:
        yield Target(server.url, str(server.client_no), str(server.auth_key), is_stub=True)


class _Run:
    """The state of one run: the deadline, the id map, what each drift looked like first."""

    def __init__(self, config: DriftConfig, target: Target) -> None:
        self.config = config
        self.target = target
        self.redactor = Redactor(secrets=(target.auth_key, target.client_no))
        self.deadline = Deadline(config.deadline, clock=config.clock)
        self.stand_ins = StandIns(config.stand_ins)
        self.ids = IdMap()
        self.first_drift: dict[tuple[Any, ...], str] = {}
        self.gaps = DescriptionGaps()

    def judge(
        self, interaction: RecordedInteraction, session: requests.Session
    ) -> InteractionResult:
        """Replay one interaction and give it its verdict."""
        recorded = interaction.response.json()
        result = InteractionResult(
            id=interaction.id,
            cassette=interaction.cassette,
            index=interaction.index,
            method=interaction.method,
            verdict=Verdict.PASS,
        )
        live = self._replay(interaction, recorded, result, session)
        params = interaction.request.params()
        self.ids.see_request(params)
        self.ids.learn(
            interaction=interaction.id,
            method=interaction.method,
            recorded=recorded,
            live=live,
            why_missing=_why_no_ids(result),
        )
        if result.verdict is not Verdict.PASS:
            result.request = params
        if result.verdict is Verdict.DRIFT:
            key = (
                result.method,
                *((f.kind, f.pointer, f.expected, f.actual) for f in result.findings),
            )
            result.same_as = self.first_drift.setdefault(key, result.id)
            if result.same_as == result.id:
                result.same_as = None
                result.recorded, result.live = self.ids.translate(recorded), live
        # everything kept is masked here, in one place, before any report sees it
        return self.redactor.interaction(result)

    def _replay(
        self,
        interaction: RecordedInteraction,
        recorded: Any,
        result: InteractionResult,
        session: requests.Session,
    ) -> dict[str, Any] | None:
        config = self.config
        if not isinstance(recorded, dict) or "error_code" not in recorded:
            result.verdict = Verdict.SKIPPED
            result.reason = (
                f"the recorded answer (HTTP {interaction.response.status}) is not an Aria answer, "
                "so there is nothing to compare with"
            )
            return None
        if self.deadline.expired:
            result.verdict = Verdict.UNAVAILABLE
            result.reason = "the run's deadline passed before this call"
            return None
        prepared = prepare(
            interaction,
            self.target,
            allow_invoicing=config.allow_invoicing,
            stand_ins=self.stand_ins,
            ids=self.ids,
        )
        if isinstance(prepared, Skip):
            result.verdict, result.reason = Verdict.SKIPPED, prepared.reason
            result.depends_on = prepared.depends_on
            return None
        result.dry_run_forced = prepared.dry_run_forced
        live = send(
            session, prepared, timeout=config.timeout, deadline=self.deadline, policy=config.retry
        )
        result.attempts, result.status = live.attempts, live.status
        if live.unavailable is not None or live.body is None:
            result.verdict = Verdict.UNAVAILABLE
            result.reason = live.unavailable or "no answer"
            return None
        _verdict(result, interaction, self.ids.translate(recorded), live, config)
        # read from the scrubbed answer: a key may itself be a secret (a client_no, an e-mail)
        self.gaps.add(description_gaps(interaction.method, self.redactor.scrub(live.body)))
        return live.body


def _why_no_ids(result: InteractionResult) -> str | None:
    """What a call that depends on this one's ids is told, or None if they can be mapped."""
    if result.depends_on is not None:
        return f"that call was SKIPPED too, as it needed ids from {result.depends_on}"
    if result.verdict in (Verdict.SKIPPED, Verdict.UNAVAILABLE):
        # its own reason is listed with it in every report; repeating it here would nest
        return f"that call was {result.verdict.value} (its reason is given with it)"
    if result.dry_run_forced:
        return "that call ran as a dry run (the invoice guard), which creates nothing"
    if result.verdict is Verdict.DRIFT and result.findings:
        return f"that call drifted ({result.findings[0]})"
    return None


def _verdict(
    result: InteractionResult,
    interaction: RecordedInteraction,
    recorded: dict[str, Any],
    live: LiveAnswer,
    config: DriftConfig,
) -> None:
    body = live.body or {}
    auth_error = str(documented_error("AuthenticationError").code)
    if str(body.get("error_code")) == auth_error and str(recorded.get("error_code")) != auth_error:
        # Recordings carry placeholders, never bad credentials, so a fresh authentication
        # error means the credentials given for this run are wrong: nothing about the API.
        result.verdict = Verdict.UNAVAILABLE
        result.reason = (
            f"authentication failed (error_code {auth_error}): "
            "check ARIA_CLIENT_NO and ARIA_AUTH_KEY"
        )
        return
    findings = compare_responses(
        interaction.method,
        recorded,
        body,
        rules=config.rules,
        # a dry run forced by the guard leaves the numbers of what it did not create empty
        nullability=not result.dry_run_forced,
    )
    if live.status != interaction.response.status:
        findings.insert(
            0,
            Difference(
                "http_status_changed",
                "behaviour",
                "",
                str(interaction.response.status),
                str(live.status),
                f"HTTP status changed from {interaction.response.status} to {live.status}",
            ),
        )
    result.findings = findings
    result.verdict = Verdict.DRIFT if findings else Verdict.PASS
