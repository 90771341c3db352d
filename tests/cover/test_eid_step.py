"""The eID step in three parts: the portal's eID request, the holder's client with the card on
the harness side, the eID result posted (over HTTP: tests/nocover/test_eid_http.py); the eID
suite is planned from the Land's stated rules."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pytest

from skc.conformance.adapters.eid import (
    PSEUDONYM,
    EidFailure,
    EidRequest,
    EidTerminal,
    card_of,
    present_card,
    sector_of,
)
from skc.conformance.adapters.inprocess import InProcessAdapter
from skc.conformance.adapters.operations import operation
from skc.conformance.adapters.protocol import Value
from skc.conformance.faults import shipped_faults
from skc.conformance.steps import SECRETS
from skc.conformance.suites.eid import eid_checks
from skc.model.errors import AdapterError
from skc.model.lands import LANDS
from skc.model.sim.outcome import Outcome
from skc.service.wire import ArgumentError, check_arguments

PIN = SECRETS["pin"].value
WRONG_PIN = SECRETS["wrong_pin"].value
ERIKA = "erika-mustermann"


class _Portal:
    """A portal that states a fixed eID request and records what it is sent."""

    def __init__(self, request: EidRequest) -> None:
        self.request = request
        self.sent: list[tuple[str, dict[str, Value]]] = []

    def eid_request(self, operation: str) -> EidRequest:
        return self.request

    def send(self, operation: str, arguments: Mapping[str, Value]) -> Outcome:
        self.sent.append((operation, dict(arguments)))
        return Outcome(accepted=True)


def _request(
    *, required: tuple[str, ...], optional: tuple[str, ...] = (), can: bool = False
) -> EidRequest:
    return EidRequest(required, optional, sector_of("hamburg"), date(2024, 3, 4), can)


def test_portal_gets_the_released_attributes_and_no_pin_when_the_card_authenticates() -> None:
    portal = _Portal(_request(required=(PSEUDONYM, "family_names")))
    present_card(portal, EidTerminal(), "login_with_eid", {"card": ERIKA, "pin": PIN})
    ((name, sent),) = portal.sent
    assert (name, set(sent)) == ("login_with_eid", {"card"})
    card = sent["card"]
    assert isinstance(card, Mapping)
    assert set(card) == {PSEUDONYM, "family_names"}
    assert PIN not in str(sent)


def test_optional_pseudonym_stays_back_only_when_the_request_lets_the_holder_deselect_it() -> None:
    args: dict[str, Value] = {"card": ERIKA, "release_pseudonym": False, "session": "s"}
    optional = _Portal(_request(required=("given_names",), optional=(PSEUDONYM,)))
    required = _Portal(_request(required=("given_names", PSEUDONYM)))
    for portal in (optional, required):
        present_card(portal, EidTerminal(), "sync_eid", args)
    assert PSEUDONYM not in optional.sent[0][1]["card"]  # type: ignore[operator]
    assert PSEUDONYM in required.sent[0][1]["card"]  # type: ignore[operator]
    assert "release_pseudonym" not in optional.sent[0][1]


def test_wrong_pin_goes_unnoticed_when_the_portals_request_allows_the_can() -> None:
    terminal = EidTerminal()
    strict = _Portal(_request(required=(PSEUDONYM,)))
    lax = _Portal(_request(required=(PSEUDONYM,), can=True))
    present_card(strict, terminal, "login_with_eid", {"card": ERIKA, "pin": WRONG_PIN})
    assert strict.sent[0][1]["card"] == {"failure": "wrong_pin"}
    assert terminal.card(ERIKA).pin_retries == 2
    present_card(lax, terminal, "login_with_eid", {"card": ERIKA, "pin": WRONG_PIN})
    assert PSEUDONYM in lax.sent[0][1]["card"]  # type: ignore[operator]
    assert terminal.card(ERIKA).pin_retries == 2


def test_portal_refuses_a_card_reference_or_an_unknown_failure_as_an_eid_result() -> None:
    with pytest.raises(AdapterError, match="'card' needs an eID result"):
        card_of(ERIKA, "sync_eid")
    with pytest.raises(AdapterError, match="failure must be alone"):
        card_of({"failure": "lost"}, "login_with_eid")
    with pytest.raises(AdapterError, match="lacks date_of_birth"):
        card_of({"given_names": "A", "family_names": "B", "address": "X"}, "sync_eid")
    assert card_of({"failure": "blocked"}, "login_with_eid") == EidFailure("blocked")


def test_server_refuses_the_pin_when_a_card_operation_is_posted() -> None:
    login = operation("login_with_eid")
    with pytest.raises(ArgumentError, match="'pin' stays with the holder's eID client"):
        check_arguments(login, {"card": {PSEUDONYM: "ab"}, "pin": PIN})
    with pytest.raises(ArgumentError, match="'card' must be of type card"):
        check_arguments(login, {"card": ERIKA})
    assert check_arguments(login, {"card": {PSEUDONYM: "ab"}}) == {"card": {PSEUDONYM: "ab"}}


def test_eid_request_follows_the_faulty_rules_when_the_portal_allows_the_can() -> None:
    fault = shipped_faults()["niedersachsen-eid-login-without-pin"]
    faulty = InProcessAdapter("niedersachsen", fault=fault).connect()
    reference = InProcessAdapter("niedersachsen").connect()
    assert faulty.endpoint.eid_request("login_with_eid").can_allowed
    assert not reference.endpoint.eid_request("login_with_eid").can_allowed
    assert reference.endpoint.eid_request("login_with_eid").required == (PSEUDONYM,)


def test_eid_machine_is_planned_in_every_land_and_cites_only_stated_rules() -> None:
    cited = {land: eid_checks(land)[0].rules for land in LANDS}
    assert "eid.pseudonym_always_transmitted" in cited["berlin"]
    assert "eid.registration_needs_email_and_password" not in cited["berlin"]
    assert "eid.registration_needs_email_and_password" in cited["hamburg"]
    assert "eid.new_card_must_match_profile" in cited["hamburg"]
    assert "eid.new_card_must_match_profile" not in cited["niedersachsen"]
