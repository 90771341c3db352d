from __future__ import annotations

from datetime import timedelta

import pytest

from skc.model.ambiguity import Readings
from skc.model.lands import LANDS, LandId
from skc.model.sim import ReferencePortal, VirtualClock
from skc.model.sim.scenarios import ANSWER, OTHER_PASSWORD, PASSWORD, citizen, login, register

OLD = "anna@example.org"


def _reset_link(portal: ReferencePortal) -> str:
    portal.request_password_reset(OLD)
    assert portal.answer_security_question(OLD, ANSWER).accepted
    return portal.outbox.token_for(OLD, "password_reset_link")


def _berlin(reading: str | None = None) -> ReferencePortal:
    readings = Readings({"password_reset.link_validity": reading}) if reading else None
    portal = ReferencePortal("berlin", VirtualClock(), readings)
    citizen(portal, OLD)
    return portal


def test_berlin_reset_link_is_void_when_the_password_was_changed_since() -> None:
    portal = _berlin()
    link = _reset_link(portal)
    session = login(portal, OLD)
    assert portal.change_password(session, PASSWORD, OTHER_PASSWORD).accepted
    assert portal.set_new_password(link, PASSWORD).rules == ("sim.unknown_token",)
    assert portal.login(OLD, OTHER_PASSWORD).accepted


def test_berlin_reset_link_is_void_when_a_newer_link_was_sent() -> None:
    portal = _berlin()
    first = _reset_link(portal)
    second = _reset_link(portal)
    assert portal.set_new_password(first, OTHER_PASSWORD).rules == ("sim.unknown_token",)
    assert portal.set_new_password(second, OTHER_PASSWORD).accepted


def test_berlin_reset_link_survives_a_change_when_read_as_single_use_only() -> None:
    portal = _berlin("single-use")
    first = _reset_link(portal)
    second = _reset_link(portal)
    session = login(portal, OLD)
    assert portal.change_password(session, PASSWORD, OTHER_PASSWORD).accepted
    assert portal.set_new_password(first, PASSWORD).accepted
    assert portal.set_new_password(first, OTHER_PASSWORD).rules == ("sim.unknown_token",)
    assert portal.set_new_password(second, OTHER_PASSWORD).accepted


@pytest.mark.parametrize(("age", "alive"), [(timedelta(hours=24, seconds=-1), True),
                                            (timedelta(hours=24, seconds=1), False)])  # fmt: skip
def test_berlin_reset_link_runs_out_after_24_hours_only_when_the_reading_says_so(
    age: timedelta, alive: bool
) -> None:
    timed, unbounded = _berlin("single-use-24h"), _berlin()
    links = [_reset_link(timed), _reset_link(unbounded)]
    for portal in (timed, unbounded):
        portal.clock.advance(age)
    outcome = timed.set_new_password(links[0], OTHER_PASSWORD)
    assert outcome.accepted is alive
    if not alive:
        assert outcome.rules == ("password_reset.security_question",)
    assert unbounded.set_new_password(links[1], OTHER_PASSWORD).accepted


@pytest.mark.parametrize("land", ["sachsen-anhalt", "hamburg"])
def test_first_mailed_password_is_void_when_a_second_reset_was_requested(land: LandId) -> None:
    portal = ReferencePortal(land)
    citizen(portal, OLD)
    portal.request_password_reset(OLD)
    first = portal.outbox.token_for(OLD, "new_password")
    portal.request_password_reset(OLD)
    second = portal.outbox.token_for(OLD, "new_password")
    assert not portal.login(OLD, first).accepted
    assert portal.login(OLD, second).accepted


@pytest.mark.parametrize("land", LANDS)
def test_address_differing_only_in_case_is_a_duplicate_when_registering(land: LandId) -> None:
    portal = ReferencePortal(land)
    citizen(portal, OLD)
    outcome = portal.register_citizen(
        "Anna@Example.ORG", PASSWORD, "Anna", "Muster", salutation="Frau",
        security_question="Frage?", security_answer=ANSWER,
    )  # fmt: skip
    assert outcome.rules == ("sim.email_in_use",)
    assert portal.login("ANNA@example.org", PASSWORD).accepted


def test_address_case_counts_in_the_local_part_when_read_so() -> None:
    readings = Readings({"email.case": "case-sensitive-local-part"})
    portal = ReferencePortal("hamburg", VirtualClock(), readings)
    citizen(portal, OLD)
    assert not portal.login("Anna@example.org", PASSWORD).accepted
    assert portal.login("anna@EXAMPLE.org", PASSWORD).accepted
    assert portal.email_available("Anna@example.org").accepted


@pytest.mark.parametrize(
    ("reading", "second"), [("refused", False), ("idempotent-while-active", True)]
)
def test_activation_link_second_use_follows_the_reading_when_the_account_is_active(
    reading: str, second: bool
) -> None:
    portal = ReferencePortal("hamburg", VirtualClock(), Readings({"links.second_use": reading}))
    register(portal, OLD)
    token = portal.outbox.token_for(OLD, "activation")
    assert portal.activate(token).accepted
    assert portal.activate(token).accepted is second
    assert portal.delete_account(login(portal, OLD)).accepted
    assert not portal.activate(token).accepted  # never brings a deleted account back
    assert not portal.login(OLD, PASSWORD).accepted


@pytest.mark.parametrize("land", LANDS)
def test_every_session_operation_is_refused_when_logged_out(land: LandId) -> None:
    portal = ReferencePortal(land)
    citizen(portal, OLD)
    session = login(portal, OLD)
    assert portal.logout(session).accepted
    assert portal.ping(session).rules == ("sim.not_logged_in",)
    assert not portal.session_alive(session)
    assert not portal.change_password(session, PASSWORD, OTHER_PASSWORD).accepted
    assert not portal.delete_account(session).accepted
    assert portal.login(OLD, PASSWORD).accepted
