from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from skc.conformance.runner import RunConfig, planned_checks, run
from skc.model.lands import LANDS

pytest_plugins = ["pytester"]

_FAULT = "berlin-timeout-20-minutes"
_CHECK = "berlin/scenarios::session-timeout"


def _pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--rootdir", str(cwd)]
    return subprocess.run(
        [*command, *args],
        cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def _inline(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "--skc-target", "inprocess", *args
    )


def _classnames(path: Path) -> set[str]:
    return {case.get("classname", "") for case in ET.parse(path).getroot().iter("testcase")}


def _testcase_seconds(path: Path) -> float:
    return sum(float(case.get("time", "0")) for case in ET.parse(path).getroot().iter("testcase"))


def test_plugin_matches_skc_run_when_the_same_land_and_seed_run(pytester: pytest.Pytester) -> None:
    here = pytester.path
    config = RunConfig(
        lands=("berlin",), seed=3, suites=("scenarios", "lifecycle"), out=here / "skc-run"
    )
    run(config)
    plugin = _inline(
        pytester, "--skc-land", "berlin", "--skc-suite", "scenarios", "--skc-suite", "lifecycle",
        "--skc-seed", "3", "--skc-out", "out", "--junitxml", "pytest.xml",
    )  # fmt: skip
    assert f"collected {len(planned_checks(config))} items" in plugin.stdout.str()
    assert _classnames(here / "pytest.xml") == {"berlin.scenarios", "berlin.lifecycle"}
    properties = {
        (p.get("name"), p.get("value")) for p in ET.parse(here / "pytest.xml").iter("property")
    }
    assert {("seed", "3"), ("target", "inprocess"), ("land", "berlin")} <= properties
    assert _classnames(here / "pytest.xml") == _classnames(here / "skc-run" / "junit.xml")
    assert _classnames(here / "out" / "junit.xml") == _classnames(here / "pytest.xml")
    records = [json.loads(line) for line in (here / "out" / "results.jsonl").open()]
    assert (records[0]["type"], records[0]["seed"], records[-1]["type"]) == ("run", 3, "summary")
    assert "<html" in (here / "out" / "report.html").read_text(encoding="utf-8")
    wall = records[-1]["duration_s"]
    assert _testcase_seconds(here / "pytest.xml") == pytest.approx(wall, rel=0.05)


def test_plugin_exits_with_a_usage_error_naming_the_lands_when_a_land_is_misspelt(
    tmp_path: Path,
) -> None:
    outcome = _pytest(tmp_path, "--skc-land", "bayern")
    assert outcome.returncode == pytest.ExitCode.USAGE_ERROR
    assert "unknown Land 'bayern'" in outcome.stderr
    assert all(land in outcome.stderr for land in LANDS)
    assert "Traceback" not in outcome.stdout + outcome.stderr
    assert "INTERNALERROR" not in outcome.stdout + outcome.stderr


def test_plugin_runs_only_that_check_when_its_node_id_is_passed_back(
    pytester: pytest.Pytester,
) -> None:
    listed = _inline(pytester, "--skc-land", "berlin", "--collect-only", "-q")
    assert _CHECK in listed.stdout.str().splitlines()
    assert not (pytester.path / "out").exists()
    outcome = _inline(pytester, "--skc-land", "berlin", _CHECK, "--skc-out", "out")
    assert "collected 1 item" in outcome.stdout.str()
    checks = {
        record["check"]
        for record in map(json.loads, (pytester.path / "out" / "results.jsonl").open())
        if record["type"] == "result"
    }
    assert checks == {"scenarios/session-timeout"}


def test_plugin_asks_for_a_target_when_only_a_land_is_given(pytester: pytest.Pytester) -> None:
    outcome = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--skc-land", "berlin")
    assert outcome.ret == pytest.ExitCode.USAGE_ERROR
    assert "--skc-land need(s) --skc-target" in outcome.stderr.str()


def test_plugin_lists_the_suites_when_a_suite_is_misspelt(pytester: pytest.Pytester) -> None:
    outcome = _inline(pytester, "--skc-land", "berlin", "--skc-suite", "field")
    assert outcome.ret == pytest.ExitCode.USAGE_ERROR
    assert "unknown suite 'field'" in outcome.stderr.str()
    assert "scenarios" in outcome.stderr.str()


def test_plugin_names_its_own_options_when_options_conflict(pytester: pytest.Pytester) -> None:
    outcome = _inline(pytester, "--skc-land", "hamburg", "--skc-fault", _FAULT)
    assert outcome.ret == pytest.ExitCode.USAGE_ERROR
    assert f"--skc-fault {_FAULT} is a fault of berlin" in outcome.stderr.str()
    assert "run it with --skc-land berlin" in outcome.stderr.str()


def test_plugin_refuses_a_node_id_when_it_selects_no_check(pytester: pytest.Pytester) -> None:
    outcome = _inline(pytester, "--skc-land", "berlin", "berlin/scenarios::no-such-check")
    assert outcome.ret == pytest.ExitCode.USAGE_ERROR
    assert "selects no check" in outcome.stderr.str()
    assert "Traceback" not in outcome.stderr.str()


def test_plugin_fails_xfails_or_reports_the_pass_when_expected_failures_are_given(
    pytester: pytest.Pytester,
) -> None:
    known = pytester.path / "known.yaml"
    known.write_text(
        "- land: berlin\n  rule: session.idle_timeout\n  check: scenarios/session-timeout\n"
        "  reason: 'Ticket 7: 20 minutes until release 2'\n",
        encoding="utf-8",
    )
    found = _inline(pytester, "--skc-fault", _FAULT, _CHECK)
    assert found.ret == pytest.ExitCode.TESTS_FAILED
    assert "FAIL berlin scenarios/session-timeout rule session.idle_timeout" in found.stdout.str()
    assert "replay: skc run" in found.stdout.str()
    expected = _inline(
        pytester, "-rx", "--skc-fault", _FAULT, "--skc-expected-failures", str(known), _CHECK
    )
    assert expected.ret == pytest.ExitCode.OK, expected.stdout.str()
    assert "expected failure: Ticket 7: 20 minutes until release 2" in expected.stdout.str()
    gone = _inline(pytester, "--skc-land", "berlin", "--skc-expected-failures", str(known), _CHECK)
    assert gone.ret == pytest.ExitCode.TESTS_FAILED
    assert "UNEXPECTED PASS berlin scenarios/session-timeout" in gone.stdout.str()
    assert "skc: not conformant" in gone.stdout.str()
