"""Ready-made scenario steps on a ReferencePortal: a registered citizen, an organisation, ...

Each step drives the portal through its public API only (as a conformance suite would) and
raises ``ScenarioError`` if the portal refuses a step that should succeed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final

from skc.model.sim.outcome import Outcome
from skc.model.sim.portal import ReferencePortal

# "Aa12Bb34" is one of the help texts' own example passwords: valid in every Land.
PASSWORD: Final = "Aa12Bb34"
OTHER_PASSWORD: Final = "Zz98Yy76"
QUESTION: Final = "Name des ersten Haustiers?"
ANSWER: Final = "Bello"
ADULT: Final = date(1980, 5, 17)
PHONE: Final = "+49 30 1234567"


class ScenarioError(AssertionError):
    """A scenario step the reference portal should accept was rejected."""


def accepted(outcome: Outcome, step: str) -> Outcome:
    """Return the outcome, or raise ScenarioError naming the step and the deciding rules."""
    if not outcome.accepted:
        raise ScenarioError(f"{step} was rejected by {outcome.rules}: {outcome.detail}")
    return outcome


def register(portal: ReferencePortal, email: str, password: str = PASSWORD) -> str:
    """Register a basic citizen account (Berlin: level 1); return its id, not yet activated."""
    outcome = portal.register_citizen(
        email, password, "Anna", "Muster", salutation="Frau",
        security_question=QUESTION, security_answer=ANSWER,
    )  # fmt: skip
    return accepted(outcome, f"registering {email}").expect_str()


def activation_token(portal: ReferencePortal, email: str) -> str:
    """The token of the newest activation mail to ``email``."""
    return portal.outbox.token_for(email, "activation")


def citizen(portal: ReferencePortal, email: str, password: str = PASSWORD) -> str:
    """Register and activate a citizen account; return its id."""
    account_id = register(portal, email, password)
    accepted(portal.activate(activation_token(portal, email)), f"activating {email}")
    return account_id


def login(portal: ReferencePortal, email: str, password: str = PASSWORD) -> str:
    """Log in; return the session id."""
    return accepted(portal.login(email, password), f"logging in {email}").expect_str()


def organisation(
    portal: ReferencePortal, admin_email: str, services: Sequence[str] = ("svc-a",)
) -> tuple[str, str]:
    """Register (and activate) an organisation; return its id and a session of its admin."""
    for service in services:
        if not portal.is_offered(service):
            portal.offer_service(service)
    outcome = portal.register_organisation(
        "Muster GmbH", admin_email, PASSWORD, "Erika", "Muster", ADULT,
        services=services, admin_phone=PHONE,
    )  # fmt: skip
    org_id = accepted(outcome, "registering the organisation").expect_str()
    if portal.outbox.last_to(admin_email, "activation") is not None:
        accepted(portal.activate(activation_token(portal, admin_email)), "activating the admin")
    return org_id, login(portal, admin_email)


def member(portal: ReferencePortal, admin_session: str, email: str, *, admin: bool = False) -> str:
    """Add and activate an organisation member (user or admin); return the account id."""
    outcome = portal.add_org_user(
        admin_session, email, "Max", "Mitarbeiter", admin=admin, phone=PHONE,
        birth_date=ADULT, password=PASSWORD,
    )  # fmt: skip
    account_id = accepted(outcome, f"adding {email}").expect_str()
    if portal.outbox.last_to(email, "activation") is not None:
        token = activation_token(portal, email)
        accepted(portal.activate_org_user(token, PASSWORD), f"activating {email}")
    return account_id


__all__ = [
    "ADULT", "ANSWER", "OTHER_PASSWORD", "PASSWORD", "PHONE", "QUESTION", "ScenarioError",
    "accepted", "activation_token", "citizen", "login", "member", "organisation", "register",
]  # fmt: skip
