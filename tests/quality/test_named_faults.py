"""The portals issue 10 names are found in every seed (opt-in: shrinking a state machine takes
seconds per seed)."""

from __future__ import annotations

import pytest

from skc.conformance.faults import parse_fault
from skc.conformance.runner import RunConfig, run

# The portals issue 10 names: each found, on its rule, by the machine built for it, every seed.
NAMED = {
    "berlin-reset-link-reusable": "links/state-machine",
    "hamburg-session-survives-logout": "sessions/state-machine",
    "niedersachsen-duplicate-email-case-sensitive": "sessions/state-machine",
}


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("name", sorted(NAMED))
def test_named_faulty_portal_is_found_on_its_rule_when_run_with_any_seed(
    name: str, seed: int
) -> None:
    fault = parse_fault(name)
    config = RunConfig(
        lands=(fault.land,), seed=seed, fault=fault, out=None, only_check=NAMED[name],
        stop_at_first_failure=True,
    )  # fmt: skip
    findings = run(config).findings()
    assert findings, f"{name} not found with seed {seed}"
    assert findings[0].rule == fault.rule
    assert findings[0].quotes
