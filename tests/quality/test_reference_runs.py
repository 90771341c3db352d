"""The reference portal passes every suite in the CI profile, Land by Land (opt-in: a full run
per Land takes 15-40 s; ./dev test runs the same suites with the live profile's few examples)."""

from __future__ import annotations

import pytest

from skc.conformance.runner import RunConfig, run
from skc.model.lands import LANDS, LandId


@pytest.mark.parametrize("land", LANDS)
def test_reference_portal_passes_every_suite_in_the_ci_profile_when_run_in_process(
    land: LandId,
) -> None:
    summary = run(RunConfig(lands=(land,), seed=11, out=None))
    bad = [r for r in summary.results if r.verdict in ("fail", "error")]
    assert not bad, bad[:3]
    assert summary.ok
    assert summary.counts["pass"] > 40
