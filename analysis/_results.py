"""Conformance runs for analysts: one run's results and certification, and several runs compared.

A run is read from its ``results.jsonl`` (or the reports directory holding it) through
``skc.conformance.reports.read_records``; keys this module does not know are kept as extra
columns, keys it expects but a record lacks are left empty, so files written by older or newer
versions of the harness still load. ``compare_runs`` puts several runs into one long frame
(target and fault × Land × rule × check), and ``run_matrix`` pivots it into the wpt.fyi-style
matrix: one row per (Land, rule), one column per run, the worst verdict in each cell.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from skc.conformance.reports import RESULTS_FILE, read_records
from skc.model.errors import InputError

VERDICTS = ("pass", "fail", "inconclusive", "error", "not-applicable")
# Worst first when several checks of one run cover the same (Land, rule).
_SEVERITY = {"error": 4, "fail": 3, "inconclusive": 2, "pass": 1, "not-applicable": 0}
_BY_SEVERITY = {rank: verdict for verdict, rank in _SEVERITY.items()}
HEADER_KEYS = ("run_id", "target", "seed", "fault")
COMPARE_COLUMNS = ("run", "target", "fault", "seed", "land", "rule", "check", "verdict")
CERTIFICATION_GROUPS = (
    "passed", "failed", "not_applicable", "inconclusive", "error", "not_covered",
)  # fmt: skip

PathLike = str | Path


def _as_mapping(record: object) -> Mapping[str, Any]:
    """A record as a mapping, whether the reader gave a dict or a typed record."""
    if isinstance(record, Mapping):
        return record
    to_record = getattr(record, "to_record", None)
    if callable(to_record):
        converted = to_record()
        if isinstance(converted, Mapping):
            return converted
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return dataclasses.asdict(record)
    raise InputError(f"cannot read a {type(record).__name__} as a results record")


def results_file(path: PathLike) -> Path:
    """The results file a path names: the file itself, or ``results.jsonl`` in a directory."""
    candidate = Path(path)
    file = candidate / RESULTS_FILE if candidate.is_dir() else candidate
    if not file.is_file():
        raise InputError(
            f"{file}: no results file here; pass a run's {RESULTS_FILE} "
            "or the reports directory that holds it"
        )
    return file


@dataclass(frozen=True)
class Run:
    """One conformance run: its header, its results (one row each) and its summary."""

    path: Path
    header: Mapping[str, Any]
    results: pd.DataFrame
    summary: Mapping[str, Any] | None = None
    unexpected_passes: list[Mapping[str, Any]] = field(default_factory=list)

    @property
    def label(self) -> str:
        """A short name for the run: its target, and the seeded fault if there was one."""
        target = str(self.header.get("target") or "?")
        fault = self.header.get("fault")
        return f"{target} + {fault}" if fault else target

    @property
    def finished(self) -> bool:
        """Whether the run wrote its summary line."""
        return self.summary is not None

    def findings(self) -> pd.DataFrame:
        """The results that are failures or errors."""
        return self.results[self.results["verdict"].isin(["fail", "error"])]

    def __repr__(self) -> str:
        return f"Run({self.label!r}, {len(self.results)} results, {self.path})"


def load_run(path: PathLike) -> Run:
    """Read one run from its results file or its reports directory (``str`` or ``Path``)."""
    file = results_file(path)
    header: Mapping[str, Any] = {}
    summary: Mapping[str, Any] | None = None
    rows: list[dict[str, Any]] = []
    unexpected: list[Mapping[str, Any]] = []
    for raw in read_records(file):
        record = _as_mapping(raw)
        kind = record.get("type")
        if kind == "run" and not header:
            header = record
        elif kind == "result":
            rows.append({key: value for key, value in record.items() if key != "type"})
        elif kind == "summary":
            summary = record
        elif kind == "unexpected_pass":
            unexpected.append(record)
    base = ["land", "rule", "check", "suite", "verdict"]
    frame = pd.DataFrame(rows)
    for column in base:
        if column not in frame.columns:
            frame[column] = pd.Series(dtype="object")
    for position, key in enumerate(HEADER_KEYS):
        if key not in frame.columns:
            frame.insert(position, key, header.get(key))
    frame["verdict"] = pd.Categorical(frame["verdict"], categories=VERDICTS)
    return Run(file, header, frame, summary, unexpected)


def certification(run: Run | PathLike) -> pd.DataFrame:
    """The certification summary of a run: one row per Land, rule and group (``passed``,
    ``failed``, ``not_applicable``, ``inconclusive``, ``error``, ``not_covered``).

    Empty when the run wrote no summary (it was killed before the end).
    """
    chosen = run if isinstance(run, Run) else load_run(run)
    rows = []
    per_land = (chosen.summary or {}).get("certification") or {}
    for land, groups in per_land.items():
        for group, rules in (groups or {}).items():
            for rule in rules or []:
                rows.append({"land": land, "rule": rule, "status": group})
    frame = pd.DataFrame(rows, columns=["land", "rule", "status"])
    known = [*CERTIFICATION_GROUPS, *sorted(set(frame["status"]) - set(CERTIFICATION_GROUPS))]
    frame["status"] = pd.Categorical(frame["status"], categories=known)
    return frame


def certification_counts(run: Run | PathLike) -> pd.DataFrame:
    """How many rules of each Land are in each certification group (Länder × groups)."""
    table = certification(run)
    return table.pivot_table(
        index="land", columns="status", values="rule", aggfunc="count", fill_value=0, observed=False
    )


def uncovered(run: Run | PathLike) -> pd.DataFrame:
    """The rules a Land states that no check of the run covered."""
    table = certification(run)
    return table[table["status"] == "not_covered"].reset_index(drop=True)


def compare_runs(runs: Iterable[Run | PathLike]) -> pd.DataFrame:
    """Several runs in one long frame: run, target, fault, seed, land, rule, check, verdict.

    ``run`` is the run's label (target, and the fault if any; numbered when two runs share
    one), so the frame pivots straight into :func:`run_matrix`.
    """
    frames = []
    seen: dict[str, int] = {}
    for item in runs:
        run = item if isinstance(item, Run) else load_run(item)
        label = run.label
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label} #{seen[label]}"
        part = pd.DataFrame(
            {
                "run": label,
                "target": run.header.get("target"),
                "fault": run.header.get("fault"),
                "seed": run.header.get("seed"),
                "land": run.results["land"].astype("object"),
                "rule": run.results["rule"].astype("object"),
                "check": run.results["check"].astype("object"),
                "verdict": run.results["verdict"].astype("object"),
            }
        )
        frames.append(part)
    if not frames:
        return pd.DataFrame(columns=list(COMPARE_COLUMNS))
    frame = pd.concat(frames, ignore_index=True)
    frame["verdict"] = pd.Categorical(frame["verdict"], categories=VERDICTS)
    return frame


def worst_verdict(verdicts: Iterable[object]) -> str | None:
    """The most severe verdict of a group (error, fail, inconclusive, pass, not-applicable)."""
    known = [str(v) for v in verdicts if str(v) in _SEVERITY]
    return max(known, key=_SEVERITY.__getitem__) if known else None


def run_matrix(comparison: pd.DataFrame, runs: Sequence[str] | None = None) -> pd.DataFrame:
    """Pivot :func:`compare_runs` into rows (Land, rule) × one column per run, each cell the
    worst verdict of the run's checks on that rule (empty where the run did not check it)."""
    if comparison.empty:
        return pd.DataFrame()
    severity = comparison["verdict"].astype("object").map(_SEVERITY)
    ranked = comparison.assign(severity=severity).dropna(subset=["severity"])
    worst = ranked.groupby(["land", "rule", "run"], observed=True)["severity"].max()
    matrix = worst.map(_BY_SEVERITY).unstack("run")
    order = list(runs) if runs is not None else list(dict.fromkeys(comparison["run"]))
    return matrix.reindex(columns=[r for r in order if r in matrix.columns])


def style_matrix(matrix: pd.DataFrame) -> Any:
    """A pandas Styler colouring each verdict cell of :func:`run_matrix` (needs jinja2)."""
    colours = {
        "pass": "background-color: #d3f9d8",
        "fail": "background-color: #ffc9c9",
        "error": "background-color: #e5dbff",
        "inconclusive": "background-color: #ffe8cc",
        "not-applicable": "color: #888",
    }
    return matrix.style.map(lambda cell: colours.get(str(cell), ""))


__all__ = [
    "CERTIFICATION_GROUPS",
    "COMPARE_COLUMNS",
    "VERDICTS",
    "Run",
    "certification",
    "certification_counts",
    "compare_runs",
    "load_run",
    "results_file",
    "run_matrix",
    "style_matrix",
    "uncovered",
    "worst_verdict",
]
