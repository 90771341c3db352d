from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from skc.model.ambiguity import Readings
from skc.model.lands import LandId
from skc.model.sim import ReferencePortal, VirtualClock
from skc.model.sim.scenarios import PASSWORD, citizen, login

IMMEDIATE: tuple[LandId, ...] = ("sachsen-anhalt", "gemeinsam-online", "hamburg", "niedersachsen")
EMAIL = "anna@example.org"
EVENING = datetime(2024, 6, 10, 22, 0)


def _deleted(
    land: LandId, *, used_service: bool, readings: Readings | None = None
) -> ReferencePortal:
    portal = ReferencePortal(land, VirtualClock(EVENING), readings)
    portal.offer_service("svc")
    citizen(portal, EMAIL)
    session = login(portal, EMAIL)
    if used_service:
        assert portal.use_service(session, "svc").accepted
    assert portal.delete_account(session, confirm=False).rules == ("sim.confirmation_required",)
    assert portal.delete_account(session).accepted
    assert not portal.ping(session).accepted
    return portal


@pytest.mark.parametrize("land", IMMEDIATE)
@pytest.mark.parametrize("used_service", [False, True])
def test_address_is_reusable_at_once_when_account_is_deleted(
    land: LandId, used_service: bool
) -> None:
    portal = _deleted(land, used_service=used_service)
    assert portal.login(EMAIL, PASSWORD).rules == ("account.deletion",)
    assert portal.email_available(EMAIL).accepted
    citizen(portal, EMAIL)


def test_berlin_address_is_free_from_the_next_calendar_day_when_no_service_was_used() -> None:
    portal = _deleted("berlin", used_service=False)
    assert portal.email_available(EMAIL).rules == ("account.email_reuse_delay",)
    portal.clock.advance(minutes=119)  # 23:59 on the day of deletion
    assert not portal.email_available(EMAIL).accepted
    portal.clock.advance(minutes=1)  # 00:00 the next day
    assert portal.email_available(EMAIL).accepted


def test_berlin_address_is_free_after_24_hours_when_reading_says_so() -> None:
    readings = Readings({"account.berlin_next_day": "after-24-hours"})
    portal = _deleted("berlin", used_service=False, readings=readings)
    portal.clock.advance(hours=23, minutes=59)
    assert not portal.email_available(EMAIL).accepted
    portal.clock.advance(minutes=1)
    assert portal.email_available(EMAIL).accepted


def test_berlin_address_is_free_only_after_a_day_when_a_service_was_used() -> None:
    portal = _deleted("berlin", used_service=True)
    portal.clock.advance(hours=2)  # past midnight: not enough when a service was used
    assert portal.email_available(EMAIL).rules == ("account.email_reuse_delay",)
    portal.clock.advance(timedelta(hours=22))
    assert portal.email_available(EMAIL).accepted


def test_berlin_deleted_account_cannot_log_in_when_deactivated() -> None:
    portal = _deleted("berlin", used_service=False)
    assert portal.login(EMAIL, PASSWORD).rules == ("account.deletion",)
