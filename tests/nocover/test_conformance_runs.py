from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from skc.conformance.faults import shipped_faults
from skc.conformance.results import Result
from skc.conformance.runner import RunConfig, run
from skc.model.lands import LANDS, LandId
from skc.model.sources import land_seed, seed_text


def _config(land: LandId, seed: int = 11, **kwargs: object) -> RunConfig:
    return RunConfig(lands=(land,), seed=seed, out=None, **kwargs)  # type: ignore[arg-type]


def _signature(results: Sequence[Result]) -> list[tuple[object, ...]]:
    return [(r.check, r.rule, r.verdict, r.expected, r.observed, r.example) for r in results]


# The CI profile's full runs of the reference, Land by Land, are in the quality session
# (tests/quality/test_reference_runs.py) and in ./dev demo; here every suite runs with the
# live profile's few examples, so ./dev test stays within its budget.
@pytest.mark.parametrize("land", LANDS)
def test_reference_portal_passes_every_suite_when_run_in_process(land: LandId) -> None:
    summary = run(_config(land, hypothesis_profile="live"))
    bad = [r for r in summary.results if r.verdict in ("fail", "error")]
    assert not bad, bad[:3]
    assert summary.counts["pass"] > 40
    assert summary.ok
    assert {r.suite for r in summary.results} == {
        "fields", "scenarios", "lifecycle", "mailbox", "organisations", "links", "sessions",
        "eid", "timing",
    }  # fmt: skip


def test_same_seed_gives_the_same_results_when_run_twice() -> None:
    fault = shipped_faults()["hamburg-timeout-21-minutes"]
    suites = ("lifecycle", "links", "timing")  # drawn steps and clock jumps
    first = run(_config("hamburg", seed=23, fault=fault, suites=suites, hypothesis_profile="live"))
    second = run(_config("hamburg", seed=23, fault=fault, suites=suites, hypothesis_profile="live"))
    assert any(r.verdict == "fail" for r in first.results)
    assert _signature(first.results) == _signature(second.results)


def test_replay_reproduces_the_verdict_of_every_finding_when_replayed() -> None:
    fault = shipped_faults()["berlin-password-max-21"]
    summary = run(_config("berlin", seed=5, fault=fault, suites=("fields",)))
    findings = [r for r in summary.results if r.verdict == "fail"]
    assert findings
    for finding in findings:
        replayed = run(
            _config("berlin", seed=5, fault=fault, suites=("fields",), only_check=finding.check)
        )
        again = [r for r in replayed.results if r.rule == finding.rule]
        assert _signature(again) == _signature([finding])


def test_no_secret_reaches_a_report_file_when_passwords_are_under_test(tmp_path: Path) -> None:
    fault = shipped_faults()["berlin-password-max-21"]
    config = RunConfig(lands=("berlin",), seed=3, fault=fault, out=tmp_path, suites=("fields",))
    summary = run(config)
    public = " ".join(seed_text(land_seed(land)) for land in LANDS)  # the texts' own examples
    secrets = {s for s in summary.secrets_seen if len(s) >= 6 and s not in public}
    assert len(secrets) > 10, "the run really submitted generated passwords"
    for name in ("results.jsonl", "junit.xml", "report.html"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{name} contains {len(leaked)} secrets"
