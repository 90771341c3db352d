"""The eID suite: one state machine over the eID flows of a Land, portal and model in lock-step.

Citizens register with the eID (with or without leaving "Pseudonym" selected) or with a
password and upgrade with the card; they log in with the card (the right PIN or a wrong one,
so the card's retry counter suspends and blocks it as the steps go), with their password, and
out; they switch the eID login off and on, synchronise their data from their own card or
another person's, and reset their password. Cards that cannot be used at all (expired,
eID function switched off) are presented too. Every card step runs the shared eID step
(:func:`~skc.conformance.adapters.eid.present_card`) on each side's own virtual cards, so each
example starts with fresh cards and counters.

Where a step's effect only shows later, the machine looks at once and cites the rule there:
an eID login right after a registration (was the pseudonym linked?), after switching the eID
login off or on, and after a password reset; whether the session lives after an upgrade.
Rules the Land does not state are not cited (``stated_only``), and an operation the Land does
not offer is compared as a rejection like any other.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from skc.conformance.suites.base import Check, Pairs
from skc.conformance.suites.machine import CITIZEN, LockstepMachine, machine_check
from skc.model.catalog import load_catalog
from skc.model.lands import LandId

# Test cards of holders who can use them, and cards that cannot be used at all.
HOLDERS: Final = ("erika-mustermann", "max-beispiel", "eat-holder")
UNUSABLE: Final = ("expired-card", "eid-switched-off")
_LINKS: Final = "eid.login_requires_pseudonym"
_PIN: Final = "eid.pin_required"
_SYNC: Final = "eid.data_sync"
_TOGGLE: Final = "eid.pseudonym_toggle"
_RESET: Final = "eid.login_survives_password_reset"
_NEEDS: Final = "eid.registration_needs_email_and_password"
_REGISTER: Final = {
    "password": "$password", "salutation": "Frau",
    "security_question": CITIZEN["security_question"], "security_answer": "$answer",
}  # fmt: skip


class EidMachine(LockstepMachine):
    """Citizen accounts with the eID: registration, upgrade, logins, the pseudonym, sync."""

    RULES: ClassVar[tuple[str, ...]] = (
        "eid.registration_yields_plus", "registration.plus_data_from_eid",
        "eid.pseudonym_choice_at_registration", "eid.pseudonym_always_transmitted", _NEEDS,
        _LINKS, _PIN, _TOGGLE, _SYNC, "eid.new_card_must_match_profile",
        "eid.level2_kept_after_sync", "eid.password_login_remains", _RESET, "upgrade.via_eid",
        "upgrade.logs_out", "logout.ends_session",
    )  # fmt: skip

    def __init__(self, pairs: Pairs, time_rules: tuple[str, ...] = ()) -> None:
        super().__init__(pairs, time_rules)
        self.holder: dict[str, str | None] = {}  # address -> its card holder (None: no card)
        self.sessions: dict[str, str] = {}  # saved session -> address ("" when unknown)
        self.register_with_password()

    def _first(self, *rule_ids: str) -> str | None:
        return next((r for r in map(self.cite, rule_ids) if r is not None), None)

    def _address(self) -> str:
        return f"{self.fresh('eid')}@example.org"

    def _accounts(self, *, plus: bool) -> list[str]:
        """Addresses of accounts with (``plus``) or without a card."""
        return sorted(a for a, h in self.holder.items() if bool(h) is plus)

    def _eid_login(self, rule_id: str | None, card: str, *, right_pin: bool = True) -> None:
        name = self.fresh("e")
        pin = "$pin" if right_pin else "$wrong_pin"
        outcome = self.do("login_with_eid", rule_id, name, card=card, pin=pin)
        if outcome.accepted:
            owner = [a for a, h in self.holder.items() if h == card]
            self.sessions[name] = owner[0] if len(owner) == 1 else ""

    def _login(self, address: str) -> str | None:
        """Log in with the password; the saved session, or None when refused."""
        rule_id = self.cite("eid.password_login_remains") if self.holder[address] else None
        name = self.fresh("s")
        outcome = self.do(
            "login", rule_id or "login.email_is_username", name, email=address, password="$password"
        )
        if not outcome.accepted:
            return None
        self.sessions[name] = address
        return name

    @rule(card=st.sampled_from(HOLDERS + UNUSABLE), release=st.booleans())
    def register_with_eid(self, card: str, release: bool) -> None:
        """Register with the card, leaving "Pseudonym" selected or not; then log in with it."""
        address = self._address()
        account = self.fresh("acc")
        plus = self._first("eid.registration_yields_plus", "registration.plus_data_from_eid")
        outcome = self.do(
            "register_citizen_with_eid", plus, account,
            email=address, card=card, release_pseudonym=release, **_REGISTER,
        )  # fmt: skip
        if not outcome.accepted:
            return
        self.holder[address] = card
        self.do("mail_token", save="act", to=address, kind="activation")
        self.do("activate", "registration.activation_completes", token="$act")
        self.do("account_level", plus, account_id=f"${account}")
        self._linked(card, release)

    def _linked(self, card: str, release: bool) -> None:
        """Log in with the card just registered or upgraded with: was its pseudonym linked?"""
        choice = "eid.pseudonym_choice_at_registration"
        linked = self._first("eid.pseudonym_always_transmitted", choice) if not release else None
        self._eid_login(linked or self._first(choice, _LINKS), card)

    @precondition(lambda self: self.pair.rules.stated(_NEEDS))
    @rule(left_out=st.sampled_from(("email", "password")))
    def register_with_eid_without(self, left_out: str) -> None:
        """Register with the card but without an e-mail address or without a password."""
        args: dict[str, Any] = {**_REGISTER, "email": self._address(), "card": HOLDERS[0]}
        args[left_out] = ""
        if self.do("register_citizen_with_eid", _NEEDS, **args).accepted:
            self.holder[str(args["email"])] = HOLDERS[0]

    @rule()
    def register_with_password(self) -> None:
        """Register a plain account (to upgrade later) and activate it."""
        address = self._address()
        self.register_active_citizen(address, self.fresh("acc"))
        self.holder[address] = None

    @precondition(lambda self: bool(self.holder))
    @rule(data=st.data())
    def login(self, data: st.DataObject) -> None:
        """Log in with e-mail address and password (also an account with eID login)."""
        self._login(data.draw(st.sampled_from(sorted(self.holder)), label="account"))

    @rule(card=st.sampled_from(HOLDERS + UNUSABLE), right_pin=st.booleans())
    def login_with_eid(self, card: str, right_pin: bool) -> None:
        """Log in with a card and the right or a wrong PIN (the counter runs down)."""
        self._eid_login(_LINKS if right_pin else self.cite(_PIN), card, right_pin=right_pin)

    @precondition(lambda self: bool(self._accounts(plus=False)))
    @rule(data=st.data(), card=st.sampled_from(HOLDERS + UNUSABLE), release=st.booleans())
    def upgrade(self, data: st.DataObject, card: str, release: bool) -> None:
        """Log in to a plain account and upgrade it with a card; the session ends where the
        text says so, and the card logs in if its pseudonym was linked."""
        address = data.draw(st.sampled_from(self._accounts(plus=False)), label="account")
        session = self._login(address)
        if session is None:
            return
        outcome = self.do(
            "upgrade_with_eid", self.cite("upgrade.via_eid"),
            session=f"${session}", card=card, release_pseudonym=release,
        )  # fmt: skip
        if not outcome.accepted:
            return
        self.holder[address] = card
        logs_out = self.cite("upgrade.logs_out")
        if logs_out is not None:
            self.do("session_alive", logs_out, session=f"${session}")
        self._linked(card, release)

    @precondition(lambda self: bool(self._accounts(plus=True)))
    @rule(data=st.data(), other=st.sampled_from((True, False)), release=st.booleans())
    def sync(self, data: st.DataObject, other: bool, release: bool) -> None:
        """Log in to an account with a card and take over the data of another person's card
        or of the holder's own."""
        address = data.draw(st.sampled_from(self._accounts(plus=True)), label="account")
        own = str(self.holder[address])
        card = next(h for h in HOLDERS if h != own) if other else own
        session = self._login(address)
        if session is None:
            return
        rule_id = self.cite("eid.new_card_must_match_profile") if other else None
        outcome = self.do(
            "sync_eid", rule_id or self.cite(_SYNC),
            session=f"${session}", card=card, release_pseudonym=release,
        )  # fmt: skip
        if not outcome.accepted:
            return
        self.holder[address] = card
        account = self.fresh("acc")
        self.do("account_id_of", save=account, email=address)
        self.do("profile", self.cite(_SYNC), account_id=f"${account}")
        self.do("account_level", self.cite("eid.level2_kept_after_sync"), account_id=f"${account}")

    @precondition(lambda self: bool(self._accounts(plus=True)))
    @rule(data=st.data(), enabled=st.booleans())
    def switch_eid_login(self, data: st.DataObject, enabled: bool) -> None:
        """Log in to an account with a card, switch its eID login off or on, then log in
        with the card."""
        address = data.draw(st.sampled_from(self._accounts(plus=True)), label="account")
        session = self._login(address)
        if session is None:
            return
        toggle = self.cite(_TOGGLE)
        self.do("set_pseudonym_enabled", toggle, session=f"${session}", enabled=enabled)
        self._eid_login(toggle, str(self.holder[address]))

    @precondition(lambda self: bool(self._accounts(plus=True)) and self.pair.rules.stated(_RESET))
    @rule(data=st.data())
    def reset_password(self, data: st.DataObject) -> None:
        """ "Passwort vergessen?" for an account with a card; then log in with the card."""
        address = data.draw(st.sampled_from(self._accounts(plus=True)), label="account")
        self.do("request_password_reset", _RESET, email=address)
        self._eid_login(_RESET, str(self.holder[address]))

    @precondition(lambda self: bool(self.sessions))
    @rule(data=st.data())
    def logout(self, data: st.DataObject) -> None:
        """Log out; the session is dead afterwards."""
        session = data.draw(st.sampled_from(sorted(self.sessions)), label="session")
        self.do("logout", "logout.ends_session", session=f"${session}")
        self.do("session_alive", "logout.ends_session", session=f"${session}")
        del self.sessions[session]


def eid_checks(land: LandId) -> list[Check]:
    """The eID state machine, where the Land's text describes the eID login."""
    if not load_catalog().stated(land, _LINKS):
        return []
    # every card step runs PACE on each side: a quarter of the profile's examples, 12 steps
    return [machine_check(land, "eid", EidMachine, stated_only=True, share=1 / 4, max_steps=12)]


__all__ = ["HOLDERS", "UNUSABLE", "EidMachine", "eid_checks"]
