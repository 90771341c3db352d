"""The in-process adapter's eID steps on the virtual card: PACE with the step's PIN, retry
counters across the steps of one connection, data groups and pseudonym handed to the simulation,
and the same pseudonym on the model side."""

from __future__ import annotations

from datetime import date

import pytest

from skc.card import AccessRequest, EidClient, virtual_card
from skc.conformance.adapters.eid import EidFailure, EidTerminal, sector_of
from skc.conformance.adapters.inprocess import EID_UNUSABLE, InProcessAdapter, InProcessConnection
from skc.conformance.faults import shipped_faults
from skc.conformance.steps import SECRETS
from skc.fixtures.eid_accounts import register_activated_eid_citizen
from skc.model.errors import UnknownNameError
from skc.model.lands import LandId

PIN = SECRETS["pin"].value
WRONG_PIN = SECRETS["wrong_pin"].value
TODAY = date(2026, 12, 1)


def _registered(
    land: LandId = "hamburg", adapter: InProcessAdapter | None = None
) -> InProcessConnection:
    return register_activated_eid_citizen((adapter or InProcessAdapter(land)).connect())


def test_eid_login_is_rejected_on_pin_required_when_the_pin_is_wrong() -> None:
    connection = _registered()
    outcome = connection.call("login_with_eid", {"card": "erika-mustermann", "pin": WRONG_PIN})
    assert not outcome.accepted
    assert outcome.rules == ("eid.pin_required",)
    assert "2 tries left" in outcome.detail
    assert WRONG_PIN not in outcome.detail
    assert PIN not in outcome.detail


def test_right_pin_logs_in_when_entered_after_a_wrong_one() -> None:
    connection = _registered()
    assert not connection.call("login_with_eid", {"card": "erika-mustermann", "pin": WRONG_PIN})
    assert connection.eid.card("erika-mustermann").pin_retries == 2
    assert connection.call("login_with_eid", {"card": "erika-mustermann", "pin": PIN}).accepted
    assert connection.eid.card("erika-mustermann").pin_retries == 3


def test_retry_counter_suspends_then_blocks_when_wrong_pins_follow_across_steps() -> None:
    connection = _registered()
    card = {"card": "erika-mustermann"}
    second = [connection.call("login_with_eid", {**card, "pin": WRONG_PIN}) for _ in range(2)][-1]
    assert "suspended" in second.detail
    third = connection.call("login_with_eid", {**card, "pin": WRONG_PIN})  # after the CAN
    assert "blocked" in third.detail
    blocked = connection.call("login_with_eid", {**card, "pin": PIN})
    assert not blocked.accepted
    assert "blocked" in blocked.detail
    assert connection.eid.card("erika-mustermann").pin_retries == 0


def test_suspended_pin_logs_in_with_the_can_when_the_right_pin_follows() -> None:
    connection = _registered()
    for _ in range(2):
        connection.call("login_with_eid", {"card": "erika-mustermann", "pin": WRONG_PIN})
    assert connection.call("login_with_eid", {"card": "erika-mustermann", "pin": PIN}).accepted


def test_each_connection_has_its_own_card_when_two_examples_run() -> None:
    first = _registered()
    first.call("login_with_eid", {"card": "erika-mustermann", "pin": WRONG_PIN})
    assert _registered().eid.card("erika-mustermann").pin_retries == 3


def test_other_holders_card_does_not_log_in_when_its_pseudonym_is_unknown() -> None:
    outcome = _registered().call("login_with_eid", {"card": "max-beispiel", "pin": PIN})
    assert outcome.rules == ("eid.login_requires_pseudonym",)


def test_expired_card_is_rejected_as_unusable_when_presented() -> None:
    outcome = _registered().call("login_with_eid", {"card": "expired-card", "pin": PIN})
    assert outcome.rules == (EID_UNUSABLE,)


def test_switched_off_eid_function_is_rejected_as_unusable_when_presented() -> None:
    connection = _registered()
    connection.eid.card("erika-mustermann").switch_eid(False)
    outcome = connection.call("login_with_eid", {"card": "erika-mustermann", "pin": PIN})
    assert outcome.rules == (EID_UNUSABLE,)


def test_registration_takes_the_profile_from_the_card_when_registered_with_eid() -> None:
    connection = _registered()
    account = connection.call("account_id_of", {"email": "erika@example.org"}).value
    assert isinstance(account, str)
    profile = connection.portal.profile(account)
    assert (profile["first_name"], profile["last_name"]) == ("ERIKA", "MUSTERMANN")
    assert (profile["birth_date"], profile["birth_name"]) == ("1964-08-12", "GABLER")
    assert (profile["street"], profile["house_number"]) == ("HEIDESTRASSE", "17")
    assert (profile["postcode"], profile["city"]) == ("51147", "KÖLN")


def test_pseudonym_is_the_cards_restricted_identification_when_two_terminals_compute_it() -> None:
    model, portal = EidTerminal(), EidTerminal()
    seen = [
        t.authenticate("erika-mustermann", PIN, land="berlin", today=TODAY) for t in (model, portal)
    ]
    direct = EidClient(virtual_card("erika-mustermann")).authenticate(
        PIN, AccessRequest.login(), sector=sector_of("berlin")
    )
    assert not isinstance(seen[0], EidFailure)
    assert not isinstance(seen[1], EidFailure)
    assert seen[0].pseudonym == seen[1].pseudonym == direct.pseudonym


def test_pseudonyms_differ_when_the_same_card_is_used_in_two_lands() -> None:
    terminal = EidTerminal()
    berlin = terminal.authenticate("erika-mustermann", PIN, land="berlin", today=TODAY)
    hamburg = terminal.authenticate("erika-mustermann", PIN, land="hamburg", today=TODAY)
    assert not isinstance(berlin, EidFailure)
    assert not isinstance(hamburg, EidFailure)
    assert berlin.pseudonym != hamburg.pseudonym


def test_portal_without_the_pin_requirement_logs_in_when_the_pin_is_wrong() -> None:
    fault = shipped_faults()["niedersachsen-eid-login-without-pin"]
    connection = _registered("niedersachsen", InProcessAdapter("niedersachsen", fault=fault))
    assert not connection.eid_pin_required
    assert connection.call("login_with_eid", {"card": "erika-mustermann", "pin": WRONG_PIN})
    assert connection.eid.card("erika-mustermann").pin_retries == 3


def test_unknown_card_reference_is_refused_when_presented() -> None:
    with pytest.raises(UnknownNameError, match="erika-mustermann"):
        EidTerminal().card("../../etc/passwd")
