from __future__ import annotations

from pathlib import Path

import pytest

from skc.conformance.faults import Fault, shipped_faults
from skc.conformance.runner import RunConfig, run
from skc.model.lands import LANDS, LandId


def _config(land: LandId, seed: int = 11, **kwargs: object) -> RunConfig:
    return RunConfig(lands=(land,), seed=seed, out=None, **kwargs)  # type: ignore[arg-type]


def _signature(records: list[dict[str, object]]) -> list[tuple[object, ...]]:
    keys = ("check", "rule", "verdict", "expected", "observed", "example")
    return [tuple(str(r[k]) for k in keys) for r in records]


@pytest.mark.parametrize("land", LANDS)
def test_reference_portal_passes_every_suite_when_run_in_process(land: LandId) -> None:
    summary = run(_config(land))
    bad = [r for r in summary.results if r["verdict"] in ("fail", "error")]
    assert not bad, bad[:3]
    assert summary.counts["pass"] > 40
    assert {r["suite"] for r in summary.results} == {
        "fields", "scenarios", "lifecycle", "mailbox", "organisations"
    }  # fmt: skip


@pytest.mark.parametrize("fault", shipped_faults().values(), ids=lambda f: f.name)
def test_every_seeded_fault_is_found_on_the_rule_it_breaks_when_run(fault: Fault) -> None:
    summary = run(_config(fault.land, fault=fault))
    failed_rules = {r["rule"] for r in summary.results if r["verdict"] == "fail"}
    assert fault.rule in failed_rules, f"{fault.name} not found; fails on {failed_rules}"
    finding = next(r for r in summary.results if r["rule"] == fault.rule and r["verdict"] == "fail")
    assert finding["quotes"], "a finding cites the help-text sentence"
    assert finding["replay"].startswith("skc run")
    assert f"--fault {fault.name}" in finding["replay"]


def test_same_seed_gives_the_same_results_when_run_twice() -> None:
    fault = shipped_faults()["hamburg-timeout-21-minutes"]
    first = run(_config("hamburg", seed=23, fault=fault))
    second = run(_config("hamburg", seed=23, fault=fault))
    assert _signature(first.results) == _signature(second.results)


def test_replay_reproduces_the_verdict_of_every_finding_when_replayed() -> None:
    fault = shipped_faults()["berlin-password-max-21"]
    summary = run(_config("berlin", seed=5, fault=fault))
    findings = [r for r in summary.results if r["verdict"] == "fail"]
    assert findings
    for finding in findings:
        replayed = run(_config("berlin", seed=5, fault=fault, only_check=finding["check"]))
        again = [r for r in replayed.results if r["rule"] == finding["rule"]]
        assert _signature(again) == _signature([finding])


def test_no_secret_reaches_a_report_file_when_passwords_are_under_test(tmp_path: Path) -> None:
    fault = shipped_faults()["berlin-password-max-21"]
    summary = run(RunConfig(lands=("berlin",), seed=3, fault=fault, out=tmp_path))
    secrets = {s for s in summary.secrets_seen if len(s) >= 6}
    assert len(secrets) > 20, "the run really submitted generated passwords"
    for name in ("results.jsonl", "junit.xml", "report.html"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{name} contains {len(leaked)} secrets"
