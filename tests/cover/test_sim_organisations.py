from __future__ import annotations

from datetime import date, timedelta

import pytest

from skc.model.ambiguity import Readings
from skc.model.lands import LandId
from skc.model.sim import ReferencePortal, VirtualClock
from skc.model.sim.scenarios import (
    ADULT,
    PASSWORD,
    PHONE,
    activation_token,
    login,
    member,
    organisation,
)

ORG_LANDS: tuple[LandId, ...] = ("sachsen-anhalt", "hamburg", "berlin", "niedersachsen")
ADMIN, USER = "chef@example.org", "user@example.org"


def _org(land: LandId) -> tuple[ReferencePortal, str, str]:
    portal = ReferencePortal(land, VirtualClock())
    org_id, admin = organisation(portal, ADMIN)
    return portal, org_id, admin


@pytest.mark.parametrize("land", ORG_LANDS)
def test_last_admin_cannot_be_deleted_when_no_other_admin_exists(land: LandId) -> None:
    portal, _org_id, admin = _org(land)
    own = portal.account_id_of(ADMIN)
    assert own is not None
    outcome = portal.delete_org_user(admin, own)
    expected = "org.master_users.delete_each_other_not_self" if land == "berlin" else None
    assert outcome.rules == (expected or "org.admins.last_admin_undeletable",)


@pytest.mark.parametrize("land", ["sachsen-anhalt", "hamburg", "niedersachsen"])
def test_admin_can_be_deleted_when_another_admin_exists(land: LandId) -> None:
    portal, _org_id, admin = _org(land)
    second = member(portal, admin, "zweite@example.org", admin=True)
    other = login(portal, "zweite@example.org")
    first = portal.account_id_of(ADMIN)
    assert first is not None
    assert portal.delete_org_user(other, first).accepted
    assert portal.delete_org_user(other, second).rules == ("org.admins.last_admin_undeletable",)


def test_third_berlin_master_user_is_rejected_when_two_exist() -> None:
    portal, _org_id, admin = _org("berlin")
    member(portal, admin, "vertretung@example.org", admin=True)
    outcome = portal.add_org_user(
        admin, "dritte@example.org", "Dora", "Dritte", admin=True, birth_date=ADULT,
        password=PASSWORD,
    )  # fmt: skip
    assert outcome.rules == ("org.admins.max",)


@pytest.mark.parametrize("land", ["sachsen-anhalt", "hamburg", "niedersachsen"])
def test_admins_are_unlimited_when_land_is_not_berlin(land: LandId) -> None:
    portal, _org_id, admin = _org(land)
    for n in range(4):
        member(portal, admin, f"admin{n}@example.org", admin=True)


def test_berlin_master_user_deletes_the_other_but_not_themselves_when_two_exist() -> None:
    portal, _org_id, admin = _org("berlin")
    deputy = member(portal, admin, "vertretung@example.org", admin=True)
    own = portal.account_id_of(ADMIN)
    assert own is not None
    themselves = portal.delete_org_user(admin, own)
    assert themselves.rules == ("org.master_users.delete_each_other_not_self",)
    assert portal.delete_account(admin).rules == themselves.rules
    assert portal.delete_org_user(admin, deputy).accepted
    member(portal, admin, "neue@example.org", admin=True)  # room for another again


def test_berlin_master_user_cannot_use_services_when_logged_in() -> None:
    portal, org_id, admin = _org("berlin")
    portal.approve_service(org_id, "svc-a")
    assert portal.use_service(admin, "svc-a").rules == ("org.master_users.no_services",)
    own = portal.account_id_of(ADMIN)
    assert own is not None
    assert portal.grant_service(admin, own, "svc-a").rules == ("org.master_users.no_services",)


@pytest.mark.parametrize("land", ORG_LANDS)
def test_registration_is_rejected_when_admin_is_a_minor(land: LandId) -> None:
    portal = ReferencePortal(land, VirtualClock())
    portal.offer_service("svc-a")
    today = portal.clock.today()
    minor = date(today.year - 18, today.month, today.day) + timedelta(days=1)
    outcome = portal.register_organisation(
        "Muster GmbH", ADMIN, PASSWORD, "Erika", "Muster", minor, services=["svc-a"],
        admin_phone=PHONE,
    )  # fmt: skip
    assert outcome.rules == ("org.admins.adults_only",)
    of_age = portal.register_organisation(
        "Muster GmbH", ADMIN, PASSWORD, "Erika", "Muster", minor - timedelta(days=1),
        services=["svc-a"], admin_phone=PHONE,
    )  # fmt: skip
    assert of_age.accepted


def test_berlin_registration_needs_a_service_when_none_is_chosen() -> None:
    portal = ReferencePortal("berlin")
    outcome = portal.register_organisation("Muster GmbH", ADMIN, PASSWORD, "E", "M", ADULT)
    assert outcome.rules == ("org.registration.min_services",)


@pytest.mark.parametrize(
    ("land", "readings", "first_needs_phone"),
    [
        ("niedersachsen", {"form.org_admin.niedersachsen_phone_scope": "every-admin"}, True),
        ("niedersachsen", {}, False),
        ("hamburg", {}, False),
    ],
)
def test_admin_phone_is_required_when_the_land_says_so(
    land: LandId, readings: dict[str, str], first_needs_phone: bool
) -> None:
    portal = ReferencePortal(land, readings=Readings(readings))
    outcome = portal.register_organisation("Muster GmbH", ADMIN, PASSWORD, "E", "M", ADULT)
    assert outcome.accepted is not first_needs_phone
    if first_needs_phone:
        assert outcome.rules == ("form.org_admin.phone_required",)
        return
    portal.activate(activation_token(portal, ADMIN))
    admin = login(portal, ADMIN)
    further = portal.add_org_user(admin, "zwei@example.org", "Z", "W", admin=True, birth_date=ADULT)
    assert further.rules == ("form.org_admin.phone_required",)


@pytest.mark.parametrize(
    ("age", "works"),
    [(timedelta(days=13, hours=23), True), (timedelta(days=14, hours=1), False)],
)
def test_hamburg_user_link_works_for_14_days_when_followed(age: timedelta, works: bool) -> None:
    portal, _org_id, admin = _org("hamburg")
    user = portal.add_org_user(admin, USER, "Max", "Muster").expect_str()
    portal.clock.advance(age)
    outcome = portal.activate_org_user(activation_token(portal, USER), PASSWORD)
    assert outcome.accepted is works
    if not works:
        assert outcome.rules == ("org.user_activation_link_lifetime",)
        assert portal.account_status(user) == "purged"  # deleted: must be created anew


def test_sachsen_anhalt_member_must_agree_within_24_hours_when_invited() -> None:
    portal, _org_id, admin = _org("sachsen-anhalt")
    portal.add_org_user(admin, USER, "Max", "Muster")
    portal.clock.advance(hours=24, minutes=1)
    outcome = portal.activate_org_user(activation_token(portal, USER), PASSWORD)
    assert outcome.rules == ("org.user_consent_window",)


@pytest.mark.parametrize("land", ["sachsen-anhalt", "hamburg", "niedersachsen"])
def test_admin_activation_link_expires_after_24_hours_when_registering(land: LandId) -> None:
    portal = ReferencePortal(land)
    portal.offer_service("svc-a")
    portal.register_organisation(
        "Muster GmbH", ADMIN, PASSWORD, "E", "M", ADULT, services=["svc-a"], admin_phone=PHONE
    )
    portal.clock.advance(hours=24, minutes=1)
    outcome = portal.activate(activation_token(portal, ADMIN))
    assert outcome.rules == ("org.admin_activation_link_lifetime",)
    assert portal.email_available(ADMIN).accepted


def test_hamburg_deleted_user_is_notified_when_admin_deletes_them() -> None:
    portal, _org_id, admin = _org("hamburg")
    user = member(portal, admin, USER)
    assert portal.delete_org_user(admin, user).accepted
    assert portal.outbox.last_to(USER, "user_deleted") is not None


@pytest.mark.parametrize("land", ["sachsen-anhalt", "hamburg", "niedersachsen", "berlin"])
def test_service_is_assignable_only_when_approved(land: LandId) -> None:
    portal = ReferencePortal(land)
    portal.offer_service("svc-auth", approval="authority")
    org_id, admin = organisation(portal, ADMIN, services=["svc-auth"])
    user = member(portal, admin, USER)
    early = portal.grant_service(admin, user, "svc-auth")
    assert early.rules == ("org.services.assign_after_approval",)
    assert portal.approve_service(org_id, "svc-auth").accepted
    assert portal.outbox.last_to(ADMIN, "service_approved") is not None
    assert portal.grant_service(admin, user, "svc-auth").accepted
    assert portal.effective_services(user) == {"svc-auth"}


@pytest.mark.parametrize("land", ["sachsen-anhalt", "hamburg", "niedersachsen"])
def test_automatic_service_is_usable_at_once_when_subscribed(land: LandId) -> None:
    portal, _org_id, admin = _org(land)
    user = member(portal, admin, USER)
    assert portal.grant_service(admin, user, "svc-a").accepted
    session = login(portal, USER)
    assert portal.use_service(session, "svc-a").accepted


@pytest.mark.parametrize("land", ["sachsen-anhalt", "hamburg"])
def test_admin_uses_services_only_when_the_toggle_allows_it(land: LandId) -> None:
    portal, _org_id, admin = _org(land)
    own = portal.account_id_of(ADMIN)
    assert own is not None
    portal.grant_service(admin, own, "svc-a")
    assert portal.use_service(admin, "svc-a").rules == ("org.admins.services_toggle",)
    assert portal.set_admins_may_use_services(admin, True).accepted
    assert portal.use_service(admin, "svc-a").accepted


def test_hamburg_organisation_is_deleted_at_once_when_admin_deletes_it() -> None:
    portal, _org_id, admin = _org("hamburg")
    member(portal, admin, "zweite@example.org", admin=True)
    member(portal, admin, USER)
    assert portal.delete_organisation(admin).accepted
    assert portal.outbox.last_to(ADMIN, "org_deleted") is not None
    assert portal.outbox.last_to("zweite@example.org", "org_deleted") is not None
    assert portal.outbox.last_to(USER, "org_deleted") is None  # employees get no notice
    assert portal.login(USER, PASSWORD).rules == ("account.deletion",)
    assert portal.email_available(USER).accepted


def test_berlin_organisation_goes_the_same_day_when_no_service_was_used() -> None:
    portal, _org_id, admin = _org("berlin")
    member(portal, admin, USER)
    assert portal.delete_organisation(admin).accepted
    assert portal.login(USER, PASSWORD).rules == ("account.deletion",)
    assert portal.email_available(USER).rules == ("org.deletion.unused_same_day",)
    portal.clock.advance(days=1)
    assert portal.email_available(USER).accepted


def test_berlin_users_who_used_a_service_stay_deactivated_for_180_days_when_deleted() -> None:
    portal, org_id, admin = _org("berlin")
    portal.approve_service(org_id, "svc-a")
    user = member(portal, admin, USER)
    portal.grant_service(admin, user, "svc-a")
    assert portal.use_service(login(portal, USER), "svc-a").accepted
    assert portal.delete_organisation(admin).accepted
    assert portal.login(USER, PASSWORD).rules == ("org.deletion.deactivation_period",)
    portal.clock.advance(days=179, hours=23)
    assert portal.email_available(USER).rules == ("org.deletion.deactivation_period",)
    assert portal.email_available(ADMIN).rules == ("org.deletion.deactivation_period",)
    portal.clock.advance(hours=2)
    assert portal.email_available(USER).accepted
    assert portal.email_available(ADMIN).accepted
