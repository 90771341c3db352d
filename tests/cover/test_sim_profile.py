from __future__ import annotations

from datetime import date

import pytest

from skc.model.ambiguity import Readings
from skc.model.catalog import load_catalog
from skc.model.lands import LANDS, LandId
from skc.model.sim import IdCard, ReferencePortal, VirtualClock
from skc.model.sim.scenarios import PASSWORD, activation_token, citizen, login, organisation

PLUS_LANDS: tuple[LandId, ...] = ("sachsen-anhalt", "gemeinsam-online", "hamburg", "niedersachsen")
CARD = IdCard("Anna", "Muster", date(1990, 2, 3), birth_name="Beispiel", title="Dr.")
EMAIL = "anna@example.org"


def _plus(land: LandId, readings: Readings | None = None) -> tuple[ReferencePortal, str]:
    portal = ReferencePortal(land, VirtualClock(), readings)
    portal.register_citizen_with_eid(EMAIL, PASSWORD, CARD)
    portal.activate(activation_token(portal, EMAIL))
    return portal, login(portal, EMAIL)


@pytest.mark.parametrize("land", LANDS)
def test_every_field_is_editable_when_account_is_basic(land: LandId) -> None:
    portal = ReferencePortal(land)
    account = citizen(portal, EMAIL)
    session = login(portal, EMAIL)
    changes = {"first_name": "Anne", "birth_date": "1991-01-01", "street": "Neuer Weg",
               "house_number": "12a-c", "title": "Prof."}  # fmt: skip
    assert portal.edit_profile(session, changes).accepted
    assert portal.profile(account)["house_number"] == "12a-c"


@pytest.mark.parametrize("land", ["sachsen-anhalt", "gemeinsam-online", "hamburg"])
@pytest.mark.parametrize("field", ["title", "first_name", "last_name", "birth_date", "street"])
def test_plus_field_is_locked_when_the_text_lists_it(land: LandId, field: str) -> None:
    portal, session = _plus(land)
    outcome = portal.edit_profile(session, {field: "2000-01-01"})
    assert outcome.rules == ("profile.locked_fields.plus",)


@pytest.mark.parametrize("land", PLUS_LANDS)
def test_plus_phone_stays_editable_when_other_fields_are_locked(land: LandId) -> None:
    portal, session = _plus(land)
    assert portal.edit_profile(session, {"phone": "030 123"}).accepted


@pytest.mark.parametrize(
    ("reading", "birth_name_locked", "birth_date_locked"),
    [("as-written", True, False), ("birth-date", False, True), ("both", True, True)],
)
def test_niedersachsen_locks_the_birth_field_the_reading_names_when_plus(
    reading: str, birth_name_locked: bool, birth_date_locked: bool
) -> None:
    readings = Readings({"profile.niedersachsen_birth_field": reading})
    portal, session = _plus("niedersachsen", readings)
    name = portal.edit_profile(session, {"birth_name": "Anders"})
    born = portal.edit_profile(session, {"birth_date": "1990-02-04"})
    assert name.accepted is not birth_name_locked
    assert born.accepted is not birth_date_locked


def test_niedersachsen_geburtsname_is_locked_when_default_reading() -> None:
    portal, session = _plus("niedersachsen")
    outcome = portal.edit_profile(session, {"birth_name": "Anders"})
    assert outcome.rules == ("profile.locked_fields.plus",)


def test_berlin_level_2_keeps_only_contact_fields_editable_when_confirmed_at_the_office() -> None:
    portal = ReferencePortal("berlin")
    account = citizen(portal, EMAIL)
    data = {"birth_date": "1990-02-03", "street": "Karl-Marx-Allee", "house_number": "31",
            "postcode": "10178", "city": "Berlin"}  # fmt: skip
    assert portal.confirm_at_office(EMAIL, data).accepted
    assert portal.account_level(account) == "level2"
    session = login(portal, EMAIL)
    assert portal.edit_profile(session, {"phone": "030 1", "security_answer": "Rex"}).accepted
    outcome = portal.edit_profile(session, {"last_name": "Anders"})
    assert outcome.rules == ("profile.locked_fields.level2",)


def test_berlin_level_1_profile_is_fully_editable_when_not_upgraded() -> None:
    portal = ReferencePortal("berlin")
    citizen(portal, EMAIL)
    session = login(portal, EMAIL)
    assert portal.edit_profile(session, {"last_name": "Anders", "city": "Potsdam"}).accepted


def test_berlin_master_user_name_is_locked_when_editing_own_profile() -> None:
    portal = ReferencePortal("berlin")
    _org, admin = organisation(portal, "chef@example.org")
    outcome = portal.edit_profile(admin, {"last_name": "Anders"})
    assert outcome.rules == ("profile.locked_fields.organisation",)
    assert portal.edit_profile(admin, {"phone": "030 99"}).accepted
    renamed = portal.edit_organisation(admin, {"org_name": "Andere GmbH"})
    assert renamed.rules == ("profile.locked_fields.organisation",)


@pytest.mark.parametrize("land", PLUS_LANDS)
def test_user_is_logged_out_when_upgrading_with_the_eid_card(land: LandId) -> None:
    portal = ReferencePortal(land)
    account = citizen(portal, EMAIL)
    session = login(portal, EMAIL)
    assert portal.upgrade_with_eid(session, CARD).accepted
    assert portal.ping(session).rules == ("sim.not_logged_in",)
    assert portal.account_level(account) == "servicekonto_plus"
    assert portal.login(EMAIL, PASSWORD).accepted  # the old access data still work


def test_hamburg_customer_centre_upgrades_when_upgrade_was_requested_first() -> None:
    portal = ReferencePortal("hamburg")
    account = citizen(portal, EMAIL)
    session = login(portal, EMAIL)
    early = portal.confirm_at_office(EMAIL)
    assert early.rules == ("upgrade.via_customer_centre",)
    data = {"birth_date": "1990-02-03", "street": "Hauptstraße", "house_number": "2a",
            "postcode": "20095", "city": "Hamburg"}  # fmt: skip
    assert portal.request_office_upgrade(session, data).accepted
    assert portal.account_level(account) == "servicekonto"
    assert portal.confirm_at_office(EMAIL).accepted
    assert portal.account_level(account) == "servicekonto_plus"


@pytest.mark.parametrize("land", ["sachsen-anhalt", "gemeinsam-online", "niedersachsen"])
def test_office_upgrade_is_not_offered_when_land_describes_none(land: LandId) -> None:
    portal = ReferencePortal(land)
    citizen(portal, EMAIL)
    assert portal.confirm_at_office(EMAIL).rules == ("sim.not_offered",)


@pytest.mark.parametrize("land", PLUS_LANDS)
def test_locked_data_change_when_synchronised_with_the_card(land: LandId) -> None:
    portal, session = _plus(land)
    moved = IdCard("Anna", "Muster", date(1990, 2, 3), street="Neue Straße")
    assert portal.sync_eid(session, moved).accepted
    account = portal.account_id_of(EMAIL)
    assert account is not None
    assert portal.profile(account)["street"] == "Neue Straße"


@pytest.mark.parametrize("land", PLUS_LANDS)
def test_plus_service_is_rejected_when_account_is_basic(land: LandId) -> None:
    portal = ReferencePortal(land)
    portal.offer_service("plus-only", requires_plus=True)
    citizen(portal, EMAIL)
    session = login(portal, EMAIL)
    stated = load_catalog().rule("service.enabled_accounts_only").applies(land, "citizen")
    rule = "service.enabled_accounts_only" if stated else "sim.level_insufficient"
    assert portal.use_service(session, "plus-only").rules == (rule,)
