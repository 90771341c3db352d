"""Typed results of a conformance run: what each check found, and what the run concludes.

A :class:`Result` is one verdict for one (Land, check, rule), frozen, with the help-text
provenance and, for a finding, expected vs observed, the minimal example and the replay
command. :class:`RunHeader` and :class:`RunSummary` open and close a run. Each type turns
into exactly one JSON record (``to_record``), the line format of ``results.jsonl``; the
reporters render those records, so a killed run's file renders like a finished one.

The run's conclusion (:class:`Status`) is never "conformant" for something it did not see:

* ``not conformant``: an unexpected ``fail``, or an expected failure that no longer fails;
* ``incomplete``: an ``error``, an interrupted run, no check executed, or a profile that leaves
  most of the covered rules ``inconclusive`` or ``not-applicable``;
* ``conformant``: otherwise.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Final

from skc.conformance.adapters.identities import LedgerEntry
from skc.conformance.digests import catalog_digests, combined, file_digest
from skc.conformance.verdicts import Verdict, worst
from skc.model.catalog import load_catalog
from skc.model.lands import SEED_FILES, LandId

# More than this share of the covered rules unobserved (inconclusive, not applicable): incomplete.
UNOBSERVED_LIMIT: Final = 0.5
CERTIFICATION_GROUPS: Final = (
    "passed", "failed", "not_applicable", "inconclusive", "error", "not_covered",
)  # fmt: skip
_GROUP_OF: Final = {
    Verdict.PASS: "passed", Verdict.FAIL: "failed", Verdict.NOT_APPLICABLE: "not_applicable",
    Verdict.INCONCLUSIVE: "inconclusive", Verdict.ERROR: "error",
}  # fmt: skip


class Status(StrEnum):
    """What a run concludes about the portal."""

    CONFORMANT = "conformant"
    NOT_CONFORMANT = "not conformant"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True, slots=True)
class ExpectedFailureMatch:
    """The expected-failures entry a failing result matched: its reason and where it is."""

    reason: str
    entry: int
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Result:
    """One verdict for one rule of one check in one Land, with what a person needs to act."""

    land: LandId
    suite: str
    check: str
    rule: str
    verdict: Verdict
    family: str = "sim"
    expected: str = ""
    observed: str = ""
    example: tuple[str, ...] = ()
    replay: str = ""
    reason: str = ""
    seed_file: str = ""
    quotes: tuple[str, ...] = ()
    duration_s: float = 0.0
    expected_failure: ExpectedFailureMatch | None = None
    warnings: tuple[str, ...] = ()
    kind: str = ""  # a fail's kind of disagreement (skc.conformance.mismatch.Kind)
    evidence: tuple[str, ...] = ()  # a browser finding's screenshot and trace, under the output

    @property
    def is_finding(self) -> bool:
        """A fail or error that no expected-failures entry accounts for."""
        return self.verdict is Verdict.ERROR or (
            self.verdict is Verdict.FAIL and self.expected_failure is None
        )

    def to_record(self) -> dict[str, Any]:
        """The ``result`` line of ``results.jsonl``."""
        data = asdict(self)
        data["verdict"] = self.verdict.value
        data["example"] = list(self.example)
        data["quotes"] = list(self.quotes)
        data["warnings"] = list(self.warnings)
        data["evidence"] = list(self.evidence)
        match = self.expected_failure
        data["expected_failure"] = match.reason if match is not None else None
        data["expected_failure_entry"] = match.entry if match is not None else None
        return {"type": "result", **data}


def provenance(land: LandId, rule: str) -> tuple[str, tuple[str, ...], str]:
    """The rule's family, its quotes for the Land and the seed file they come from."""
    catalog = load_catalog()
    if rule not in catalog.ids:
        return "sim", (), SEED_FILES[land]
    entry = catalog.rule(rule)
    if not entry.stated(land):
        return entry.family, (), SEED_FILES[land]
    cited = entry.provenance(land)
    return entry.family, tuple(str(q) for q in cited.get("quotes", ())), str(cited["seed"])


@dataclass(frozen=True, slots=True)
class UnexpectedPass:
    """An expected-failures entry that matched no failure: the deviation is gone."""

    land: LandId
    rule: str
    check: str | None
    reason: str
    entry: int
    line: int | None = None

    def to_record(self) -> dict[str, Any]:
        """The ``unexpected_pass`` line of ``results.jsonl``."""
        return {"type": "unexpected_pass", **asdict(self)}


@dataclass(frozen=True, slots=True)
class RunHeader:
    """What a run is: target, Länder, seed, suites, inputs, harness version."""

    run_id: str
    target: str
    lands: tuple[LandId, ...]
    seed: int
    suites: tuple[str, ...]
    hypothesis_profile: str
    started: str
    harness_version: str
    fault: str | None = None
    profile: str | None = None
    expected_failures: str | None = None
    scenarios: str | None = None

    @property
    def manifest(self) -> dict[str, Any]:
        """What the verdicts depend on: catalog and help-text digests, the inputs' digests."""
        digests = catalog_digests()
        return {
            "catalog_sha256": combined(
                {
                    f"{folder}/{name}": digest
                    for folder in ("rules", "register")
                    for name, digest in digests[folder].items()
                }
            ),
            "help_texts": {
                SEED_FILES[land]: digests["seeds"].get(SEED_FILES[land]) for land in self.lands
            },
            "profile_sha256": file_digest(self.profile),
            "expected_failures_sha256": file_digest(self.expected_failures),
        }

    def to_record(self) -> dict[str, Any]:
        """The ``run`` line of ``results.jsonl``."""
        data = asdict(self)
        data["lands"] = list(self.lands)
        data["suites"] = list(self.suites)
        return {"type": "run", **data, **self.manifest}


@dataclass(frozen=True, slots=True)
class RunSummary:
    """How a run ended: counts, certification per Land, status and why."""

    status: Status
    status_reason: str
    counts: Mapping[str, int]
    certification: Mapping[str, Mapping[str, tuple[str, ...]]]
    unexpected_passes: tuple[UnexpectedPass, ...] = ()
    checks_run: int = 0
    interrupted: bool = False
    finished: str = ""
    duration_s: float = 0.0
    accounts_created: int = 0
    accounts_left: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    # per Land: rules exercised, limits probed at both sides (skc.conformance.coverage)
    coverage: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Tell whether the run says conformant."""
        return self.status is Status.CONFORMANT

    def to_record(self) -> dict[str, Any]:
        """The ``summary`` line of ``results.jsonl``."""
        return {
            "type": "summary",
            "status": self.status.value,
            "status_reason": self.status_reason,
            "counts": dict(self.counts),
            "certification": {
                land: {group: list(rules) for group, rules in groups.items()}
                for land, groups in self.certification.items()
            },
            "unexpected_passes": [entry.to_record() for entry in self.unexpected_passes],
            "checks_run": self.checks_run,
            "interrupted": self.interrupted,
            "finished": self.finished,
            "duration_s": self.duration_s,
            "accounts_created": self.accounts_created,
            "accounts_left": list(self.accounts_left),
            "warnings": list(self.warnings),
            "coverage": {land: dict(entry) for land, entry in self.coverage.items()},
        }


def certify(
    results: Iterable[Result], lands: Sequence[LandId]
) -> dict[str, dict[str, tuple[str, ...]]]:
    """Per Land: the rules its help text states, by their worst verdict, and those not covered."""
    catalog = load_catalog()
    by_rule: dict[tuple[str, str], list[Verdict]] = {}
    for result in results:
        by_rule.setdefault((result.land, result.rule), []).append(result.verdict)
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for land in lands:
        groups: dict[str, list[str]] = {name: [] for name in CERTIFICATION_GROUPS}
        for rule in catalog:
            if not rule.stated(land):
                continue
            verdicts = by_rule.get((land, rule.id))
            groups[_GROUP_OF[worst(verdicts)] if verdicts else "not_covered"].append(rule.id)
        out[land] = {name: tuple(rules) for name, rules in groups.items()}
    return out


def conclude(
    results: Sequence[Result],
    certification: Mapping[str, Mapping[str, Sequence[str]]],
    unexpected: Sequence[UnexpectedPass],
    *,
    checks_run: int,
    interrupted: bool,
) -> tuple[Status, str]:
    """The run's status and, in one sentence, why."""
    fails = sum(r.verdict is Verdict.FAIL and r.expected_failure is None for r in results)
    errors = sum(r.verdict is Verdict.ERROR for r in results)
    if fails or unexpected:
        parts = [f"{fails} unexpected failure(s)"] if fails else []
        if unexpected:
            parts.append(f"{len(unexpected)} expected failure(s) that no longer fail")
        return Status.NOT_CONFORMANT, "; ".join(parts)
    if interrupted:
        return Status.INCOMPLETE, f"the run was interrupted after {checks_run} check(s)"
    if checks_run == 0:
        return Status.INCOMPLETE, "no check was executed"
    if errors:
        return Status.INCOMPLETE, f"{errors} result(s) are errors of the harness or connection"
    covered = unobserved = 0
    for groups in certification.values():
        covered += sum(len(rules) for name, rules in groups.items() if name != "not_covered")
        unobserved += len(groups.get("inconclusive", ())) + len(groups.get("not_applicable", ()))
    if covered == 0:
        return Status.INCOMPLETE, "no rule the help texts state was covered"
    if unobserved / covered > UNOBSERVED_LIMIT:
        return Status.INCOMPLETE, (
            f"{unobserved} of {covered} covered rules could not be observed (inconclusive or "
            "not applicable under this profile): declare more capabilities to certify"
        )
    return Status.CONFORMANT, f"every observed rule passed ({covered - unobserved} rules)"


def count(results: Iterable[Result]) -> Counter[str]:
    """Results per verdict."""
    return Counter(result.verdict.value for result in results)


@dataclass
class RunState:
    """The one mutable object of a run: what has happened so far."""

    results: list[Result] = field(default_factory=list)
    ledger: list[LedgerEntry] = field(default_factory=list)
    checks_run: int = 0
    matched_entries: set[int] = field(default_factory=set)
    probes: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # per Land


__all__ = [
    "CERTIFICATION_GROUPS",
    "ExpectedFailureMatch",
    "Result",
    "RunHeader",
    "RunState",
    "RunSummary",
    "Status",
    "UnexpectedPass",
    "certify",
    "conclude",
    "count",
    "provenance",
]
