"""The interoperability machine: planned where a Land's text describes other Länder's accounts,
citing only what it states, and passing the reference portal."""

from __future__ import annotations

from pathlib import Path

import pytest

from skc.conformance.adapters import InProcessAdapter
from skc.conformance.faults import shipped_faults
from skc.conformance.profile import load_profile, reference_profile
from skc.conformance.suites.base import CheckContext
from skc.conformance.suites.interop import interop_checks
from skc.conformance.verdicts import Verdict
from skc.model.catalog import load_catalog
from skc.model.errors import InputError
from skc.model.lands import LANDS, LandId
from skc.model.sim.outcome import Outcome
from skc.model.sim.portal import ReferencePortal


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


LISTED_ONLY = "interop.listed_lands_only"
QUOTE = (
    "Wenn Ihr Bundesland nicht in der Liste der Servicekonten zur Anmeldung mit einem anderen "
    "Servicekonto aufgeführt wird, ist eine Anmeldung mit einem Servicekonto dieses "
    "Bundeslands noch nicht möglich."
)


def _use(portal: ReferencePortal, home: str) -> Outcome:
    portal.offer_service("offen", allows_other_accounts=True)
    return portal.use_service_with_other_account(home, "offen")


def test_hamburg_refuses_an_account_of_a_land_outside_its_list_when_the_text_has_one() -> None:
    """Hamburg: "Wenn Ihr Bundesland nicht in der Liste der Servicekonten zur Anmeldung mit
    einem anderen Servicekonto aufgeführt wird, ist eine Anmeldung mit einem Servicekonto
    dieses Bundeslands noch nicht möglich." """
    assert QUOTE in load_catalog().rule(LISTED_ONLY).lands["hamburg"].quotes
    listed = ReferencePortal("hamburg", interop_lands=("berlin", "bayern"))
    assert _use(listed, "bayern").accepted
    refused = _use(ReferencePortal("hamburg", interop_lands=("berlin",)), "bayern")
    assert (refused.accepted, refused.rules) == (False, (LISTED_ONLY,))
    # Sachsen-Anhalt's text names no list: another Land's account is not refused for that
    assert _use(ReferencePortal("sachsen-anhalt", interop_lands=("berlin",)), "bayern").accepted


def test_interop_machine_finds_a_portal_that_ignores_its_list_on_that_rule_when_seeded() -> None:
    (check,) = interop_checks("hamburg")  # seeds 2 and 3 too in ./dev quality
    fault = shipped_faults()["hamburg-interop-unlisted-land"]
    result = check.run(CheckContext(InProcessAdapter("hamburg", fault=fault), seed=1))
    assert (result.verdict, result.rule) == (Verdict.FAIL, LISTED_ONLY), result
    assert any("thueringen" in step for step in result.example)  # the reference leaves it out


def test_interop_machine_tries_no_land_outside_the_five_when_the_profile_names_no_list() -> None:
    undeclared = reference_profile("hamburg").model_copy(update={"interop_lands": None})
    fault = shipped_faults()["hamburg-interop-unlisted-land"]
    (check,) = interop_checks("hamburg")
    result = check.run(CheckContext(InProcessAdapter("hamburg", undeclared, fault), seed=1))
    assert result.verdict is Verdict.PASS, result  # the model cannot know the portal's list
    assert LISTED_ONLY not in result.covered


def test_profile_lists_interop_lands_by_id_and_names_the_valid_ones_when_wrong(
    tmp_path: Path,
) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("land: hamburg\ninterop_lands: [bayern, berlin]\n")
    assert load_profile(good).interop_lands == ("bayern", "berlin")
    bad = tmp_path / "bad.yaml"
    bad.write_text("land: hamburg\ninterop_lands: [bavaria]\n")
    with pytest.raises(InputError, match=r"bad\.yaml:2: interop_lands\.0: .*'bayern'"):
        load_profile(bad)
