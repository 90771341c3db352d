"""The organisation rights machine: planned where a Land's text describes organisations, it
cites only what that Land states, and it finds a member who may administer."""

from __future__ import annotations

import pytest

from skc.conformance.adapters import InProcessAdapter
from skc.conformance.faults import shipped_faults
from skc.conformance.suites.base import CheckContext
from skc.conformance.suites.org_rights import org_rights_checks
from skc.conformance.verdicts import Verdict
from skc.model.catalog import load_catalog
from skc.model.lands import LANDS, LandId


@pytest.mark.parametrize("land", LANDS)
def test_rights_machine_is_planned_where_organisations_are_described_with_stated_rules(
    land: LandId,
) -> None:
    checks = org_rights_checks(land)
    catalog = load_catalog()
    describes = any(catalog.stated(land, r) for r in catalog.ids if r.startswith("org."))
    assert bool(checks) == describes
    for check in checks:
        assert check.id == "organisations/rights-machine"
        assert all(catalog.stated(land, r) for r in check.rules)


@pytest.mark.parametrize(
    ("land", "fault", "rule"),
    [
        ("sachsen-anhalt", None, None),
        (
            "sachsen-anhalt",
            "sachsen-anhalt-members-administer",
            "org.admins.only_admins_administer",
        ),
        ("hamburg", "hamburg-grant-unsubscribed-service", "org.services.grant_only_subscribed"),
        ("berlin", "berlin-master-user-cannot-set-password", "org.users.admin_sets_password"),
    ],
)
def test_rights_machine_passes_the_reference_and_finds_a_fault_on_its_rule(
    land: LandId, fault: str | None, rule: str | None
) -> None:
    (check,) = org_rights_checks(land)
    adapter = InProcessAdapter(land, fault=shipped_faults()[fault] if fault else None)
    result = check.run(CheckContext(adapter, seed=1))
    if fault is None:
        assert result.verdict is Verdict.PASS, result
    else:
        assert result.verdict is Verdict.FAIL
        assert result.rule == rule
