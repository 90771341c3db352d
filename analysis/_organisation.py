"""One synthetic organisation walking through a Land's reference portal on a virtual clock.

The journey: an administrator (Faker de_DE, via the fixtures' provider) registers the
organisation with one online service, clicks the activation link after a drawn delay where the
Land sends one (Berlin's Master-User logs in at once; Gemeinsam Online describes no organisation
accounts, so the registration is refused as not offered), logs in and adds users; each user
activates the account through the link after a drawn number of days (Hamburg's link lives 14
days; where the Land sends no link, the user gets an initial password and is active at once).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import timedelta

from faker import Faker

from skc.analysis._behaviour import Behaviour
from skc.analysis._journey import START, START_UTC, Event
from skc.fixtures.providers import servicekonto
from skc.model.ambiguity import Readings
from skc.model.lands import LandId
from skc.model.sim import ReferencePortal, VirtualClock
from skc.model.sim.outcome import Outcome
from skc.model.sim.rules import LandRules

SERVICE = "svc-antrag"


@dataclass(slots=True)
class OrgJourney:
    """What happened to one organisation: one row of the organisations table."""

    organisation: int
    name: str = ""
    admin_email: str = ""
    arrival_h: float = 0.0
    registration: str = "refused"
    """``registered``, ``not offered`` or the rule that refused it."""
    admin_activation_delay_h: float = math.nan
    admin_activated: bool = False
    users_added: int = 0
    users_activated: int = 0
    users_expired: int = 0


class _OrgWalk:
    def __init__(
        self, portal: ReferencePortal, index: int, events: list[Event], row: OrgJourney
    ) -> None:
        self.portal = portal
        self.index = index
        self.events = events
        self.row = row

    def log(self, step: str, outcome: Outcome) -> Outcome:
        seconds = (self.portal.clock.instant() - START_UTC).total_seconds()
        rule = outcome.rules[0] if outcome.rules else ""
        self.events.append((self.index, step, seconds, outcome.accepted, rule))
        return outcome


def walk_organisation(
    land: LandId,
    rules: LandRules,
    behaviour: Behaviour,
    fake: Faker,
    readings: Readings,
    index: int,
    rng: random.Random,
    events: list[Event],
) -> OrgJourney:
    """Walk one organisation through a fresh portal of ``land``; append events, return the row."""
    provider = servicekonto(fake)
    organisation = provider.organisation(land, readings=readings)
    admin = provider.administrator(land, readings=readings, email_domain="example.org")
    arrival = rng.uniform(0.0, behaviour.arrival_spread_days * 24.0)
    portal = ReferencePortal(land, VirtualClock(START + timedelta(hours=arrival)), rules=rules)
    portal.offer_service(SERVICE)
    row = OrgJourney(index, organisation.name, admin.email, arrival)
    walk = _OrgWalk(portal, index, events, row)
    outcome = walk.log(
        "register_organisation",
        portal.register_organisation(
            organisation.name, admin.email, admin.password, admin.first_name, admin.last_name,
            admin.birth_date, services=(SERVICE,), admin_phone=admin.phone,
            org_data=organisation.org_data(),
        ),
    )  # fmt: skip
    if not outcome.accepted:
        row.registration = "not offered" if "sim.not_offered" in outcome.rules else outcome.rules[0]
        return row
    row.registration = "registered"
    if portal.outbox.last_to(admin.email, "activation") is not None:
        delay = behaviour.admin_activation_delay_hours.draw(rng)
        row.admin_activation_delay_h = delay
        portal.clock.advance(hours=delay)
        token = portal.outbox.token_for(admin.email, "activation")
        if not walk.log("activate_admin", portal.activate(token)):
            return row
    row.admin_activated = True
    session = walk.log("login", portal.login(admin.email, admin.password))
    if not session.accepted:
        return row
    low, high = behaviour.org_users
    delays: list[tuple[float, str]] = []
    for number in range(rng.randint(low, high)):
        email = f"mitarbeiter{number + 1}.org{index}@example.org"
        added = walk.log(
            "add_org_user",
            portal.add_org_user(
                session.expect_str(), email, fake.first_name(), fake.last_name(),
                phone=admin.phone, birth_date=admin.birth_date, password=admin.password,
            ),
        )  # fmt: skip
        if not added.accepted:
            continue
        row.users_added += 1
        if portal.outbox.last_to(email, "activation") is None:
            row.users_activated += 1  # an initial password: active at once
        else:
            delays.append((behaviour.user_activation_delay_days.draw(rng), email))
    clicked = 0.0
    for days, email in sorted(delays):
        portal.clock.advance(days=days - clicked)
        clicked = days
        token = portal.outbox.token_for(email, "activation")
        if walk.log("activate_org_user", portal.activate_org_user(token, admin.password)):
            row.users_activated += 1
        else:
            row.users_expired += 1
    return row


__all__ = ["SERVICE", "OrgJourney", "walk_organisation"]
