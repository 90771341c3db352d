"""Does the harness find real bugs? Every shipped fault, found on the rule it breaks.

Opt-in (``./dev quality``, in parallel workers): each fault runs only the checks that cite its
rule and stops at the first finding, which must be on that rule and cite the help text.
"""

from __future__ import annotations

import pytest

from skc.conformance.faults import Fault, shipped_faults
from skc.conformance.runner import RunConfig, run

SEEDS = (1, 2, 3)  # a fault found with one seed only is luck, not detection


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("fault", shipped_faults().values(), ids=lambda f: f.name)
def test_every_seeded_fault_is_found_on_the_rule_it_breaks_when_run(
    fault: Fault, seed: int
) -> None:
    config = RunConfig(
        lands=(fault.land,), seed=seed, fault=fault, out=None,
        only_rules=frozenset({fault.rule}), stop_at_first_failure=True,
    )  # fmt: skip
    report = run(config)
    findings = report.findings()
    assert findings, f"{fault.name} not found by {report.summary.checks_run} checks"
    finding = findings[0]
    assert finding.verdict == "fail", finding
    assert finding.rule == fault.rule, f"{fault.name} found on {finding.rule} instead"
    assert finding.quotes, "a finding cites the help-text sentence"
    assert finding.replay.startswith("skc run")
    assert f"--fault {fault.name}" in finding.replay
