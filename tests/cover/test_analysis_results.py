from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from skc.analysis import (
    certification,
    certification_counts,
    compare_runs,
    load_run,
    run_matrix,
    uncovered,
)
from skc.conformance.reports import load_results
from skc.model.errors import InputError


def _result(land: str, rule: str, check: str, verdict: str, **extra: Any) -> dict[str, Any]:
    return {"type": "result", "suite": "scenarios", "check": check, "rule": rule, "land": land,
            "verdict": verdict, **extra}  # fmt: skip


def _write_run(
    folder: Path,
    *,
    fault: str | None,
    results: list[dict[str, Any]],
    summary: dict[str, Any] | None = None,
    tail: str = "",
) -> Path:
    folder.mkdir(parents=True)
    header = {"type": "run", "run_id": f"inprocess-{fault}", "target": "inprocess",
              "lands": ["berlin"], "seed": 7, "fault": fault}  # fmt: skip
    lines = [header, *results, *([summary] if summary else [])]
    text = "".join(json.dumps(line) + "\n" for line in lines) + tail
    (folder / "results.jsonl").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def clean_run(tmp_path: Path) -> Path:
    return _write_run(
        tmp_path / "clean",
        fault=None,
        results=[
            _result(
                "berlin",
                "session.idle_timeout",
                "scenarios/session-timeout",
                "pass",
                a_new_field="kept",
            ),
            _result("berlin", "payment.window", "scenarios/payment", "pass"),
        ],
        summary={
            "type": "summary",
            "counts": {"pass": 2},
            "certification": {
                "berlin": {
                    "passed": ["session.idle_timeout", "payment.window"],
                    "failed": [],
                    "not_covered": ["password.max_length"],
                }
            },
        },
    )


@pytest.fixture
def faulty_run(tmp_path: Path) -> Path:
    return _write_run(
        tmp_path / "faulty",
        fault="berlin-timeout-20-minutes",
        results=[
            _result("berlin", "session.idle_timeout", "scenarios/session-timeout", "fail"),
            _result("berlin", "session.idle_timeout", "lifecycle/step-3", "pass"),
            _result("berlin", "payment.window", "scenarios/payment", "pass"),
        ],
    )


def test_load_run_reads_the_same_run_when_given_a_str_or_a_path(clean_run: Path) -> None:
    by_str = load_run(str(clean_run))
    by_path = load_run(clean_run / "results.jsonl")
    assert by_str.results.equals(by_path.results)
    assert list(by_str.results["rule"]) == ["session.idle_timeout", "payment.window"]
    assert set(by_str.results["seed"]) == {7}


def test_load_run_keeps_unknown_keys_as_columns_when_a_newer_harness_wrote_them(
    clean_run: Path,
) -> None:
    frame = load_run(clean_run).results
    assert list(frame["a_new_field"].fillna("")) == ["kept", ""]


def test_load_run_raises_input_error_naming_the_file_when_nothing_is_there(
    tmp_path: Path,
) -> None:
    with pytest.raises(InputError, match="no results file"):
        load_run(str(tmp_path / "missing"))


def test_load_results_accepts_a_str_when_given_the_reports_directory(clean_run: Path) -> None:
    frame = load_results(str(clean_run))
    assert len(frame) == 2
    assert set(frame["verdict"]) == {"pass"}


def test_certification_lists_covered_and_uncovered_rules_when_the_run_finished(
    clean_run: Path,
) -> None:
    table = certification(clean_run)
    assert set(table[table["status"] == "passed"]["rule"]) == {
        "session.idle_timeout",
        "payment.window",
    }
    assert list(uncovered(clean_run)["rule"]) == ["password.max_length"]
    counts = certification_counts(clean_run)
    assert counts.loc["berlin", "passed"] == 2
    assert counts.loc["berlin", "not_covered"] == 1


def test_certification_is_empty_when_the_run_was_killed_before_its_summary(
    tmp_path: Path,
) -> None:
    folder = _write_run(
        tmp_path / "killed",
        fault=None,
        results=[_result("berlin", "payment.window", "scenarios/payment", "pass")],
        tail='{"type": "result", "land": "ber',
    )
    run = load_run(folder)
    assert not run.finished
    assert len(run.results) == 1
    assert certification(run).empty


def test_run_matrix_shows_the_worst_verdict_per_rule_when_two_checks_disagree(
    clean_run: Path, faulty_run: Path
) -> None:
    comparison = compare_runs([clean_run, str(faulty_run)])
    assert set(comparison["run"]) == {"inprocess", "inprocess + berlin-timeout-20-minutes"}
    assert list(comparison.columns[:4]) == ["run", "target", "fault", "seed"]
    matrix = run_matrix(comparison)
    assert list(matrix.columns) == ["inprocess", "inprocess + berlin-timeout-20-minutes"]
    assert matrix.loc[("berlin", "session.idle_timeout"), "inprocess"] == "pass"
    faulty = matrix.loc[("berlin", "session.idle_timeout"), "inprocess + berlin-timeout-20-minutes"]
    assert faulty == "fail"
    assert matrix.loc[[("berlin", "payment.window")]].iloc[0].tolist() == ["pass", "pass"]


def test_compare_runs_numbers_the_labels_when_two_runs_share_target_and_fault(
    clean_run: Path,
) -> None:
    comparison = compare_runs([clean_run, clean_run])
    assert list(dict.fromkeys(comparison["run"])) == ["inprocess", "inprocess #2"]
