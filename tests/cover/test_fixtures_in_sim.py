"""The fixtures are data a real portal would accept: the reference portal registers them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skc.fixtures.providers import REFERENCE_DATE, Administrator, Citizen, Organisation
from skc.fixtures.strategies import administrators, citizens, organisations
from skc.model.lands import LANDS, LandId
from skc.model.sim import ReferencePortal

ORG_LANDS = [land for land in LANDS if land != "gemeinsam-online"]


@pytest.mark.parametrize("land", LANDS)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_drawn_citizen_registers_when_given_to_the_reference_portal(
    land: LandId, data: st.DataObject
) -> None:
    person: Citizen = data.draw(citizens(land, reference_date=REFERENCE_DATE))
    portal = ReferencePortal(land)
    outcome = portal.register_citizen(
        person.email, person.password, person.first_name, person.last_name,
        salutation=person.salutation, security_question="Name des ersten Haustiers?",
        security_answer="Bello", profile=person.profile(),
    )  # fmt: skip
    assert outcome.accepted, outcome


@pytest.mark.parametrize("land", ORG_LANDS)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_drawn_organisation_registers_when_given_to_the_reference_portal(
    land: LandId, data: st.DataObject
) -> None:
    org: Organisation = data.draw(organisations(land))
    admin: Administrator = data.draw(administrators(land, reference_date=REFERENCE_DATE))
    portal = ReferencePortal(land)
    portal.offer_service("svc-a")
    outcome = portal.register_organisation(
        org.name, admin.email, admin.password, admin.first_name, admin.last_name,
        admin.birth_date, services=["svc-a"], admin_phone=admin.phone, org_data=org.org_data(),
    )  # fmt: skip
    assert outcome.accepted, outcome
