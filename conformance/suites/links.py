"""The links suite: every link a citizen is mailed, used once, twice, late, or after a change.

One state machine over one citizen account: the activation link, password reset (Berlin: a
link after the security question; elsewhere a new password by mail), the e-mail change with
its confirmation link (the ten steps), the password change, and the account's deletion with
what must no longer work afterwards (login, the old session, every link mailed before). Each
link may be used again at any point, so a link that works twice, outlives a password change
or a newer request, or brings a deleted account back is a finding on the rule that mailed it.
"""

from __future__ import annotations

from typing import ClassVar, Final

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from skc.conformance.suites.base import Check, Pairs
from skc.conformance.suites.machine import LockstepMachine, machine_check
from skc.model.lands import LandId
from skc.model.sim.outcome import Outcome

_PASSWORDS: Final = ("$password", "$other_password")
_DELETED: Final = "account.deletion"


class LinksMachine(LockstepMachine):
    """One citizen account and every link it is mailed."""

    EMAIL: Final = "anna@example.org"
    NEW: Final = ("neu1@example.org", "neu2@example.org")
    RULES: ClassVar[tuple[str, ...]] = (
        "registration.activation_completes", "login.email_is_username",
        "password_reset.security_question", "password_reset.new_password_by_mail",
        "email_change.confirm_at_new_address", "email_change.login_with_old_address",
        "email_change.new_address_from_next_login", "email_change.via_profile",
        "account.deletion", "account.email_reuse_delay",
    )  # fmt: skip

    def __init__(self, pairs: Pairs, time_rules: tuple[str, ...] = ()) -> None:
        super().__init__(pairs, time_rules)
        self.password = "$password"  # the one the model last accepted
        self.mailed: list[str] = []  # new passwords mailed on reset (four Länder)
        self.links: list[str] = []  # reset links (Berlin)
        self.confirmations: list[str] = []
        self.current = self.EMAIL  # the address the model knows the account by
        self.pending: dict[str, str] = {}  # confirmation link -> the address it confirms
        self.confirmed: str | None = None  # confirmed, active from the next login (step 8)
        self.deleted = False
        self.register_active_citizen(self.EMAIL)

    def cite(self, rule_id: str) -> str | None:
        """After the deletion every step probes the deletion; else the rule, if stated."""
        return _DELETED if self.deleted else super().cite(rule_id)

    @property
    def addresses(self) -> tuple[str, ...]:
        """Every address the account may answer to, the registered one drawn most often."""
        return (self.current, self.current, self.current, self.EMAIL, *self.NEW)

    def _other_password(self) -> str:
        return _PASSWORDS[1] if self.password == _PASSWORDS[0] else _PASSWORDS[0]

    # --- activation and login -----------------------------------------------------------------

    @rule()
    def reuse_activation_link(self) -> None:
        """Follow the activation link once more."""
        self.do("activate", self.cite("registration.activation_completes"), token="$act")

    @rule(data=st.data())
    def login(self, data: st.DataObject) -> None:
        """Log in with one of the addresses and the current (or a mailed) password."""
        address = data.draw(st.sampled_from(self.addresses), label="address")
        password = data.draw(st.sampled_from((self.password, *self.mailed)), label="password")
        rule_id = "login.email_is_username"
        if address != self.EMAIL:
            rule_id = "email_change.new_address_from_next_login"
        elif self.confirmations:
            rule_id = "email_change.login_with_old_address"
        if password in self.mailed:
            rule_id = "password_reset.new_password_by_mail"
        if self.do("login", self.cite(rule_id), "s", email=address, password=password).accepted:
            self.password = password
            self.mark("session.idle_timeout", "s")
            if self.confirmed is not None and address.casefold() == self.current.casefold():
                self.current, self.confirmed = self.confirmed, None  # steps 8 and 9

    @precondition(lambda self: "s" in self.saved)
    @rule()
    def use_session(self) -> None:
        """Use the newest session (after the deletion it must be dead)."""
        if self.do("ping", self.cite("login.email_is_username"), session="$s").accepted:
            self.mark("session.idle_timeout", "s")

    # --- password reset and change ------------------------------------------------------------

    @rule(data=st.data())
    def request_reset(self, data: st.DataObject) -> None:
        """Forgot the password: Berlin answers the question and gets a link, others a password."""
        address = data.draw(st.sampled_from(self.addresses), label="address")
        if self.pair.rules.stated("password_reset.security_question"):
            rule_id = self.cite("password_reset.security_question")
            self.do("request_password_reset", rule_id, email=address)
            answer = self.do("answer_security_question", rule_id, email=address, answer="$answer")
            if answer.accepted and self.pair.rules.readings["password_reset.berlin_mail"] == (
                "link-to-set"
            ):
                name = self.fresh("reset")
                self.do("mail_token", save=name, to=address, kind="password_reset_link")
                self.links.append(name)
                self.mark("password_reset.security_question", name)
            return
        rule_id = self.cite("password_reset.new_password_by_mail")
        if self.do("request_password_reset", rule_id, email=address).accepted:
            name = self.fresh("mailed")
            self.do("mail_token", save=name, to=address, kind="new_password")
            self.mailed.append(f"${name}")
            self.password = f"${name}"

    @precondition(lambda self: self.pair.rules.stated("password_reset.security_question"))
    @rule(data=st.data(), then=st.sampled_from(("once", "twice", "after_change", "after_newer")))
    def use_reset_link(self, data: st.DataObject, then: str) -> None:
        """Set a new password with a reset link (the newest, or an older or spent one; a new
        one if none was mailed yet): once, twice at once, or after a password change or a
        newer request."""
        if not self.links:
            self.request_reset(data)
            if not self.links:
                return
        link = data.draw(st.sampled_from(self.links), label="link")
        if then == "after_change":
            self.change_password(data)
        elif then == "after_newer":
            self.request_reset(data)
        for _ in range(2 if then == "twice" else 1):
            new = self._other_password()
            rule_id = self.cite("password_reset.security_question")
            if self.do("set_new_password", rule_id, token=f"${link}", new_password=new).accepted:
                self.password = new

    @rule(data=st.data())
    def change_password(self, data: st.DataObject) -> None:
        """Log in and change the password in the profile (Berlin: it voids every reset link)."""
        self.login(data)
        if "s" not in self.saved:
            return
        new = self._other_password()
        outcome = self.do(
            "change_password", self.cite("login.email_is_username"),
            session="$s", old_password=self.password, new_password=new,
        )  # fmt: skip
        if outcome.accepted:
            self.password = new

    # --- e-mail change ------------------------------------------------------------------------

    @rule(i=st.integers(0, 1), data=st.data())
    def request_email_change(self, i: int, data: st.DataObject) -> None:
        """Steps 1-5: log in, enter and repeat a new address."""
        self.login(data)
        if "s" not in self.saved:
            return
        rule_id = "email_change.confirm_at_new_address"
        if not self.pair.rules.stated(rule_id):
            rule_id = "email_change.via_profile"
        new = self.NEW[i]
        outcome = self.do(
            "request_email_change", self.cite(rule_id),
            session="$s", new_email=new, repeated=new,
        )  # fmt: skip
        if not outcome.accepted:
            return
        if not self.pair.rules.stated("email_change.confirm_at_new_address"):
            self.current = new  # changed at once (Berlin describes no confirmation)
            return
        name = self.fresh("confirm")
        self.do("mail_token", save=name, to=new, kind="email_change_confirm")
        self.confirmations.append(name)
        self.pending[name], self.confirmed = new, None

    @precondition(lambda self: bool(self.confirmations))
    @rule(data=st.data(), twice=st.booleans())
    def confirm_email_change(self, data: st.DataObject, twice: bool) -> None:
        """Step 6: follow a confirmation link (the newest, an older, or a spent one), and
        perhaps at once again."""
        link = data.draw(st.sampled_from(self.confirmations), label="link")
        for _ in range(2 if twice else 1):
            rule_id = self.cite("email_change.confirm_at_new_address")
            if self.do("confirm_email_change", rule_id, token=f"${link}").accepted:
                self.confirmed = self.pending[link]

    # --- deletion -----------------------------------------------------------------------------

    @precondition(lambda self: "s" in self.saved and not self.deleted)
    @rule(now=st.sampled_from((True, False, False, False)))
    def delete(self, now: bool) -> None:
        """Delete the account (one time in four: it ends what else the example can probe);
        from then on nothing of it may work."""
        if not now:
            return
        outcome: Outcome = self.do("delete_account", _DELETED, session="$s")
        self.deleted = outcome.accepted
        if self.deleted:
            self.mark("account.email_reuse_delay", "address")

    @precondition(lambda self: self.deleted)
    @rule(data=st.data())
    def register_again(self, data: st.DataObject) -> None:
        """Ask whether the deleted account's address is free again (the reuse delay)."""
        address = data.draw(st.sampled_from(self.addresses), label="address")
        self.do("email_available", "account.email_reuse_delay", email=address)


def link_checks(land: LandId) -> list[Check]:
    """The links state machine, with the Land's reuse delay and link lifetimes."""
    limits = (
        "registration.activation_link_lifetime", "account.email_reuse_delay",
        "password_reset.security_question", "session.idle_timeout",
    )  # fmt: skip
    return [machine_check(land, "links", LinksMachine, limits, stated_only=True)]


__all__ = ["LinksMachine", "link_checks"]
