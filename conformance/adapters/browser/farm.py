"""A browser farm: one run sharded over pytest-xdist workers (or CI jobs), reports merged.

``pytest -n 2 --skc-target browser --skc-profile P --skc-out OUT`` gives every worker its own
session, adapter and browser, writing ``OUT/shards/<worker>/``; when the workers are done,
:func:`merge_shards` writes ``OUT/results.jsonl``, ``junit.xml`` and ``report.html`` over all of
them (``skc`` runs per CI job merge the same way: ``python -m
skc.conformance.adapters.browser.farm OUT SHARD...``). The merged summary adds the counts,
checks, accounts and warnings up, keeps each rule in its worst group of the certification, and
concludes the worst of the shards' conclusions (a shard's reason, named); evidence paths are
rewritten to stay valid from ``OUT``. The per-Land measured coverage is left out (it needs the
probes, which the shards do not write).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import orjson

from skc.conformance.reports import (
    HTML_FILE,
    JUNIT_FILE,
    RESULTS_FILE,
    read_records,
    split_records,
    write_atomically,
    write_html,
    write_junit,
)
from skc.model.errors import InputError

SHARDS_DIR: Final = "shards"
_STATUS_ORDER: Final = ("conformant", "incomplete", "not conformant")
_GROUP_ORDER: Final = ("not_covered", "passed", "not_applicable", "inconclusive", "error", "failed")


def _certification(summaries: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, list[str]]]:
    worst: dict[str, dict[str, str]] = {}
    for summary in summaries:
        for land, groups in (summary.get("certification") or {}).items():
            for group, rules in groups.items():
                for rule in rules:
                    held = worst.setdefault(land, {}).get(rule)
                    if held is None or _GROUP_ORDER.index(group) > _GROUP_ORDER.index(held):
                        worst[land][rule] = group
    merged: dict[str, dict[str, list[str]]] = {}
    for land, rules in worst.items():
        merged[land] = {g: sorted(r for r, h in rules.items() if h == g) for g in _GROUP_ORDER}
    return merged


def _reason(shard: str, worst: Mapping[str, Any]) -> str:
    if worst["status"] == "conformant":
        return "every shard conformant: every observed rule passed"
    return f"shard {shard}: {worst.get('status_reason', '')}"


def _summary(shards: Sequence[Path], summaries: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    index = max(range(len(summaries)), key=lambda i: _STATUS_ORDER.index(summaries[i]["status"]))
    counts: dict[str, int] = {}
    for summary in summaries:
        for verdict, n in (summary.get("counts") or {}).items():
            counts[verdict] = counts.get(verdict, 0) + int(n)
    worst = summaries[index]
    return {
        "type": "summary",
        "status": worst["status"],
        "status_reason": _reason(shards[index].name, worst),
        "counts": counts,
        "certification": _certification(summaries),
        "unexpected_passes": [u for s in summaries for u in s.get("unexpected_passes") or ()],
        "checks_run": sum(int(s.get("checks_run", 0)) for s in summaries),
        "interrupted": any(s.get("interrupted") for s in summaries),
        "finished": max(str(s.get("finished", "")) for s in summaries),
        "duration_s": max(float(s.get("duration_s", 0.0)) for s in summaries),
        "accounts_created": sum(int(s.get("accounts_created", 0)) for s in summaries),
        "accounts_left": [a for s in summaries for a in s.get("accounts_left") or ()],
        "warnings": sorted({w for s in summaries for w in s.get("warnings") or ()}),
        "coverage": {},
    }


def _moved(record: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    moved = dict(record)
    if record.get("evidence"):
        moved["evidence"] = [f"{prefix}/{path}" for path in record["evidence"]]
    return moved


def merge_shards(out: Path, shards: Sequence[Path]) -> dict[str, Any]:
    """Write the merged reports of the shards' runs into ``out``; the merged summary record."""
    runs = []
    for shard in shards:
        path = shard / RESULTS_FILE
        if not path.is_file():
            raise InputError(f"{path}: no such file; did the shard run (and write --skc-out)?")
        raw = read_records(path)
        runs.append((shard, split_records(raw), [r for r in raw if r.get("type") == "account"]))
    headers = [run.header for _, run, _ in runs if run.header is not None]
    if not headers:
        raise InputError(f"no shard of {out} wrote its run header")
    header = dict(headers[0])
    header["lands"] = sorted({land for h in headers for land in h.get("lands") or ()})
    records: list[Mapping[str, Any]] = [header]
    for shard, run, accounts in runs:
        prefix = Path(os.path.relpath(shard, out)).as_posix()  # links work from OUT
        records += [_moved(r, prefix) for r in (*run.checks, *run.results)]
        records += [*accounts, *run.unexpected_passes]
    summaries = [run.summary for _, run, _ in runs if run.summary is not None]
    finished = [shard for shard, run, _ in runs if run.summary is not None]
    summary = _summary(finished, summaries) if summaries else {}
    if summary:
        records.append(summary)
    write_atomically(out / RESULTS_FILE, b"".join(orjson.dumps(r) + b"\n" for r in records))
    write_junit(records, out / JUNIT_FILE)
    write_html(records, out / HTML_FILE)
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m skc.conformance.adapters.browser.farm OUT SHARD...``: merge CI jobs' runs."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 2:
        print(
            "usage: python -m skc.conformance.adapters.browser.farm OUT SHARD...", file=sys.stderr
        )
        return 2
    try:
        summary = merge_shards(Path(args[0]), [Path(a) for a in args[1:]])
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{summary.get('status')}: {summary.get('status_reason')}")
    return 0 if summary.get("status") == "conformant" else 1


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["SHARDS_DIR", "main", "merge_shards"]
