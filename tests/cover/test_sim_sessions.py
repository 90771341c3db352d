from __future__ import annotations

from datetime import timedelta

import pytest

from skc.model.ambiguity import Readings
from skc.model.lands import LANDS, LandId
from skc.model.sim import ReferencePortal, VirtualClock
from skc.model.sim.scenarios import citizen, login

IDLE_MINUTES: dict[LandId, int] = {
    "sachsen-anhalt": 20,
    "gemeinsam-online": 20,
    "hamburg": 20,
    "berlin": 25,
    "niedersachsen": 20,
}


def _session(land: LandId, readings: Readings | None = None) -> tuple[ReferencePortal, str]:
    portal = ReferencePortal(land, VirtualClock(), readings)
    citizen(portal, "anna@example.org")
    return portal, login(portal, "anna@example.org")


@pytest.mark.parametrize(
    ("land", "idle", "alive"),
    [
        ("berlin", timedelta(minutes=24, seconds=59), True),
        ("berlin", timedelta(minutes=25, seconds=1), False),
        ("hamburg", timedelta(minutes=19, seconds=59), True),
        ("hamburg", timedelta(minutes=20, seconds=1), False),
    ],
)
def test_session_survives_only_below_the_idle_limit_when_idle(
    land: LandId, idle: timedelta, alive: bool
) -> None:
    portal, session = _session(land)
    portal.clock.advance(idle)
    outcome = portal.ping(session)
    assert outcome.accepted is alive
    if not alive:
        assert outcome.rules == ("session.idle_timeout",)
        assert not portal.ping(session).accepted  # the expired session is gone for good


@pytest.mark.parametrize("land", LANDS)
def test_idle_limit_matches_the_text_when_probed_around_it(land: LandId) -> None:
    limit = timedelta(minutes=IDLE_MINUTES[land])
    portal, session = _session(land)
    portal.clock.advance(limit - timedelta(seconds=1))
    assert portal.ping(session).accepted
    portal.clock.advance(limit + timedelta(seconds=1))
    assert portal.ping(session).rules == ("session.idle_timeout",)


@pytest.mark.parametrize(
    ("boundary", "alive"), [("expired-at-limit", False), ("alive-at-limit", True)]
)
def test_session_at_exactly_the_limit_follows_the_reading_when_boundary_is_chosen(
    boundary: str, alive: bool
) -> None:
    portal, session = _session("hamburg", Readings({"time.limit_boundary": boundary}))
    portal.clock.advance(minutes=20)
    assert portal.ping(session).accepted is alive


def test_each_request_restarts_the_idle_timer_when_user_keeps_working() -> None:
    portal, session = _session("hamburg")
    for _ in range(5):
        portal.clock.advance(minutes=19)
        assert portal.ping(session).accepted


@pytest.mark.parametrize(
    ("land", "ambiguity"),
    [("hamburg", "session.idle_reset"), ("sachsen-anhalt", "session.idle_reset_user_action")],
)
@pytest.mark.parametrize(
    ("reading", "alive"), [("server-requests", False), ("any-user-action", True)]
)
def test_client_only_action_resets_the_timer_only_when_reading_says_so(
    land: LandId, ambiguity: str, reading: str, alive: bool
) -> None:
    portal, session = _session(land, Readings({ambiguity: reading}))
    portal.clock.advance(minutes=15)
    assert portal.client_action(session).accepted
    portal.clock.advance(minutes=15)
    assert portal.ping(session).accepted is alive


@pytest.mark.parametrize("land", LANDS)
def test_session_stays_open_when_browser_is_closed(land: LandId) -> None:
    portal, session = _session(land)
    assert portal.close_browser(session).accepted
    portal.clock.advance(minutes=10)
    assert portal.session_alive(session)
    assert portal.ping(session).accepted


@pytest.mark.parametrize("land", LANDS)
def test_session_is_gone_when_logged_out(land: LandId) -> None:
    portal, session = _session(land)
    assert portal.logout(session).accepted
    assert portal.ping(session).rules == ("sim.not_logged_in",)


@pytest.mark.parametrize("land", LANDS)
def test_answer_goes_to_the_open_session_without_mail_when_browser_was_closed(
    land: LandId,
) -> None:
    portal, session = _session(land)
    account = portal.account_id_of("anna@example.org")
    assert account is not None
    portal.close_browser(session)
    vorgang = portal.start_vorgang(account, "Antrag").expect_str()
    portal.deliver_message(vorgang, "Bescheid")
    assert portal.outbox.last_to("anna@example.org", "new_answer") is None
    portal.clock.advance(minutes=IDLE_MINUTES[land] + 1)
    portal.deliver_message(vorgang, "Nachtrag")
    assert portal.outbox.last_to("anna@example.org", "new_answer") is not None


@pytest.mark.parametrize("land", LANDS)
def test_login_is_rejected_when_cookies_are_blocked(land: LandId) -> None:
    portal = ReferencePortal(land)
    citizen(portal, "anna@example.org")
    outcome = portal.login("anna@example.org", "Aa12Bb34", cookies=False)
    assert outcome.rules == ("login.cookies_required",)
