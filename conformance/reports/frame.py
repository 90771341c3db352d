"""A run's results as a pandas DataFrame, for notebooks and ad-hoc analysis.

One row per ``result`` record. The header's ``run_id``, ``target``, ``seed`` and ``fault`` come
first, so the frames of several runs can be concatenated and still told apart; ``verdict`` is a
Categorical whose categories are the five verdicts in the order pass, fail, inconclusive, error,
not-applicable (unordered: that order is for display, not severity).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from skc.conformance.reports.stream import RESULTS_FILE, read_records, split_records
from skc.conformance.verdicts import Verdict
from skc.model.errors import InputError

VERDICTS = tuple(verdict.value for verdict in Verdict)
HEADER_COLUMNS = ("run_id", "target", "seed", "fault")
RESULT_COLUMNS = (
    "suite", "check", "rule", "family", "land", "verdict", "expected", "observed", "example",
    "replay", "reason", "seed_file", "quotes", "duration_s", "expected_failure",
)  # fmt: skip
_KNOWN = frozenset((*HEADER_COLUMNS, *RESULT_COLUMNS))


def load_results(path: str | Path) -> pd.DataFrame:
    """Load a results.jsonl file, or the one in a reports directory, one row per result."""
    file = Path(path) / RESULTS_FILE if Path(path).is_dir() else Path(path)
    if not file.is_file():
        raise InputError(
            f"{file}: no results file here; pass a run's {RESULTS_FILE} "
            "or the reports directory that holds it"
        )
    run = split_records(read_records(file))
    header = run.header or {}
    extra: list[str] = []
    rows: list[dict[str, Any]] = []
    for number, result in enumerate(run.results, start=1):
        verdict = result.get("verdict")
        if verdict not in VERDICTS:
            raise InputError(
                f"{file}: result {number} has verdict {verdict!r}; valid: {', '.join(VERDICTS)}"
            )
        row = {key: header.get(key) for key in HEADER_COLUMNS}
        row.update((key, value) for key, value in result.items() if key != "type")
        extra.extend(key for key in row if key not in extra and key not in _KNOWN)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[*HEADER_COLUMNS, *RESULT_COLUMNS, *extra])
    frame["verdict"] = pd.Categorical(frame["verdict"], categories=VERDICTS)
    return frame


__all__ = ["VERDICTS", "load_results"]
