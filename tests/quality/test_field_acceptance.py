"""Acceptance of issue 10, items 1 and 2: a portal that applies the password rules only at
registration, and one that counts UTF-16 units, are each found on their rule in every seed."""

from __future__ import annotations

import pytest

from skc.conformance.faults import shipped_faults
from skc.conformance.runner import RunConfig, run

ACCEPTANCE = {
    "hamburg-password-rules-only-at-registration": "fields/password@",  # found off registration
    "berlin-password-length-in-utf16-units": "fields/password/",  # found at registration
}


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("name", sorted(ACCEPTANCE))
def test_named_portal_is_found_on_its_rule_in_every_seed_when_run(name: str, seed: int) -> None:
    fault = shipped_faults()[name]
    config = RunConfig(
        lands=(fault.land,), seed=seed, fault=fault, out=None, suites=("fields",),
        only_rules=frozenset({fault.rule}), stop_at_first_failure=True,
    )  # fmt: skip
    findings = run(config).findings()
    assert findings, f"{name} not found with seed {seed}"
    assert findings[0].rule == fault.rule
    assert findings[0].check.startswith(ACCEPTANCE[name])
