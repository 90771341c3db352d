"""The organisation rights, Vertretung and shared-access machines: planned where a Land's text
describes organisations (Vertretungen; Funktionspostfächer and ELSTER), they cite only what
that Land states, pass the reference portal and find a seeded fault on its rule."""

from __future__ import annotations

import pytest

from skc.conformance.adapters import InProcessAdapter
from skc.conformance.faults import shipped_faults
from skc.conformance.suites.base import CheckContext
from skc.conformance.suites.org_rights import org_rights_checks
from skc.conformance.suites.shared_access import shared_access_checks
from skc.conformance.suites.vertretung import vertretung_checks
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


@pytest.mark.parametrize("land", LANDS)
def test_vertretung_machine_is_planned_only_where_the_text_describes_the_vertretung(
    land: LandId,
) -> None:
    checks = vertretung_checks(land)
    assert [c.id for c in checks] == (
        ["organisations/vertretung-machine"] if land == "berlin" else []
    )


CHECKS = {
    "rights": org_rights_checks,
    "vertretung": vertretung_checks,
    "shared": shared_access_checks,
}


@pytest.mark.parametrize(
    ("machine", "land", "fault", "rule"),
    [
        ("rights", "sachsen-anhalt", None, None),
        ("vertretung", "berlin", None, None),
        ("vertretung", "berlin", "berlin-vertretung-ends-a-day-early",
         "org.vertretung.date_range_optional"),
        ("shared", "hamburg", None, None),
    ],
)  # fmt: skip  # every other seeded fault: tests/quality/test_fault_detection.py
def test_machine_passes_the_reference_and_finds_a_fault_on_its_rule(
    machine: str, land: LandId, fault: str | None, rule: str | None
) -> None:
    (check,) = CHECKS[machine](land)
    adapter = InProcessAdapter(land, fault=shipped_faults()[fault] if fault else None)
    result = check.run(CheckContext(adapter, seed=2))
    if fault is None:
        assert result.verdict is Verdict.PASS, result
    else:
        assert result.verdict is Verdict.FAIL
        assert result.rule == rule
