"""The simulation's state: accounts, sessions, link tokens, organisations and the mailbox.

``World`` holds everything one portal knows, the clock, the Land's rules and the outbox, and
offers the checks every workflow shares (the lazy idle-timeout check, e-mail availability).
Secrets are stored only as salted hashes and never appear in a repr.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal, TypeAlias

from skc.model.ambiguity import Readings
from skc.model.catalog import Scope
from skc.model.lands import REFERENCE_INTEROP_LANDS, LandId
from skc.model.sim.clock import VirtualClock
from skc.model.sim.outbox import Mail, MailKind, Outbox
from skc.model.sim.outcome import Reject
from skc.model.sim.rules import LandRules

Role: TypeAlias = Literal["citizen", "admin", "user"]
Status: TypeAlias = Literal["pending", "active", "locked", "deactivated", "deleted", "purged"]
Level: TypeAlias = Literal["basic", "high"]
TokenPurpose: TypeAlias = Literal[
    "activation", "org_activation", "user_activation", "email_change", "user_email_change",
    "password_reset",
]  # fmt: skip
EmailChange: TypeAlias = Literal["none", "requested", "confirmed", "switched"]


@dataclass(frozen=True, slots=True)
class IdCard:
    """What the eID function of an identity card transmits (``pseudonym`` None: deselected)."""

    first_name: str
    last_name: str
    birth_date: date
    street: str = "Musterstraße"
    house_number: str = "1"
    postcode: str = "10115"
    city: str = "Berlin"
    birth_name: str = ""
    title: str = ""
    pseudonym: str | None = field(default=None, repr=False)

    def profile(self) -> dict[str, str]:
        """The card's data as profile fields."""
        data = {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "birth_date": self.birth_date.isoformat(),
            "street": self.street,
            "house_number": self.house_number,
            "postcode": self.postcode,
            "city": self.city,
            "birth_name": self.birth_name,
            "title": self.title,
        }
        return {k: v for k, v in data.items() if v}


@dataclass(slots=True)
class Account:
    """A citizen account or a member (administrator / Master-User or user) of an organisation."""

    id: str
    role: Role
    email: str
    created_at: datetime
    status: Status = "pending"
    level: Level = "basic"
    org_id: str | None = None
    profile: dict[str, str] = field(default_factory=dict)
    password_hash: str | None = field(default=None, repr=False)
    security_question: str | None = None
    security_answer_hash: str | None = field(default=None, repr=False)
    wrong_answers: int = 0
    pseudonym_hash: str | None = field(default=None, repr=False)
    pseudonym_enabled: bool = False
    used_service: bool = False
    home_land: str | None = None  # registered with another Land's account (gemeinsam-online)
    office_upgrade_requested: bool = False
    pending_email: str | None = None
    email_change: EmailChange = "none"
    retired_email: str | None = None
    elster_certificate: str | None = None
    deactivated_until: datetime | None = None

    @property
    def live(self) -> bool:
        """Neither deleted nor purged (a pending, locked or deactivated account is live)."""
        return self.status not in ("deleted", "purged")


@dataclass(slots=True)
class Session:
    """A login session; ``last_request`` is the last request that reached the server."""

    id: str
    account_id: str
    last_request: datetime
    via_eid: bool = False
    acting_for: str | None = None  # Berlin Vertretung: the account being represented


@dataclass(slots=True)
class Token:
    """A link sent by e-mail: what it is for, when it was issued and how long it lives."""

    purpose: TokenPurpose
    account_id: str
    issued_at: datetime
    lifetime: timedelta | None
    rules: tuple[str, ...]  # the rule ids that reject the link once it has run out
    used: bool = False


@dataclass(frozen=True, slots=True)
class ServiceOffer:
    """An online service the portal offers, and what using or subscribing to it takes."""

    id: str
    approval: Literal["automatic", "authority"] = "automatic"
    requires_plus: bool = False
    requires_eid_login: bool = False
    allows_other_accounts: bool = False


@dataclass(slots=True)
class Group:
    """A permission group of an organisation: members and the services they get through it."""

    id: str
    name: str
    description: str = ""
    members: set[str] = field(default_factory=set)
    services: set[str] = field(default_factory=set)


@dataclass(slots=True)
class FunctionMailbox:
    """A shared mailbox (Funktionspostfach): open to members of its groups and named persons."""

    id: str
    org_id: str
    name: str
    description: str = ""
    groups: set[str] = field(default_factory=set)
    persons: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Vertretung:
    """Berlin: a deputy acting for a company user, optionally only within a date range."""

    id: str
    principal_id: str
    deputy_id: str
    start: date | None = None
    end: date | None = None

    def active_on(self, day: date) -> bool:
        """Tell whether the deputy may act on this Berlin calendar day (both ends included)."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(slots=True)
class Organisation:
    """A company or authority account (Servicekonto Business / Firmenkonto)."""

    id: str
    name: str
    created_at: datetime
    status: Literal["pending", "active", "deactivating", "deleted", "purged"] = "pending"
    data: dict[str, str] = field(default_factory=dict)
    services: dict[str, bool] = field(default_factory=dict)  # subscribed service -> approved
    admins_may_use_services: bool = False
    grants: dict[str, set[str]] = field(default_factory=dict)  # account -> individual grants
    groups: dict[str, Group] = field(default_factory=dict)
    mailboxes: dict[str, FunctionMailbox] = field(default_factory=dict)
    vertretungen: dict[str, Vertretung] = field(default_factory=dict)
    elster_org_id: str | None = None
    deletion_started_at: datetime | None = None

    @property
    def live(self) -> bool:
        """Not deleted or purged (a deactivating organisation is live until its period ends)."""
        return self.status not in ("deleted", "purged")


@dataclass(frozen=True, slots=True)
class Tombstone:
    """An e-mail address of a deleted account, blocked until ``free_at`` (None: for ever)."""

    email: str
    free_at: datetime | None
    rule: str


class World:
    """Everything one simulated portal knows, plus the checks all workflows share."""

    def __init__(
        self,
        land: LandId,
        clock: VirtualClock,
        readings: Readings | None,
        rules: LandRules | None = None,
        interop_lands: Iterable[str] | None = None,
    ) -> None:
        self.land = land
        self.clock = clock
        self.rules = rules if rules is not None else LandRules(land, readings)
        # the Länder whose accounts the portal's list offers for a login with another account
        listed = interop_lands if interop_lands is not None else REFERENCE_INTEROP_LANDS
        self.interop_lands = frozenset(listed)
        self.outbox = Outbox()
        self.accounts: dict[str, Account] = {}
        self.sessions: dict[str, Session] = {}
        self.tokens: dict[str, Token] = {}
        self.tombstones: list[Tombstone] = []
        self.services: dict[str, ServiceOffer] = {}
        self.orgs: dict[str, Organisation] = {}
        self.sweepers: list[Callable[[], None]] = []
        self.deletion_hooks: list[Callable[[Account], None]] = []
        self.mailbox_access: Callable[[Session | None, Account, str], bool] = _own_mailbox
        self._counters: dict[str, int] = {}
        self.operation: str | None = None  # the operation running now (set by @operation)

    def __repr__(self) -> str:
        return f"World({self.land}, {len(self.accounts)} accounts, {self.clock!r})"

    # --- time, ids, secrets, mail -------------------------------------------------------------

    def now(self) -> datetime:
        """The current UTC instant."""
        return self.clock.instant()

    def new_id(self, prefix: str) -> str:
        """A deterministic id: ``prefix-1``, ``prefix-2``, ..."""
        self._counters[prefix] = self._counters.get(prefix, 0) + 1
        return f"{prefix}-{self._counters[prefix]}"

    def digest(self, salt: str, secret: str) -> str:
        """A salted SHA-256 of a secret (passwords, answers, pseudonyms are stored only so)."""
        data = f"{self.land}\x00{salt}\x00{secret}".encode()
        return hashlib.sha256(data).hexdigest()

    def issue_token(
        self,
        purpose: TokenPurpose,
        account_id: str,
        lifetime: timedelta | None,
        rules: tuple[str, ...] = (),
    ) -> str:
        """Create a link token; deterministic, but not guessable from the account id."""
        serial = self.new_id("token")
        value = f"{serial}-{self.digest(serial, account_id)[:16]}"
        self.tokens[value] = Token(purpose, account_id, self.now(), lifetime, rules)
        return value

    def token(self, value: str, *purposes: TokenPurpose) -> Token:
        """Return an unused token of one of the purposes; reject if it has run out."""
        token = self.tokens.get(value)
        if token is None or token.used or token.purpose not in purposes:
            raise Reject("sim.unknown_token")
        if self.rules.expired(token.issued_at, token.lifetime, self.now()):
            raise Reject(*(token.rules or ("sim.unknown_token",)), detail="the link has expired")
        return token

    def violations(self, field: str, value: str, scope: Scope | None = None) -> tuple[str, ...]:
        """The field rules ``value`` breaks, submitted through the running operation's form."""
        return self.rules.violations(field, value, scope, form=self.operation)

    def send(self, to: str, kind: MailKind, token: str | None = None) -> None:
        """Send a mail at the current time."""
        self.outbox.send(Mail(to=to, kind=kind, sent_at=self.clock.now(), token=token))

    # --- lookups ------------------------------------------------------------------------------

    def account(self, account_id: str) -> Account:
        """A live account by id, or reject."""
        account = self.accounts.get(account_id)
        if account is None or not account.live:
            raise Reject("sim.unknown_id", detail=f"no account {account_id!r}")
        return account

    def org(self, org_id: str | None) -> Organisation:
        """A live organisation by id, or reject."""
        org = self.orgs.get(org_id or "")
        if org is None or not org.live:
            raise Reject("sim.unknown_id", detail=f"no organisation {org_id!r}")
        return org

    def service(self, service_id: str) -> ServiceOffer:
        """An offered service by id, or reject."""
        offer = self.services.get(service_id)
        if offer is None:
            raise Reject("sim.unknown_service", detail=f"no service {service_id!r}")
        return offer

    def members(self, org_id: str) -> list[Account]:
        """The live accounts of an organisation."""
        return [a for a in self.accounts.values() if a.live and a.org_id == org_id]

    def by_email(self, email: str) -> Account | None:
        """The live account whose current e-mail address is ``email`` (:meth:`same_address`)."""
        for account in self.accounts.values():
            if account.live and self.same_address(account.email, email):
                return account
        return None

    def same_address(self, one: str, other: str, *, duplicate_check: bool = False) -> bool:
        """Tell whether two addresses name the same account: compared without regard to case
        (register entry ``email.case``; under ``case-sensitive-local-part`` only the domain
        ignores case). ``duplicate_check``: the comparison a new registration is refused by."""
        if duplicate_check and self.rules.deviates("email_duplicate_case_sensitive"):
            return one == other
        if self.rules.readings["email.case"] == "case-sensitive-local-part":
            local, _, domain = one.rpartition("@")
            local2, _, domain2 = other.rpartition("@")
            return local == local2 and domain.casefold() == domain2.casefold()
        return one.casefold() == other.casefold()

    def email_block(self, email: str) -> tuple[str, ...]:
        """The rule ids that keep ``email`` from a new registration; empty when it is free."""
        for account in self.accounts.values():
            if not account.live:
                continue
            if self.same_address(account.email, email, duplicate_check=True):
                if account.status == "locked":
                    return ("password_reset.locked_email_not_reusable",)
                if account.status == "deactivated":
                    return ("org.deletion.deactivation_period",)
                return ("sim.email_in_use",)
            pending = account.pending_email
            if pending and self.same_address(pending, email, duplicate_check=True):
                return ("sim.email_in_use",)
        now = self.now()
        for stone in self.tombstones:
            same = self.same_address(stone.email, email, duplicate_check=True)
            if same and (stone.free_at is None or now < stone.free_at):
                return (stone.rule,)
        return ()

    # --- sessions -----------------------------------------------------------------------------

    def session_alive(self, session: Session) -> bool:
        """Tell whether a session has not run into the idle timeout (no refresh)."""
        limit = self.rules.duration("session.idle_timeout")
        return not self.rules.expired(session.last_request, limit, self.now())

    def require_session(self, session_id: str) -> tuple[Session, Account]:
        """The live session and its account; a server request, so it resets the idle timer."""
        session = self.sessions.get(session_id)
        if session is None:
            raise Reject("sim.not_logged_in")
        if not self.session_alive(session):
            del self.sessions[session_id]
            raise Reject("session.idle_timeout", detail="the session expired while idle")
        account = self.accounts.get(session.account_id)
        kept = account is not None and account.status == "deleted"
        if (account is None or account.status != "active") and not (
            kept and self.rules.deviates("session_survives_account_deletion")
        ):
            del self.sessions[session_id]
            raise Reject("sim.not_logged_in")
        assert account is not None
        if not self.rules.deviates("idle_timeout_from_login"):
            session.last_request = self.now()
        return session, account

    def live_session_of(self, account_id: str) -> bool:
        """Tell whether the account has a session the portal still considers active."""
        return any(
            s.account_id == account_id and self.session_alive(s) for s in self.sessions.values()
        )

    def end_sessions(self, account_id: str) -> None:
        """Log the account out everywhere."""
        for sid in [sid for sid, s in self.sessions.items() if s.account_id == account_id]:
            del self.sessions[sid]

    def tick(self) -> None:
        """Apply every time-driven change due by now (called lazily at each operation)."""
        for sweep in self.sweepers:
            sweep()


def _own_mailbox(session: Session | None, account: Account, mailbox_id: str) -> bool:
    return mailbox_id == account.id


__all__ = [
    "Account", "FunctionMailbox", "Group", "IdCard", "Organisation", "ServiceOffer", "Session",
    "Token", "Tombstone", "Vertretung", "World",
]  # fmt: skip
