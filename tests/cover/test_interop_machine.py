"""The interoperability machine: planned where a Land's text describes other Länder's accounts,
citing only what it states, and passing the reference portal."""

from __future__ import annotations

import pytest

from skc.conformance.adapters import InProcessAdapter
from skc.conformance.suites.base import CheckContext
from skc.conformance.suites.interop import interop_checks
from skc.conformance.verdicts import Verdict
from skc.model.catalog import load_catalog
from skc.model.lands import LANDS, LandId


@pytest.mark.parametrize("land", LANDS)
def test_interop_machine_is_planned_where_the_text_describes_other_lands_accounts(
    land: LandId,
) -> None:
    catalog = load_catalog()
    describes = any(catalog.stated(land, r) for r in catalog.ids if r.startswith("interop."))
    checks = interop_checks(land)
    assert [c.id for c in checks] == (["lifecycle/interop-machine"] if describes else [])
    assert all(catalog.stated(land, r) for c in checks for r in c.rules)


def test_interop_machine_passes_the_reference_portal_when_run_in_hamburg() -> None:
    (check,) = interop_checks("hamburg")
    result = check.run(CheckContext(InProcessAdapter("hamburg"), seed=1))
    assert result.verdict is Verdict.PASS, result
