"""Over HTTP as in process (issue 12): for every Land every suite passes against skc serve,
and every shipped seeded fault, served by skc serve --fault, is found on the rule it breaks.

Opt-in (``./dev quality``). The all-suites runs use the ``live`` Hypothesis profile (every
check, fewer examples: what a run against a live portal uses); the full CI-profile run per Land
over HTTP is timed by ``python -m benchmarks.http runs``.
"""

from __future__ import annotations

import pytest

from skc.conformance.faults import Fault, shipped_faults
from skc.conformance.runner import RunConfig, run
from skc.model.lands import LANDS, LandId
from skc.service import ServeOptions, build_app
from skc.service.testing import serving

pytestmark = pytest.mark.quality
TOKEN = "quality-token"


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKC_TEST_TOKEN", TOKEN)


@pytest.mark.parametrize("land", LANDS)
def test_every_suite_passes_over_http_when_skc_serve_serves_the_land(land: LandId) -> None:
    options = ServeOptions(land=land, db=None, test_hooks=True, test_token=TOKEN)
    with serving(build_app(options)) as url:
        report = run(RunConfig(lands=(land,), seed=1, target=url, out=None,
                               hypothesis_profile="live"))  # fmt: skip
    counts = report.counts
    assert report.ok, report.summary.status_reason
    assert not counts.get("error")
    assert not counts.get("fail")
    assert counts.get("pass", 0) > 40


@pytest.mark.parametrize("fault", shipped_faults().values(), ids=lambda f: f.name)
def test_every_seeded_fault_is_found_over_http_on_the_rule_it_breaks(fault: Fault) -> None:
    options = ServeOptions(
        land=fault.land, fault=fault.name, db=None, test_hooks=True, test_token=TOKEN
    )
    with serving(build_app(options)) as url:
        config = RunConfig(
            lands=(fault.land,), seed=1, target=url, out=None,
            only_rules=frozenset({fault.rule}), stop_at_first_failure=True,
        )  # fmt: skip
        report = run(config)
    findings = report.findings()
    assert findings, f"{fault.name} not found over HTTP by {report.summary.checks_run} checks"
    assert findings[0].verdict == "fail", findings[0]
    assert findings[0].rule == fault.rule, f"{fault.name} found on {findings[0].rule} instead"


@pytest.mark.parametrize("land", LANDS)
def test_eid_scenarios_and_machine_pass_over_http_when_the_card_stays_with_the_harness(
    land: LandId,
) -> None:
    options = ServeOptions(land=land, db=None, test_hooks=True, test_token=TOKEN)
    with serving(build_app(options)) as url:
        report = run(RunConfig(lands=(land,), seed=2, target=url, out=None,
                               suites=("scenarios", "eid")))  # fmt: skip
    machine = [r for r in report.results if r.suite == "eid"]
    assert report.ok, report.summary.status_reason
    assert machine, "the eID state machine ran"
    assert {r.verdict for r in machine} == {"pass"}
