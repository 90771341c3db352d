from __future__ import annotations

from datetime import date, timedelta

import pytest

from skc.model.ambiguity import Readings
from skc.model.lands import LANDS, LandId
from skc.model.sim import IdCard, ReferencePortal, VirtualClock
from skc.model.sim.scenarios import (
    ANSWER,
    PASSWORD,
    QUESTION,
    activation_token,
    citizen,
    login,
    register,
)

LINK_24H: tuple[LandId, ...] = ("sachsen-anhalt", "gemeinsam-online", "hamburg", "niedersachsen")
CARD = IdCard("Anna", "Muster", date(1990, 2, 3), birth_name="Beispiel", pseudonym="pseudo-1")


@pytest.mark.parametrize("land", LINK_24H)
@pytest.mark.parametrize(
    ("age", "works"),
    [(timedelta(hours=23, minutes=59), True), (timedelta(hours=24, minutes=1), False)],
)
def test_activation_link_works_only_within_24_hours_when_followed(
    land: LandId, age: timedelta, works: bool
) -> None:
    portal = ReferencePortal(land, VirtualClock())
    account = register(portal, "anna@example.org")
    portal.clock.advance(age)
    outcome = portal.activate(activation_token(portal, "anna@example.org"))
    assert outcome.accepted is works
    if works:
        assert portal.account_status(account) == "active"
    else:
        assert "registration.activation_link_lifetime" in outcome.rules
        assert portal.account_status(account) == "purged"


@pytest.mark.parametrize("land", LINK_24H)
def test_address_is_free_again_when_the_activation_link_ran_out(land: LandId) -> None:
    portal = ReferencePortal(land)
    register(portal, "anna@example.org")
    assert portal.email_available("anna@example.org").rules == ("sim.email_in_use",)
    portal.clock.advance(hours=25)
    assert portal.email_available("anna@example.org").accepted
    citizen(portal, "anna@example.org")


def test_berlin_activation_link_never_expires_when_reading_is_unbounded() -> None:
    portal = ReferencePortal("berlin")
    register(portal, "anna@example.org")
    portal.clock.advance(days=400)
    assert portal.activate(activation_token(portal, "anna@example.org")).accepted


def test_berlin_activation_link_expires_when_reading_pins_24_hours() -> None:
    readings = Readings({"registration.berlin_link_lifetime": "24h"})
    portal = ReferencePortal("berlin", VirtualClock(), readings)
    register(portal, "anna@example.org")
    portal.clock.advance(hours=24, minutes=1)
    outcome = portal.activate(activation_token(portal, "anna@example.org"))
    assert "registration.activation_link_lifetime" in outcome.rules


@pytest.mark.parametrize("land", LANDS)
def test_activation_link_works_once_when_followed_twice(land: LandId) -> None:
    portal = ReferencePortal(land)
    register(portal, "anna@example.org")
    token = activation_token(portal, "anna@example.org")
    assert portal.activate(token).accepted
    assert portal.activate(token).rules == ("sim.unknown_token",)


@pytest.mark.parametrize("land", LANDS)
def test_login_is_rejected_when_account_is_not_activated(land: LandId) -> None:
    portal = ReferencePortal(land)
    register(portal, "anna@example.org")
    outcome = portal.login("anna@example.org", PASSWORD)
    assert outcome.rules == ("registration.activation_completes",)


@pytest.mark.parametrize("land", [land for land in LANDS if land != "sachsen-anhalt"])
def test_registration_is_rejected_when_consent_is_missing(land: LandId) -> None:
    # Sachsen-Anhalt asks only organisations for consent (test_sim_fidelity)
    portal = ReferencePortal(land)
    outcome = portal.register_citizen(
        "anna@example.org", PASSWORD, "Anna", "Muster", consent=False, salutation="Frau",
        security_question=QUESTION, security_answer=ANSWER,
    )  # fmt: skip
    assert outcome.rules == ("registration.consent_required",)


@pytest.mark.parametrize("land", LANDS)
def test_registration_is_rejected_when_address_is_taken(land: LandId) -> None:
    portal = ReferencePortal(land)
    citizen(portal, "anna@example.org")
    outcome = portal.register_citizen(
        "ANNA@example.org", PASSWORD, "Anna", "Muster", salutation="Frau",
        security_question=QUESTION, security_answer=ANSWER,
    )  # fmt: skip
    assert outcome.rules == ("sim.email_in_use",)


def test_berlin_registration_is_rejected_when_salutation_or_question_is_missing() -> None:
    portal = ReferencePortal("berlin")
    outcome = portal.register_citizen("anna@example.org", PASSWORD, "Anna", "Muster")
    assert outcome.rules == ("form.citizen.required_fields",)


@pytest.mark.parametrize("land", ["hamburg", "sachsen-anhalt", "niedersachsen"])
def test_registration_needs_only_name_address_and_password_when_outside_berlin(
    land: LandId,
) -> None:
    portal = ReferencePortal(land)
    assert portal.register_citizen("anna@example.org", PASSWORD, "Anna", "Muster").accepted


@pytest.mark.parametrize("land", LANDS)
def test_registration_is_rejected_with_field_rules_when_password_is_too_short(
    land: LandId,
) -> None:
    portal = ReferencePortal(land)
    outcome = portal.register_citizen(
        "anna@example.org", "Ab1", "Anna", "Muster", salutation="Frau",
        security_question=QUESTION, security_answer=ANSWER,
    )  # fmt: skip
    assert "password.min_length" in outcome.rules


@pytest.mark.parametrize("land", LINK_24H)
def test_eid_registration_yields_plus_with_card_data_when_activated(land: LandId) -> None:
    portal = ReferencePortal(land)
    account = portal.register_citizen_with_eid("anna@example.org", PASSWORD, CARD).expect_str()
    assert portal.activate(activation_token(portal, "anna@example.org")).accepted
    assert portal.account_level(account) == "servicekonto_plus"
    assert portal.profile(account)["birth_date"] == "1990-02-03"
    assert portal.login_with_eid("pseudo-1").accepted


def test_berlin_eid_registration_yields_level_2_when_activated() -> None:
    portal = ReferencePortal("berlin")
    outcome = portal.register_citizen_with_eid(
        "anna@example.org", PASSWORD, CARD, salutation="Frau",
        security_question=QUESTION, security_answer=ANSWER,
    )  # fmt: skip
    assert portal.activate(activation_token(portal, "anna@example.org")).accepted
    assert portal.account_level(outcome.expect_str()) == "level2"


def test_gemeinsam_online_account_is_created_when_registering_with_another_lands_account() -> None:
    portal = ReferencePortal("gemeinsam-online")
    outcome = portal.register_with_other_account("bayern", "anna@example.org", "Anna", "Muster")
    assert portal.ping(outcome.expect_str()).accepted
    assert portal.login_with_other_account("bayern", "anna@example.org").accepted


def test_registration_with_another_account_is_rejected_when_consent_is_missing() -> None:
    portal = ReferencePortal("gemeinsam-online")
    outcome = portal.register_with_other_account(
        "bayern", "anna@example.org", "Anna", "Muster", consent=False
    )
    assert outcome.rules == ("interop.consent_to_profile_transfer",)


def test_registration_with_another_account_is_not_offered_when_land_is_hamburg() -> None:
    portal = ReferencePortal("hamburg")
    outcome = portal.register_with_other_account("bayern", "anna@example.org", "Anna", "Muster")
    assert outcome.rules == ("sim.not_offered",)


@pytest.mark.parametrize("land", ["sachsen-anhalt", "hamburg"])
def test_service_with_another_account_needs_permission_and_consent_when_used(
    land: LandId,
) -> None:
    portal = ReferencePortal(land)
    portal.offer_service("open", allows_other_accounts=True)
    portal.offer_service("closed")
    assert portal.use_service_with_other_account("bayern", "open").accepted
    closed = portal.use_service_with_other_account("bayern", "closed")
    assert closed.rules == ("interop.service_must_allow",)
    refused = portal.use_service_with_other_account("bayern", "open", consent=False)
    assert refused.rules == ("interop.consent_to_profile_transfer",)


def test_business_accounts_cannot_log_in_from_another_land_in_hamburg_when_used() -> None:
    # hamburg: "Die Anmeldung mit einem anderen Servicekonto ist grundsätzlich nur mit einem
    # Bürger-Servicekonto möglich, nicht jedoch mit einem Unternehmens- oder Behördenservicekonto."
    portal = ReferencePortal("hamburg")
    portal.offer_service("open", allows_other_accounts=True)
    business = portal.use_service_with_other_account("bayern", "open", organisation=True)
    assert business.rules == ("interop.citizen_accounts_only",)


def test_sachsen_anhalt_states_no_business_exclusion_when_used() -> None:
    # Sachsen-Anhalt only says a citizen account elsewhere is enough; it excludes nothing.
    portal = ReferencePortal("sachsen-anhalt")
    portal.offer_service("open", allows_other_accounts=True)
    assert portal.use_service_with_other_account("bayern", "open", organisation=True).accepted


@pytest.mark.parametrize("land", LINK_24H)
def test_eid_login_is_rejected_when_pseudonym_is_switched_off(land: LandId) -> None:
    portal = ReferencePortal(land)
    portal.register_citizen_with_eid("anna@example.org", PASSWORD, CARD)
    portal.activate(activation_token(portal, "anna@example.org"))
    session = login(portal, "anna@example.org")
    assert portal.set_pseudonym_enabled(session, False).accepted
    assert portal.login_with_eid("pseudo-1").rules == ("eid.login_requires_pseudonym",)
    assert portal.login("anna@example.org", PASSWORD).accepted  # password login remains
    assert portal.login_with_eid("pseudo-1", pin_entered=False).rules == ("eid.pin_required",)


@pytest.mark.parametrize("land", LINK_24H)
def test_eid_only_service_is_rejected_when_logged_in_with_password(land: LandId) -> None:
    portal = ReferencePortal(land)
    portal.offer_service("steuer", requires_plus=True, requires_eid_login=True)
    portal.register_citizen_with_eid("anna@example.org", PASSWORD, CARD)
    portal.activate(activation_token(portal, "anna@example.org"))
    by_password = login(portal, "anna@example.org")
    outcome = portal.use_service(by_password, "steuer")
    assert outcome.rules == ("eid.service_requires_eid_login",)
    by_card = portal.login_with_eid("pseudo-1").expect_str()
    assert portal.use_service(by_card, "steuer").accepted
