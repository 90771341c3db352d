"""Coverage as a number, per Land: which stated rules the checks exercise, which limits they
probe at both sides, and why the rest is not checked.

Two views:

* **planned** (:func:`planned`), without running anything: the stated rules some planned check
  cites (``Check.rules``), and the rest as listed in ``model/register/unchecked.yaml``
  (unobservable from outside a portal, or not checked yet); a rule neither cited nor listed is
  ``unlisted`` (a test fails on it). The README's first table (:func:`plan_markdown`).
* **measured** (:func:`measure`), from a run: the stated rules with a ``pass`` or ``fail``
  verdict (exercised), and the rules with a numeric limit (:mod:`skc.conformance.boundaries`)
  that some step probed at the limit and one unit past it. ``skc run`` prints it and writes it
  into the summary line of ``results.jsonl``; ``skc coverage --measure`` into the README.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from skc.conformance.boundaries import SIDES, limit_rules
from skc.conformance.suites.plan import SUITES, plan
from skc.model.catalog import load_catalog
from skc.model.coverage import load_unchecked, unchecked_rules
from skc.model.errors import InputError
from skc.model.lands import LANDS, LandId

PLAN_BLOCK: Final = "coverage-plan"
MEASURED_BLOCK: Final = "coverage-measured"


@dataclass(frozen=True, slots=True)
class PlannedCoverage:
    """One Land's stated rules: cited by a planned check, or listed with why, or neither."""

    land: LandId
    stated: tuple[str, ...]
    cited: tuple[str, ...]
    unobservable: tuple[str, ...]
    not_checked: tuple[str, ...]
    unlisted: tuple[str, ...]
    stale: tuple[str, ...]  # listed as unchecked, yet a planned check cites them

    @property
    def share(self) -> float:
        """The share of stated rules some planned check cites."""
        return len(self.cited) / len(self.stated) if self.stated else 1.0


def planned(land: LandId, suites: Sequence[str] = SUITES) -> PlannedCoverage:
    """The Land's stated rules against the rules its planned checks cite."""
    stated = tuple(rule.id for rule in load_catalog().for_land(land))
    cited_ids = {rule for check in plan(land, suites) for rule in check.rules}
    listed = unchecked_rules(land)
    cited = tuple(r for r in stated if r in cited_ids)
    rest = [r for r in stated if r not in cited_ids]
    return PlannedCoverage(
        land=land,
        stated=stated,
        cited=cited,
        unobservable=tuple(r for r in rest if r in listed and listed[r].why == "unobservable"),
        not_checked=tuple(r for r in rest if r in listed and listed[r].why == "not-checked"),
        unlisted=tuple(r for r in rest if r not in listed),
        stale=tuple(r for r in cited if r in listed),
    )


@dataclass(frozen=True, slots=True)
class LandCoverage:
    """What one run exercised in one Land."""

    land: LandId
    stated: int
    exercised: tuple[str, ...]
    unobservable: tuple[str, ...]
    limits: tuple[str, ...]
    both_sides: tuple[str, ...]
    one_side: tuple[str, ...]  # "rule (at)" / "rule (past)": the side that was probed

    @property
    def share(self) -> float:
        """The share of stated rules a check exercised (a pass or fail verdict)."""
        return len(self.exercised) / self.stated if self.stated else 1.0

    @property
    def boundary_share(self) -> float:
        """The share of limits probed at the limit and one unit past it."""
        return len(self.both_sides) / len(self.limits) if self.limits else 1.0

    @property
    def not_probed(self) -> tuple[str, ...]:
        """The limits no step probed on either side."""
        probed = {entry.rsplit(" (", 1)[0] for entry in self.one_side}
        return tuple(r for r in self.limits if r not in self.both_sides and r not in probed)

    def to_record(self) -> dict[str, Any]:
        """The Land's entry under ``coverage`` in the summary line of ``results.jsonl``."""
        return {
            "stated": self.stated,
            "exercised": len(self.exercised),
            "share": round(self.share, 3),
            "unobservable": list(self.unobservable),
            "limits": len(self.limits),
            "both_sides": len(self.both_sides),
            "boundary_share": round(self.boundary_share, 3),
            "one_side": list(self.one_side),
            "not_probed": list(self.not_probed),
        }


def measure(
    certification: Mapping[str, Mapping[str, Sequence[str]]],
    probes: Mapping[str, Iterable[tuple[str, str]]],
    lands: Iterable[LandId],
) -> dict[str, LandCoverage]:
    """Per Land: the run's exercised rules (passed or failed) and the limits probed at both
    sides, from the certification groups and the boundary probes the steps recorded."""
    out: dict[str, LandCoverage] = {}
    for land in lands:
        groups = certification.get(land, {})
        stated = sum(len(rules) for rules in groups.values())
        exercised = tuple(sorted({*groups.get("passed", ()), *groups.get("failed", ())}))
        seen: dict[str, set[str]] = {}
        for rule, side in probes.get(land, ()):
            seen.setdefault(rule, set()).add(side)
        limits = limit_rules(land)
        both = tuple(r for r in limits if seen.get(r, set()) >= set(SIDES))
        one = tuple(f"{r} ({next(iter(seen[r]))})" for r in limits if len(seen.get(r, ())) == 1)
        listed = unchecked_rules(land)
        unobservable = tuple(r for r, e in listed.items() if e.why == "unobservable")
        out[land] = LandCoverage(land, stated, exercised, unobservable, limits, both, one)
    return out


def measure_reference(lands: Sequence[LandId], seed: int) -> dict[str, LandCoverage]:
    """Run every suite against the in-process reference portal (CI profile) and measure."""
    from skc.conformance.runner import RunConfig, run  # the runner imports this module

    report = run(RunConfig(lands=tuple(lands), seed=seed, out=None))
    return measure(report.summary.certification, report.probes, lands)


def _percent(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f} %)" if whole else "-"


def plan_markdown(lands: Sequence[LandId] = LANDS) -> str:
    """The README's planned-coverage table and the list of rules no check cites, with why."""
    rows = [
        "| Land | stated rules | cited by a planned check | unobservable | not checked yet |",
        "| --- | --- | --- | --- | --- |",
    ]
    gaps: dict[str, list[LandId]] = {}
    for land in lands:
        cov = planned(land)
        rows.append(
            f"| {land} | {len(cov.stated)} | {_percent(len(cov.cited), len(cov.stated))} | "
            f"{len(cov.unobservable)} | {len(cov.not_checked) + len(cov.unlisted)} |"
        )
        for rule in (*cov.unobservable, *cov.not_checked, *cov.unlisted):
            gaps.setdefault(rule, []).append(land)
    lines = [*rows, "", "Stated rules no planned check cites, and why:", ""]
    entries = {e.rule: e for e in load_unchecked()}
    order = {"unobservable": 0, "not-checked": 1}
    for rule in sorted(gaps, key=lambda r: (order[entries[r].why] if r in entries else 2, r)):
        entry = entries.get(rule)
        why = f"*{entry.why}*: {entry.reason}" if entry else "*unlisted*: no reason given yet"
        lines.append(f"- `{rule}` ({', '.join(gaps[rule])}): {why}")
    return "\n".join(lines)


def measured_markdown(coverage: Mapping[str, LandCoverage], seed: int) -> str:
    """The README's measured table: exercised rules and limits probed at both sides."""
    rows = [
        f"Measured against the reference portal, every suite, seed {seed}, CI profile "
        f"(`skc coverage --measure --seed {seed} --write README.md`):",
        "",
        "| Land | rules exercised | limits probed at both sides | limits not probed at both |",
        "| --- | --- | --- | --- |",
    ]
    for land, cov in coverage.items():
        rows.append(
            f"| {land} | {_percent(len(cov.exercised), cov.stated)} | "
            f"{_percent(len(cov.both_sides), len(cov.limits))} | "
            f"{', '.join((*cov.one_side, *(f'{r} (neither)' for r in cov.not_probed))) or '-'} |"
        )
    return "\n".join(rows)


def _block_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- {name}:begin -->\n)(.*?)(<!-- {name}:end -->)", re.DOTALL)


def read_block(text: str, name: str) -> str | None:
    """The generated block ``name`` of a Markdown text, or None when it has none."""
    found = _block_pattern(name).search(text)
    return found.group(2).rstrip("\n") if found else None


def write_block(path: Path, name: str, content: str) -> None:
    """Replace the generated block ``name`` in the file (its markers must be there)."""
    text = path.read_text(encoding="utf-8")
    pattern = _block_pattern(name)
    if not pattern.search(text):
        raise InputError(
            f"{path}: no block to replace; add the lines '<!-- {name}:begin -->' and "
            f"'<!-- {name}:end -->' where the table belongs"
        )
    new = pattern.sub(lambda m: f"{m.group(1)}{content}\n{m.group(3)}", text, count=1)
    path.write_text(new, encoding="utf-8")


__all__ = [
    "MEASURED_BLOCK", "PLAN_BLOCK", "LandCoverage", "PlannedCoverage", "measure",
    "measured_markdown", "plan_markdown", "planned", "read_block", "write_block",
]  # fmt: skip
