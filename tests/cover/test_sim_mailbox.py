from __future__ import annotations

from datetime import timedelta

import pytest

from skc.model.lands import LANDS, LandId
from skc.model.sim import ReferencePortal, VirtualClock
from skc.model.sim.scenarios import citizen, login

TRASH_30: tuple[LandId, ...] = ("gemeinsam-online", "hamburg", "niedersachsen")
UNREAD_BLOCKS: tuple[LandId, ...] = ("sachsen-anhalt", "gemeinsam-online", "hamburg")
EMAIL = "anna@example.org"


def _inbox(land: LandId) -> tuple[ReferencePortal, str, str, str]:
    """A portal, a session, a Vorgang with one read message, and that message."""
    portal = ReferencePortal(land, VirtualClock())
    account = citizen(portal, EMAIL)
    session = login(portal, EMAIL)
    vorgang = portal.start_vorgang(account, "Antrag Wohngeld").expect_str()
    message = portal.deliver_message(vorgang, "Eingangsbestätigung").expect_str()
    assert portal.read_message(session, message).accepted
    return portal, session, vorgang, message


@pytest.mark.parametrize("land", TRASH_30)
@pytest.mark.parametrize(
    ("age", "purged"),
    [(timedelta(days=29, hours=23), False), (timedelta(days=30, hours=1), True)],
)
def test_trashed_vorgang_is_purged_after_30_days_when_left_in_the_trash(
    land: LandId, age: timedelta, purged: bool
) -> None:
    portal, session, vorgang, message = _inbox(land)
    assert portal.trash_vorgang(session, vorgang).accepted
    portal.clock.advance(age)
    assert portal.vorgang_exists(vorgang) is not purged
    assert portal.message_exists(message) is not purged


@pytest.mark.parametrize("land", TRASH_30)
def test_restored_vorgang_survives_when_the_30_days_pass(land: LandId) -> None:
    portal, session, vorgang, _message = _inbox(land)
    portal.trash_vorgang(session, vorgang)
    portal.clock.advance(days=29)
    session = login(portal, EMAIL)
    assert portal.restore_vorgang(session, vorgang).accepted
    portal.clock.advance(days=400)
    session = login(portal, EMAIL)
    assert portal.vorgang_exists(vorgang)
    assert portal.list_vorgaenge(session).value == (vorgang,)


@pytest.mark.parametrize("land", TRASH_30)
def test_trash_timer_restarts_when_a_restored_vorgang_is_trashed_again(land: LandId) -> None:
    portal, session, vorgang, _message = _inbox(land)
    portal.trash_vorgang(session, vorgang)
    portal.clock.advance(days=20)
    session = login(portal, EMAIL)
    assert portal.restore_vorgang(session, vorgang).accepted
    assert portal.trash_vorgang(session, vorgang).accepted
    portal.clock.advance(days=15)
    assert portal.vorgang_exists(vorgang)
    portal.clock.advance(days=15)
    assert not portal.vorgang_exists(vorgang)


def test_trash_is_kept_when_the_land_states_no_retention() -> None:
    portal, session, vorgang, _message = _inbox("sachsen-anhalt")
    portal.trash_vorgang(session, vorgang)
    portal.clock.advance(days=365)
    assert portal.vorgang_exists(vorgang)


@pytest.mark.parametrize("land", UNREAD_BLOCKS)
def test_vorgang_cannot_go_to_the_trash_when_a_message_is_unread(land: LandId) -> None:
    portal, session, vorgang, _message = _inbox(land)
    second = portal.deliver_message(vorgang, "Bescheid").expect_str()
    outcome = portal.trash_vorgang(session, vorgang)
    assert outcome.rules == ("mailbox.trash_blocked_by_unread",)
    portal.read_message(session, second)
    assert portal.trash_vorgang(session, vorgang).accepted
    assert portal.list_vorgaenge(session, "trash").value == (vorgang,)


@pytest.mark.parametrize("land", LANDS)
def test_unread_count_follows_reading_when_messages_arrive(land: LandId) -> None:
    portal, session, vorgang, _message = _inbox(land)
    first = portal.deliver_message(vorgang, "Bescheid").expect_str()
    portal.deliver_message(vorgang, "Rechnung")
    assert portal.unread_count(session).value == 2
    portal.read_message(session, first)
    assert portal.unread_count(session).value == 1


@pytest.mark.parametrize(("land", "days"), [("hamburg", 30), ("berlin", 28)])
def test_answer_is_deleted_after_the_retention_period_when_kept_in_the_inbox(
    land: LandId, days: int
) -> None:
    portal, _session, _vorgang, message = _inbox(land)
    portal.clock.advance(days=days, seconds=-1)
    assert portal.message_exists(message)
    portal.clock.advance(seconds=2)
    assert not portal.message_exists(message)


def test_berlin_answer_retention_follows_the_service_when_it_sets_its_own() -> None:
    portal, _session, vorgang, _message = _inbox("berlin")
    message = portal.deliver_message(vorgang, "Langlebig", retention_days=90).expect_str()
    portal.clock.advance(days=60)
    assert portal.message_exists(message)


def test_mailbox_of_someone_else_is_closed_when_accessed() -> None:
    portal, _session, vorgang, message = _inbox("hamburg")
    citizen(portal, "bob@example.org")
    other = login(portal, "bob@example.org")
    assert portal.read_message(other, message).rules == ("sim.not_authorised",)
    assert portal.trash_vorgang(other, vorgang).rules == ("sim.not_authorised",)


@pytest.mark.parametrize("land", ["sachsen-anhalt", "gemeinsam-online", "hamburg", "berlin"])
def test_paid_answer_opens_only_when_payment_succeeded_in_time(land: LandId) -> None:
    portal, session, vorgang, _message = _inbox(land)
    paid = portal.deliver_message(vorgang, "Urkunde", payment_required=True).expect_str()
    assert portal.read_message(session, paid).rules == ("mailbox.payment_before_answer",)
    late = portal.start_payment(session, paid).expect_str()
    portal.clock.advance(minutes=121)
    assert portal.report_payment(late, True).rules == ("payment.window",)
    session = login(portal, EMAIL)
    payment = portal.start_payment(session, paid).expect_str()
    portal.clock.advance(minutes=19)
    assert portal.report_payment(payment, True).accepted
    assert portal.read_message(session, paid).accepted


@pytest.mark.parametrize(("land", "minutes"), [("hamburg", 20), ("berlin", 120)])
def test_payment_window_closes_at_the_stated_limit_when_provider_reports_late(
    land: LandId, minutes: int
) -> None:
    portal, session, vorgang, _message = _inbox(land)
    paid = portal.deliver_message(vorgang, "Urkunde", payment_required=True).expect_str()
    in_time = portal.start_payment(session, paid).expect_str()
    portal.clock.advance(minutes=minutes - 1)
    assert portal.report_payment(in_time, False).accepted
    session = login(portal, EMAIL)
    late = portal.start_payment(session, paid).expect_str()
    portal.clock.advance(minutes=minutes + 1)
    assert portal.report_payment(late, True).rules == ("payment.window",)
