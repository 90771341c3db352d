"""The runner: plan the checks for each Land, run them, stream results, summarise.

``run`` is what ``skc run`` and the pytest plugin call. Each check's result becomes result
records (one per rule it covers; a failure, one record on the rule it breaks), written to
``results.jsonl`` as they arrive; secrets are scrubbed from every text first. At the end the
JUnit and HTML reports are rendered from the records, and the certification summary says, per
Land, which rules the help text states passed, failed, were not applicable or not covered.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from skc.conformance.adapters.inprocess import InProcessAdapter
from skc.conformance.adapters.protocol import Adapter
from skc.conformance.expected import ExpectedFailure, match
from skc.conformance.faults import Fault
from skc.conformance.profile import PortalProfile, reference_profile
from skc.conformance.reports import (
    HTML_FILE,
    JUNIT_FILE,
    RESULTS_FILE,
    ResultStream,
    write_html,
    write_junit,
)
from skc.conformance.steps import secret_values
from skc.conformance.suites.base import Check, CheckContext, CheckResult
from skc.conformance.suites.fields import field_checks
from skc.conformance.suites.scenarios import scenario_checks
from skc.conformance.suites.stateful import stateful_checks
from skc.conformance.verdicts import Finding, Verdict, worst
from skc.model.catalog import load_catalog
from skc.model.errors import UnknownNameError
from skc.model.lands import LandId

SUITES: Final = ("fields", "scenarios", "lifecycle", "mailbox", "organisations")
TARGETS: Final = ("inprocess",)


@dataclass(frozen=True)
class RunConfig:
    """What to run: target, Länder, seed, suites, fault, profile, expected failures, output."""

    lands: tuple[LandId, ...]
    seed: int
    target: str = "inprocess"
    suites: tuple[str, ...] = SUITES
    fault: Fault | None = None
    profile: PortalProfile | None = None
    expected: tuple[ExpectedFailure, ...] = ()
    hypothesis_profile: str = "ci"
    out: Path | None = Path("reports/out")
    only_check: str | None = None
    scenario_dir: Path | None = None
    profile_path: Path | None = None

    def replay_command(self, land: LandId, check: str) -> str:
        """The command that runs one check again with the same seed and setup."""
        parts = ["skc run", f"--target {self.target}", f"--land {land}", f"--seed {self.seed}"]
        if self.fault is not None:
            parts.append(f"--fault {self.fault.name}")
        if self.profile_path is not None:
            parts.append(f"--profile {self.profile_path}")
        if self.hypothesis_profile != "ci":
            parts.append(f"--hypothesis-profile {self.hypothesis_profile}")
        parts.append(f"--replay {check}")
        return " ".join(parts)


@dataclass
class RunSummary:
    """The outcome of a run."""

    records: list[dict[str, Any]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    unexpected_passes: list[ExpectedFailure] = field(default_factory=list)
    certification: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    secrets_seen: set[str] = field(default_factory=set)  # kept in memory only, to check leaks

    @property
    def results(self) -> list[dict[str, Any]]:
        """The result records only."""
        return [r for r in self.records if r["type"] == "result"]

    @property
    def ok(self) -> bool:
        """No unexpected fail, no error, no unexpected pass."""
        bad = [
            r for r in self.results
            if r["verdict"] == Verdict.ERROR
            or (r["verdict"] == Verdict.FAIL and r["expected_failure"] is None)
        ]  # fmt: skip
        return not bad and not self.unexpected_passes


def plan(land: LandId, suites: Sequence[str], scenario_dir: Path | None = None) -> list[Check]:
    """The checks of the chosen suites for one Land, in a fixed order."""
    for suite in suites:
        if suite not in SUITES:
            raise UnknownNameError("suite", suite, SUITES)
    checks: list[Check] = []
    if "fields" in suites:
        checks += field_checks(land)
    if "scenarios" in suites:
        checks += scenario_checks(land, scenario_dir)
    checks += [c for c in stateful_checks(land) if c.suite in suites]
    return checks


def adapter_for(config: RunConfig, land: LandId) -> Adapter:
    """The adapter of the chosen target for one Land."""
    if config.target not in TARGETS:
        raise UnknownNameError("target", config.target, TARGETS)
    profile = config.profile if config.profile is not None else reference_profile(land)
    if profile.land != land:
        profile = profile.model_copy(update={"land": land})
    fault = config.fault if config.fault is not None and config.fault.land == land else None
    return InProcessAdapter(land, profile, fault)


def _scrub(text: str, secrets: set[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 4:
            text = text.replace(secret, "<secret>")
    return text


def result_records(
    config: RunConfig, land: LandId, check: Check, result: CheckResult, secrets: set[str]
) -> Iterator[dict[str, Any]]:
    catalog = load_catalog()
    if result.verdict is Verdict.FAIL and result.rule is not None:
        rules: tuple[str, ...] = (result.rule,)
    else:
        rules = tuple(r for r in result.covered if r in catalog.ids and catalog.stated(land, r))
        if result.verdict is not Verdict.PASS and not rules:
            rules = tuple(r for r in check.rules if r in catalog.ids) or ("-",)
    for rule in rules:
        finding = Finding(
            check=check.id, rule=rule, land=land, verdict=result.verdict,
            expected=result.expected, observed=result.observed, example=result.example,
            replay=config.replay_command(land, check.id) if result.verdict is not Verdict.PASS
            else "",
            reason=result.reason,
        )  # fmt: skip
        data = finding.to_json()
        record: dict[str, Any] = {"type": "result", "suite": check.suite}
        record.update(data)
        record["family"] = catalog.rule(rule).family if rule in catalog.ids else "sim"
        record["seed_file"] = record.pop("seed", "")
        for key in ("expected", "observed", "reason"):
            record[key] = _scrub(str(record[key]), secrets)
        record["example"] = [_scrub(line, secrets) for line in record["example"]]
        entry = None
        if result.verdict is Verdict.FAIL:
            entry = match(config.expected, land, rule, check.id)
        record["expected_failure"] = entry.reason if entry is not None else None
        yield record


def certification(
    records: Sequence[dict[str, Any]], lands: Sequence[LandId]
) -> dict[str, dict[str, list[str]]]:
    """Per Land: the stated rules by their worst verdict, and those no check covered."""
    catalog = load_catalog()
    out: dict[str, dict[str, list[str]]] = {}
    for land in lands:
        by_rule: dict[str, list[Verdict]] = {}
        for record in records:
            if record["land"] == land:
                by_rule.setdefault(record["rule"], []).append(Verdict(record["verdict"]))
        groups: dict[str, list[str]] = {
            "passed": [], "failed": [], "not_applicable": [], "inconclusive": [], "error": [],
            "not_covered": [],
        }  # fmt: skip
        key_of = {
            Verdict.PASS: "passed", Verdict.FAIL: "failed",
            Verdict.NOT_APPLICABLE: "not_applicable", Verdict.INCONCLUSIVE: "inconclusive",
            Verdict.ERROR: "error",
        }  # fmt: skip
        for rule in catalog:
            if not rule.stated(land):
                continue
            verdicts = by_rule.get(rule.id)
            groups[key_of[worst(verdicts)] if verdicts else "not_covered"].append(rule.id)
        out[land] = groups
    return out


def run(
    config: RunConfig,
    *,
    on_check: Callable[[str, int, int], None] | None = None,
) -> RunSummary:
    """Run every planned check for every Land; stream, then render the reports."""
    started, clock = datetime.now(UTC), time.monotonic()
    summary = RunSummary()
    secrets = set(secret_values())
    out = config.out
    header = {
        "type": "run",
        "run_id": f"{config.target}-seed{config.seed}",
        "target": config.target,
        "lands": list(config.lands),
        "seed": config.seed,
        "fault": config.fault.name if config.fault is not None else None,
        "suites": list(config.suites),
        "hypothesis_profile": config.hypothesis_profile,
        "started": started.isoformat(timespec="seconds"),
    }
    planned = [
        (land, check)
        for land in config.lands
        for check in plan(land, config.suites, config.scenario_dir)
    ]
    if config.only_check is not None:
        planned = [(land, check) for land, check in planned if check.id == config.only_check]
        if not planned:
            known = sorted(
                {
                    c.id
                    for land in config.lands
                    for c in plan(land, config.suites, config.scenario_dir)
                }
            )
            raise UnknownNameError("check", config.only_check, known)
    with ExitStack() as stack:
        stream = stack.enter_context(ResultStream(out / RESULTS_FILE)) if out is not None else None

        def emit(record: dict[str, Any]) -> None:
            summary.records.append(record)
            if stream is not None:
                stream.write(record)

        emit(header)
        for index, (land, check) in enumerate(planned):
            if on_check is not None:
                on_check(f"{land} {check.id}", index, len(planned))
            ctx = CheckContext(adapter_for(config, land), config.seed, config.hypothesis_profile)
            began = time.monotonic()
            result = check.run(ctx)
            took = round(time.monotonic() - began, 4)
            summary.secrets_seen |= ctx.secrets_used
            for record in result_records(config, land, check, result, secrets | ctx.secrets_used):
                record["duration_s"] = took
                summary.counts[record["verdict"]] += 1
                emit(record)
        results = summary.results
        summary.unexpected_passes = [
            entry for entry in config.expected
            if entry.land in config.lands
            and not any(r["expected_failure"] == entry.reason for r in results)
        ]  # fmt: skip
        summary.certification = certification(results, config.lands)
        footer = {
            "type": "summary",
            "counts": dict(summary.counts),
            "certification": summary.certification,
            "unexpected_passes": [entry.model_dump() for entry in summary.unexpected_passes],
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "duration_s": round(time.monotonic() - clock, 3),
        }
        emit(footer)
    if out is not None:
        write_junit(summary.records, out / JUNIT_FILE)
        write_html(summary.records, out / HTML_FILE)
    return summary


__all__ = [
    "SUITES",
    "TARGETS",
    "RunConfig",
    "RunSummary",
    "adapter_for",
    "certification",
    "plan",
    "run",
]
