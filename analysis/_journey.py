"""One synthetic citizen walking through a Land's reference portal on a virtual clock.

The journey: register (some first try a password of their own, which the Land may refuse),
click the activation link after a drawn delay (an expired link means registering again, for
those who bother), log in and fill a form with drawn idle gaps between server requests (a gap
past the idle timeout loses the session; the citizen logs in again), pay for a paid answer where
the Land states a payment window, log out, and perhaps later forget the password (Berlin asks
the security question and locks the account after too many wrong answers).

Every step goes through :class:`~skc.model.sim.ReferencePortal`'s public API, so the outcomes
are the model's: a rejection names the rule that decided it. Time moves only by
``clock.advance``; randomness comes only from the ``random.Random`` passed in.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Final

from faker import Faker

from skc.analysis._behaviour import Behaviour
from skc.fixtures.providers import servicekonto
from skc.model.ambiguity import Readings
from skc.model.lands import LandId
from skc.model.sim import ReferencePortal, VirtualClock
from skc.model.sim.clock import DEFAULT_START
from skc.model.sim.outcome import Outcome
from skc.model.sim.rules import LandRules
from skc.model.validators import is_valid

START: Final = DEFAULT_START
"""The instant the simulated population starts arriving (the simulation clock's default)."""
START_UTC: Final = START.astimezone(UTC)  # subtracting from UTC instants stays cheap

LIMIT_RULES: Final = (
    "session.idle_timeout",
    "registration.activation_link_lifetime",
    "payment.window",
)
"""The time limits a what-if sweep may change."""

QUESTION: Final = "Name des ersten Haustiers?"
_NEW_PASSWORD: Final = "Zz98Yy76"  # one of the help texts' example shapes: valid in every Land
_WRONG_ANSWER: Final = "weiß nicht"
_SPECIALS: Final = "!?#$%&*+-_.§"
_TRANSLITERATION: Final = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})

# Step names in the events table, in journey order.
STEPS: Final = (
    "register", "activate", "login", "form_request", "start_payment", "report_payment",
    "logout", "request_password_reset", "answer_security_question", "set_new_password",
    "register_organisation", "activate_admin", "add_org_user", "activate_org_user",
)  # fmt: skip

Event = tuple[int, str, float, bool, str]
"""(citizen or organisation number, step, seconds since START, accepted, deciding rule or "")."""


class WhatIfRules(LandRules):
    """A Land's rules with some time limits replaced (None: no limit), for parameter sweeps."""

    __slots__ = ("limits",)

    def __init__(
        self,
        land: LandId,
        readings: Readings | None = None,
        limits: Mapping[str, timedelta | None] | None = None,
    ) -> None:
        super().__init__(land, readings)
        unknown = sorted(set(limits or {}) - set(LIMIT_RULES))
        if unknown:
            raise ValueError(
                f"cannot sweep {unknown}; the limits a sweep may change: {LIMIT_RULES}"
            )
        self.limits = dict(limits or {})

    def duration(self, rule_id: str) -> timedelta | None:
        """The replaced limit where one was given, else the catalog's (or the reading's)."""
        if rule_id in self.limits:
            return self.limits[rule_id]
        return super().duration(rule_id)  # cached per instance by LandRules


# A password of their own: what people type before reading the rules. Some pass in one Land and
# fail in another (length, criteria, umlauts, spaces, "<").
REALISTIC_PASSWORDS: Final = (
    "passwort", "Passwort1", "hallo123", "Sommer2024", "qwertz123", "Schatz<3", "12345678",
    "ichliebedich", "Mäuschen88", "Fußball1990", "Bayern München1", "Hamburg2024!", "Anna1980",
    "Geheim!", "HalloWelt", "ÄÖÜäöü12", "abc", "Sonnenschein2023", "Test1234!", "berlin",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Persona:
    """Who walks the journey: names and e-mail from Faker (de_DE), a valid password."""

    citizen: int
    first_name: str
    last_name: str
    email: str
    password: str


def make_persona(
    fake: Faker, rng: random.Random, land: LandId, citizen: int, readings: Readings
) -> Persona:
    """A citizen from the (already seeded) Faker; the password is valid in ``land``.

    The password is built the way people build one (a name, digits, a special character);
    where that breaks the Land's rules, the fixtures' generator makes a valid one instead.
    """
    first: str = fake.first_name()
    last: str = fake.last_name()
    email = f"{_slug(first)}.{_slug(last)}.{citizen}@example.org"
    word = "".join(ch for ch in last if ch.isalpha())[:10] or "Konto"
    special = _SPECIALS[rng.randrange(len(_SPECIALS))]
    password = f"{word.capitalize()}{rng.randrange(10, 10_000)}{special}"
    if not is_valid(land, "password", password, readings):
        password = servicekonto(fake).servicekonto_password(land, readings)
    return Persona(citizen, first, last, email, password)


def _slug(name: str) -> str:
    """An ASCII e-mail part of a German name: umlauts transliterated, other letters kept."""
    ascii_name = name.lower().translate(_TRANSLITERATION)
    return "".join(ch for ch in ascii_name if ch.isascii() and ch.isalnum()) or "person"


@dataclass(slots=True)
class Journey:
    """What happened to one citizen: one row of the journeys table."""

    citizen: int
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    arrival_h: float = 0.0
    registrations: int = 0
    registered: bool = False
    password_rejected: bool = False
    abandoned: bool = False
    activation_delay_h: float = math.nan
    activation_expired: int = 0
    activated: bool = False
    logins: int = 0
    form_requests: int = 0
    sessions_lost: int = 0
    payment: str = "none"
    payment_minutes: float = math.nan
    forgot_password: bool = False
    wrong_answers: int = 0
    reset: str = "none"
    locked_out: bool = False


class _Walk:
    """One journey in progress: the portal, the generator, the event log."""

    def __init__(
        self,
        portal: ReferencePortal,
        rules: LandRules,
        rng: random.Random,
        behaviour: Behaviour,
        persona: Persona,
        events: list[Event],
    ) -> None:
        self.portal = portal
        self.rules = rules
        self.account_id = ""
        self.rng = rng
        self.b = behaviour
        self.p = persona
        self.events = events
        self.row = Journey(persona.citizen, persona.first_name, persona.last_name, persona.email)

    def log(self, step: str, outcome: Outcome) -> Outcome:
        seconds = (self.portal.clock.instant() - START_UTC).total_seconds()
        rule = outcome.rules[0] if outcome.rules else ""
        self.events.append((self.p.citizen, step, seconds, outcome.accepted, rule))
        return outcome

    def register(self, password: str) -> Outcome:
        self.row.registrations += 1
        outcome = self.portal.register_citizen(
            self.p.email, password, self.p.first_name, self.p.last_name,
            salutation="Frau", security_question=QUESTION, security_answer=self.p.last_name,
        )  # fmt: skip
        if outcome.accepted:
            self.row.registered = True
            self.account_id = outcome.expect_str()
        return self.log("register", outcome)

    def activation(self) -> bool:
        """Register until activated, expired for good or abandoned; True when activated."""
        rng, b = self.rng, self.b
        if rng.random() < b.weak_password:
            own = REALISTIC_PASSWORDS[rng.randrange(len(REALISTIC_PASSWORDS))]
            if self.register(own):
                self.p = Persona(self.p.citizen, self.p.first_name, self.p.last_name,
                                 self.p.email, own)  # fmt: skip
            else:
                self.row.password_rejected = True
        needs_valid = self.row.registrations == 0 or self.row.password_rejected
        if needs_valid and not self.register(self.p.password):
            return False
        while True:
            if rng.random() < b.abandon_registration:
                self.row.abandoned = True
                return False
            delay = b.activation_delay_hours.draw(rng)
            if math.isnan(self.row.activation_delay_h):
                self.row.activation_delay_h = delay
            self.portal.clock.advance(hours=delay)
            token = self.portal.outbox.token_for(self.p.email, "activation")
            if self.log("activate", self.portal.activate(token)):
                self.row.activated = True
                return True
            self.row.activation_expired += 1
            if self.row.registrations >= b.max_registrations:
                return False
            if rng.random() >= b.reregister_after_expiry or not self.register(self.p.password):
                return False

    def login(self) -> str | None:
        outcome = self.log("login", self.portal.login(self.p.email, self.p.password))
        self.row.logins += 1
        return outcome.value if outcome.accepted and isinstance(outcome.value, str) else None

    def visit(self, account_id: str) -> None:
        """Log in, fill a form, maybe pay, log out."""
        rng, b, portal = self.rng, self.b, self.portal
        session = self.login()
        if session is None:
            return
        low, high = b.form_requests
        for _ in range(rng.randint(low, high)):
            portal.clock.advance(minutes=b.idle_gap_minutes.draw(rng))
            self.row.form_requests += 1
            outcome = self.log("form_request", portal.ping(session))
            if not outcome.accepted:
                if "session.idle_timeout" not in outcome.rules:
                    return
                self.row.sessions_lost += 1
                session = self.login()
                if session is None:
                    return
        window_stated = self.rules.duration("payment.window") is not None
        if rng.random() < b.pays:
            if window_stated:
                self.pay(session, account_id)
            else:
                self.row.payment = "not stated"
        if portal.session_alive(session):
            self.log("logout", portal.logout(session))

    def pay(self, session: str, account_id: str) -> None:
        portal, rng, b = self.portal, self.rng, self.b
        vorgang = portal.start_vorgang(account_id, "Antrag").expect_str()
        message = portal.deliver_message(vorgang, "Gebührenbescheid", payment_required=True)
        started = self.log("start_payment", portal.start_payment(session, message.expect_str()))
        if not started:
            self.row.payment = "not started"
            return
        minutes = b.payment_minutes.draw(rng)
        self.row.payment_minutes = minutes
        portal.clock.advance(minutes=minutes)
        success = rng.random() >= b.payment_declined
        outcome = self.log("report_payment", portal.report_payment(started.expect_str(), success))
        if not outcome.accepted:
            self.row.payment = "window"
        else:
            self.row.payment = "succeeded" if success else "declined"

    def forget(self) -> None:
        """Reset a forgotten password days later, by mail or by the security question."""
        portal, rng, b = self.portal, self.rng, self.b
        self.row.forgot_password = True
        portal.clock.advance(days=b.forget_after_days.draw(rng))
        outcome = self.log("request_password_reset", portal.request_password_reset(self.p.email))
        if not outcome.accepted:
            self.row.reset = "not offered"
            return
        if outcome.value is None:  # a new password by mail
            mail = portal.outbox.last_to(self.p.email, "new_password")
            if mail is None or mail.token is None:
                self.row.reset = "no mail"
                return
            self.p = Persona(self.p.citizen, self.p.first_name, self.p.last_name, self.p.email,
                             mail.token)  # fmt: skip
            self.row.reset = "mail"
        elif outcome.value == "post":
            self.row.reset = "post"
            return
        else:
            if not self.answer_question():
                return
            self.row.reset = "question"
        self.login()

    def answer_question(self) -> bool:
        portal, rng = self.portal, self.rng
        for _ in range(self.b.max_answers):
            wrong = rng.random() < self.b.wrong_answer
            answer = _WRONG_ANSWER if wrong else self.p.last_name
            outcome = self.log(
                "answer_security_question", portal.answer_security_question(self.p.email, answer)
            )
            if outcome.accepted:
                token = portal.outbox.token_for(self.p.email, "password_reset_link")
                self.log("set_new_password", portal.set_new_password(token, _NEW_PASSWORD))
                self.p = Persona(self.p.citizen, self.p.first_name, self.p.last_name,
                                 self.p.email, _NEW_PASSWORD)  # fmt: skip
                return True
            self.row.wrong_answers += 1
            if "password_reset.security_question_lockout" in outcome.rules:
                self.row.locked_out = True
                self.row.reset = "locked"
                return False
        self.row.reset = "gave up"
        return False


def walk(
    land: LandId,
    rules: LandRules,
    behaviour: Behaviour,
    persona: Persona,
    rng: random.Random,
    events: list[Event],
) -> Journey:
    """Walk one citizen through a fresh portal of ``land``; append events, return the row."""
    arrival = rng.uniform(0.0, behaviour.arrival_spread_days * 24.0)
    clock = VirtualClock(START + timedelta(hours=arrival))
    portal = ReferencePortal(land, clock, rules=rules)
    walker = _Walk(portal, rules, rng, behaviour, persona, events)
    walker.row.arrival_h = arrival
    if walker.activation():
        walker.visit(walker.account_id)
        if rng.random() < behaviour.forgets_password:
            walker.forget()
    return walker.row


__all__ = [
    "LIMIT_RULES",
    "REALISTIC_PASSWORDS",
    "START",
    "STEPS",
    "Event",
    "Journey",
    "Persona",
    "WhatIfRules",
    "make_persona",
    "walk",
]
