"""Hamburg's eID data sync: only a card whose holder matches the Plus profile is taken over."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from skc.model.lands import LandId
from skc.model.sim import IdCard, ReferencePortal
from skc.model.sim.scenarios import PASSWORD

CARD = IdCard("ERIKA", "MUSTERMANN", date(1964, 8, 12), street="HEIDESTRASSE", pseudonym="p-1")


def _plus_session(land: LandId) -> tuple[ReferencePortal, str]:
    portal = ReferencePortal(land)
    assert portal.register_citizen_with_eid(
        "erika@example.org", PASSWORD, CARD, salutation="Frau",
        security_question="Haustier?", security_answer="Bello",
    ).accepted  # fmt: skip
    token = portal.outbox.token_for("erika@example.org", "activation")
    assert portal.activate(token).accepted
    return portal, portal.login("erika@example.org", PASSWORD).expect_str()


def test_hamburg_refuses_the_sync_when_the_card_is_another_persons() -> None:
    portal, session = _plus_session("hamburg")
    other = IdCard("MAX", "BEISPIEL", date(1975, 1, 30), pseudonym="p-2")
    outcome = portal.sync_eid(session, other)
    assert outcome.rules == ("eid.new_card_must_match_profile",)
    assert not portal.login_with_eid("p-2")


def test_hamburg_refuses_the_sync_when_the_birth_date_differs() -> None:
    portal, session = _plus_session("hamburg")
    outcome = portal.sync_eid(session, replace(CARD, birth_date=date(1964, 8, 13)))
    assert outcome.rules == ("eid.new_card_must_match_profile",)


def test_hamburg_takes_over_a_new_address_when_the_holder_matches_in_any_letter_case() -> None:
    portal, session = _plus_session("hamburg")
    moved = replace(CARD, first_name="Erika", street="NEUE STRASSE", pseudonym="p-new")
    assert portal.sync_eid(session, moved).accepted
    assert portal.login_with_eid("p-new").accepted


@pytest.mark.parametrize("land", ["sachsen-anhalt", "niedersachsen"])
def test_sync_takes_any_card_when_the_land_states_no_match_rule(land: LandId) -> None:
    portal, session = _plus_session(land)
    assert portal.sync_eid(session, IdCard("MAX", "BEISPIEL", date(1975, 1, 30))).accepted
