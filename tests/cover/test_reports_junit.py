from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from skc.conformance.reports import build_junit
from skc.conformance.runner import RunConfig, run


def _result(check: str, rule: str, seconds: float) -> dict[str, Any]:
    return {
        "type": "result", "land": "berlin", "suite": "fields", "check": check, "rule": rule,
        "verdict": "pass", "duration_s": seconds,
    }  # fmt: skip


def _check(check: str, results: int, seconds: float) -> dict[str, Any]:
    return {
        "type": "check", "land": "berlin", "check": check, "suite": "fields",
        "duration_s": seconds, "results": results,
    }  # fmt: skip


def _cases(root: ET.Element) -> dict[str, float]:
    return {case.get("name", ""): float(case.get("time", "0")) for case in root.iter("testcase")}


def test_junit_counts_a_check_once_when_it_covers_three_rules() -> None:
    records = [
        {"type": "run", "run_id": "r", "seed": 1},
        *(_result("fields/password/valid", f"password.rule{n}", 0.9) for n in range(3)),
        _check("fields/password/valid", 3, 0.9),
    ]
    assert sum(_cases(build_junit(records)).values()) == pytest.approx(0.9, abs=0.003)


def test_junit_shows_a_check_when_it_covered_no_stated_rule() -> None:
    records = [{"type": "run", "run_id": "r"}, _check("fields/postbox/valid", 0, 0.5)]
    root = build_junit(records)
    assert _cases(root) == {"fields/postbox/valid [no stated rule]": 0.5}
    assert root.get("tests") == "1"
    assert root.get("failures") == "0"
    out = root.find(".//system-out")
    assert out is not None
    assert "covered no rule" in (out.text or "")


def test_junit_root_time_is_the_wall_time_when_the_run_finished() -> None:
    records = [
        {"type": "run", "run_id": "r"},
        _result("fields/a", "x", 1.0),
        _check("fields/a", 1, 1.0),
        {"type": "summary", "status": "conformant", "duration_s": 1.25},
    ]
    assert build_junit(records).get("time") == "1.250"


def test_junit_total_time_is_the_run_wall_time_within_five_percent_when_run(
    tmp_path: Path,
) -> None:
    suites = ("scenarios", "lifecycle")
    report = run(RunConfig(lands=("hamburg",), seed=2, suites=suites, out=tmp_path))
    root = ET.parse(tmp_path / "junit.xml").getroot()
    assert sum(_cases(root).values()) == pytest.approx(report.summary.duration_s, rel=0.05)
    assert {case.get("classname") for case in root.iter("testcase")} == {
        "hamburg.scenarios",
        "hamburg.lifecycle",
    }
    properties = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert (properties["seed"], properties["target"], properties["land"]) == (
        "2", "inprocess", "hamburg",
    )  # fmt: skip
