"""The stateful suites: hypothesis state machines that run portal and model in lock-step.

One machine per workflow (account lifecycle, mailbox, organisation administration; links and
sessions in :mod:`~skc.conformance.suites.links` and :mod:`~skc.conformance.suites.sessions`).
Every rule of a machine emits :class:`~skc.conformance.steps.Step` objects through a lock-step
pair, so the portal and the model are compared after every step, and a failure's example is
the minimal step log, a script anyone can read and replay. Clock jumps land one second before
and one second after each time limit the Land states, counted from now or from an event that
starts the limit (:meth:`LockstepMachine.mark`: a move to the trash, a mail sent, a request),
so a portal that counts from another event is caught. The base class and the check maker live
in :mod:`~skc.conformance.suites.machine`.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from skc.conformance.suites.base import Check, Pairs
from skc.conformance.suites.machine import (
    CITIZEN,
    MAIL_CAPTURE,
    MINOR,
    LockstepMachine,
    machine_check,
)
from skc.model.lands import LandId
from skc.model.sim.outcome import Outcome
from skc.model.sim.scenarios import ADULT, PHONE


class LifecycleMachine(LockstepMachine):
    """Citizen accounts: register, activate, log in and out, idle, delete."""

    RULES: ClassVar[tuple[str, ...]] = (
        "registration.consent_required", "registration.activation_link_lifetime",
        "login.email_is_username", "account.deletion", "session.idle_timeout",
        "account.email_reuse_delay", "logout.not_on_browser_close",
    )  # fmt: skip
    EMAILS: Final = ("eins@example.org", "zwei@example.org")

    @rule(i=st.integers(0, 1), consent=st.booleans())
    def register(self, i: int, consent: bool) -> None:
        """Register with or without the consent declaration."""
        outcome = self.do(
            "register_citizen", "registration.consent_required",
            email=self.EMAILS[i], password="$password", consent=consent, **CITIZEN,
        )  # fmt: skip
        if outcome.accepted:
            self.mark("registration.activation_link_lifetime", self.EMAILS[i])

    @rule(i=st.integers(0, 1))
    def activate(self, i: int) -> None:
        """Follow the newest activation link."""
        token = f"token{i}"
        self.do("mail_token", save=token, to=self.EMAILS[i], kind="activation")
        self.do("activate", "registration.activation_link_lifetime", token=f"${token}")

    @rule(i=st.integers(0, 1))
    def login(self, i: int) -> None:
        """Log in with e-mail address and password."""
        outcome = self.do(
            "login", "login.email_is_username", f"s{i}",
            email=self.EMAILS[i], password="$password",
        )  # fmt: skip
        if outcome.accepted:
            self.mark("session.idle_timeout", f"s{i}")

    @precondition(lambda self: bool({"s0", "s1"} & self.saved))
    @rule(data=st.data())
    def act(self, data: st.DataObject) -> None:
        """Use, leave (log out, or close the browser) or delete a logged-in account."""
        session = data.draw(st.sampled_from(sorted({"s0", "s1"} & self.saved)), label="session")
        ops = ("ping", "logout", "delete_account", "close_browser")
        op = data.draw(st.sampled_from(ops), label="op")
        rule_id = {
            "delete_account": "account.deletion",
            "close_browser": self.cite("logout.not_on_browser_close"),
        }.get(op, "session.idle_timeout")
        if self.do(op, rule_id, session=f"${session}").accepted and op == "ping":
            self.mark("session.idle_timeout", session)

    @rule(i=st.integers(0, 1))
    def check_address(self, i: int) -> None:
        """Ask whether a new registration may use the address."""
        self.do("email_available", "account.email_reuse_delay", email=self.EMAILS[i])


class MailboxMachine(LockstepMachine):
    """A citizen's mailbox: answers arrive, are read, trashed, restored and purged."""

    EMAIL: Final = "post@example.org"
    RULES: ClassVar[tuple[str, ...]] = (
        "registration.activation_completes", "login.email_is_username", "mailbox.unread_count",
        "mailbox.trash_blocked_by_unread", "mailbox.restore_from_trash",
        "mailbox.trash_retention",
    )  # fmt: skip

    def __init__(self, pairs: Pairs, time_rules: tuple[str, ...] = ()) -> None:
        super().__init__(pairs, time_rules)
        self.vorgaenge: list[str] = []
        self.messages: list[str] = []
        self.register_active_citizen(self.EMAIL)
        self.login()

    @rule()
    def login(self) -> None:
        """Log in (again)."""
        self.do("login", "login.email_is_username", "s", email=self.EMAIL, password="$password")
        self.mark("session.idle_timeout", "s")

    def request(self, op: str, rule_id: str, **args: Any) -> Outcome:
        """A step with the session: a request that restarts the idle timer when accepted."""
        outcome = self.do(op, rule_id, session="$s", **args)
        if outcome.accepted:
            self.mark("session.idle_timeout", "s")
        return outcome

    @rule()
    def open_vorgang(self) -> None:
        """Authority: open a Vorgang in the citizen's mailbox with a first answer."""
        name = self.fresh("v")
        self.do("start_vorgang", save=name, mailbox_id="$acc", title="Antrag")
        self.vorgaenge.append(name)
        message = self.fresh("m")
        self.do("deliver_message", save=message, vorgang_id=f"${name}", subject="Eingang")
        self.messages.append(message)
        self.mark("mailbox.answer_retention", message)

    @precondition(lambda self: bool(self.vorgaenge))
    @rule(data=st.data())
    def answer(self, data: st.DataObject) -> None:
        """Authority: send an answer in a Vorgang."""
        vorgang = data.draw(st.sampled_from(self.vorgaenge), label="vorgang")
        name = self.fresh("m")
        self.do("deliver_message", save=name, vorgang_id=f"${vorgang}", subject="Bescheid")
        self.messages.append(name)
        self.mark("mailbox.answer_retention", name)

    @precondition(lambda self: bool(self.messages))
    @rule(data=st.data())
    def read(self, data: st.DataObject) -> None:
        """Open a message."""
        message = data.draw(st.sampled_from(self.messages), label="message")
        self.request("read_message", "mailbox.unread_count", message_id=f"${message}")
        self.do("message_exists", self.cite("mailbox.answer_retention"), message_id=f"${message}")

    @precondition(lambda self: bool(self.vorgaenge))
    @rule(data=st.data())
    def move(self, data: st.DataObject) -> None:
        """Move a Vorgang to the trash or back."""
        vorgang = data.draw(st.sampled_from(self.vorgaenge), label="vorgang")
        op = data.draw(st.sampled_from(("trash_vorgang", "restore_vorgang")), label="op")
        rule_id = (
            "mailbox.trash_blocked_by_unread" if op == "trash_vorgang"
            else "mailbox.restore_from_trash"
        )  # fmt: skip
        if self.request(op, rule_id, vorgang_id=f"${vorgang}").accepted:
            if op == "trash_vorgang":
                self.mark("mailbox.trash_retention", vorgang)
            else:
                self.anchors.pop(("mailbox.trash_retention", vorgang), None)

    @precondition(lambda self: bool(self.vorgaenge))
    @rule(data=st.data())
    def look(self, data: st.DataObject) -> None:
        """Compare what the mailbox shows: existence, unread count, the trash."""
        vorgang = data.draw(st.sampled_from(self.vorgaenge), label="vorgang")
        self.do("vorgang_exists", "mailbox.trash_retention", vorgang_id=f"${vorgang}")
        self.request("unread_count", "mailbox.unread_count")
        self.request("list_vorgaenge", "mailbox.restore_from_trash", folder="trash")


class OrganisationMachine(LockstepMachine):
    """Organisation administration: administrators, users, services and their limits."""

    ADMIN: Final = "admin@example.org"
    RULES: ClassVar[tuple[str, ...]] = (
        "org.admins.adults_only", "registration.activation_completes", "login.email_is_username",
        "org.admins.max", "org.users.activation_link", "org.admins.last_admin_undeletable",
        "org.services.assign_after_approval", "org.users.set_password_on_activation",
        "org.users.email_change_confirmation", "org.admins.services_toggle",
    )  # fmt: skip
    USER_LINKS: Final = ("org.user_activation_link_lifetime", "org.user_consent_window")

    def __init__(self, pairs: Pairs, time_rules: tuple[str, ...] = ()) -> None:
        super().__init__(pairs, time_rules)
        self.members: list[str] = ["a0"]
        self.admins: set[str] = {"a0"}  # members the portal took as administrators
        self.do("offer_service", service_id="svc-a")
        self.do(
            "register_organisation", "org.admins.adults_only", "org",
            org_name="Muster GmbH", admin_email=self.ADMIN, admin_password="$password",
            admin_first_name="Erika", admin_last_name="Muster",
            admin_birth_date=ADULT.isoformat(), services=["svc-a"], admin_phone=PHONE,
        )  # fmt: skip
        self.do("mail_token", save="token", to=self.ADMIN, kind="activation")
        self.do("activate", "registration.activation_completes", token="$token")
        self.login()
        self.do("account_id_of", save="a0", email=self.ADMIN)

    @rule()
    def login(self) -> None:
        """Log in (again) as the first administrator."""
        self.do("login", "login.email_is_username", "s", email=self.ADMIN, password="$password")
        self.mark("session.idle_timeout", "s")

    @rule(admin=st.booleans(), adult=st.booleans())
    def add_member(self, admin: bool, adult: bool) -> None:
        """Add a user or an administrator, of age or not."""
        name = self.fresh("u")
        birth = (ADULT if adult else MINOR).isoformat()
        rule_id = "org.admins.max" if admin else "org.users.activation_link"
        outcome = self.do(
            "add_org_user", rule_id, name, session="$s", email=f"{name}@example.org",
            first_name="Max", last_name="Mitarbeiter", admin=admin, phone=PHONE,
            birth_date=birth, password="$password",
        )  # fmt: skip
        self.members.append(name)
        if outcome.accepted:
            if admin:
                self.admins.add(name)
            self.mark("session.idle_timeout", "s")
            for limit in self.USER_LINKS:
                self.mark(limit, name)

    @precondition(lambda self: self.links_to("org.users.email_change_confirmation"))
    @rule(data=st.data(), twice=st.booleans())
    def change_member_email(self, data: st.DataObject, twice: bool) -> None:
        """Give a member a new address; the member confirms it by the link mailed to it (and
        perhaps once more: a link works once)."""
        rule_id = "org.users.email_change_confirmation"
        member = data.draw(st.sampled_from(self.members[1:]), label="member")
        new = self.fresh("neu") + "@example.org"
        changed = self.do(
            "change_user_email", rule_id, session="$s", user_id=f"${member}", new_email=new
        )
        if not changed.accepted:
            return
        self.do("mail_token", save=f"confirm_{member}", to=new, kind="email_change_confirm")
        for _ in range(2 if twice else 1):
            self.do("confirm_email_change", rule_id, token=f"$confirm_{member}")
        self.do("account_id_of", rule_id, email=new)

    def after_advance(self) -> None:
        """A member whose link runs out is deleted then, not earlier: compare the status of
        every member whose link window is running."""
        for limit, member in sorted(self.anchors):
            if limit in self.USER_LINKS:
                self.do("account_status", limit, account_id=f"${member}")

    def links_to(self, rule_id: str) -> bool:
        """Whether there are members, the Land mails them links for ``rule_id``, and the
        harness can read the mail."""
        mail = self.pair.profile.has(MAIL_CAPTURE)
        return len(self.members) > 1 and mail and self.pair.rules.stated(rule_id)

    @precondition(lambda self: self.links_to("org.users.activation_link"))
    @rule(data=st.data())
    def follow_member_link(self, data: st.DataObject) -> None:
        """A member follows the newest link mailed to them and sets a password (once more
        if they did already: a link works once)."""
        member = data.draw(st.sampled_from(self.members[1:]), label="member")
        token = f"link_{member}"
        self.do("mail_token", save=token, to=f"{member}@example.org", kind="activation")
        # an expired link is attributed to the window the model names; a reused one to this
        self.do(
            "activate_org_user", "org.users.activation_link",
            token=f"${token}", password="$other_password",
        )  # fmt: skip

    @rule(data=st.data())
    def delete_member(self, data: st.DataObject) -> None:
        """Delete a member, possibly the last administrator."""
        member = data.draw(st.sampled_from(self.members), label="member")
        self.do(
            "delete_org_user", "org.admins.last_admin_undeletable",
            session="$s", user_id=f"${member}",
        )  # fmt: skip

    @precondition(lambda self: len(self.members) > 1)
    @rule(data=st.data())
    def grant(self, data: st.DataObject) -> None:
        """Grant the service to a member and compare the member's services."""
        member = data.draw(st.sampled_from(self.members[1:]), label="member")
        granted = "org.services.assign_after_approval"
        self.do("grant_service", granted, session="$s", user_id=f"${member}", service_id="svc-a")
        # an administrator's services follow the admins' switch too (off by default)
        toggle = self.cite("org.admins.services_toggle") if member in self.admins else None
        self.do("effective_services", toggle or granted, account_id=f"${member}")

    @rule()
    def approve(self) -> None:
        """Authority: approve the organisation's service."""
        self.do("approve_service", org_id="$org", service_id="svc-a")


MACHINES: Final[dict[str, type[LockstepMachine]]] = {
    "lifecycle": LifecycleMachine,
    "mailbox": MailboxMachine,
    "organisations": OrganisationMachine,
}
_TIME_RULES: Final[dict[str, tuple[str, ...]]] = {
    "lifecycle": (
        "session.idle_timeout", "registration.activation_link_lifetime",
        "account.email_reuse_delay",
    ),
    "mailbox": ("session.idle_timeout", "mailbox.trash_retention", "mailbox.answer_retention"),
    "organisations": (
        "session.idle_timeout", "org.admin_activation_link_lifetime",
        "org.user_activation_link_lifetime", "org.user_consent_window",
    ),
}  # fmt: skip


def stateful_checks(land: LandId) -> list[Check]:
    """One state-machine check per workflow."""
    return [machine_check(land, suite, MACHINES[suite], _TIME_RULES[suite]) for suite in MACHINES]


__all__ = [
    "CITIZEN", "MACHINES", "LifecycleMachine", "LockstepMachine", "MailboxMachine",
    "OrganisationMachine", "machine_check", "stateful_checks",
]  # fmt: skip
