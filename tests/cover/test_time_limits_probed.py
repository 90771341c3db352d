from __future__ import annotations

from collections.abc import Iterable

import pytest

from skc.conformance.suites.base import Check
from skc.conformance.suites.plan import plan
from skc.conformance.suites.timing import PROBES, time_limit_rules, timing_checks
from skc.model.catalog import load_catalog
from skc.model.lands import LANDS, LandId

UNITS = ("minutes", "hours", "days")


def _stated_limits(land: LandId) -> set[str]:
    catalog = load_catalog()
    return {
        rule.id
        for rule in catalog
        if rule.stated(land) and any(unit in catalog.params(land, rule.id) for unit in UNITS)
    }


def _unprobed(limits: Iterable[str], checks: Iterable[Check]) -> set[str]:
    cited = {rule for check in checks for rule in check.rules}
    return set(limits) - cited


@pytest.mark.parametrize("land", LANDS)
def test_time_limit_rules_are_every_rule_with_a_stated_limit_when_listed(land: LandId) -> None:
    assert set(time_limit_rules(land)) >= _stated_limits(land)


@pytest.mark.parametrize("land", LANDS)
def test_every_stated_time_limit_is_cited_by_a_timing_check_when_planned(land: LandId) -> None:
    timing = [c for c in plan(land) if c.suite == "timing"]
    assert not _unprobed(time_limit_rules(land), timing)
    assert {c.name for c in timing} == set(time_limit_rules(land))


def test_a_time_limit_without_a_probe_is_reported_when_one_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(PROBES, "org.user_consent_window")
    checks = timing_checks("sachsen-anhalt")
    assert _unprobed(time_limit_rules("sachsen-anhalt"), checks) == {"org.user_consent_window"}


def test_sachsen_anhalt_user_window_is_probed_by_a_state_machine_too_when_planned() -> None:
    machines = [c for c in plan("sachsen-anhalt") if c.suite == "organisations"]
    assert "org.user_consent_window" in machines[0].rules
