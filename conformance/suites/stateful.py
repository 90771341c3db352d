"""The stateful suites: hypothesis state machines that run portal and model in lock-step.

One machine per workflow (account lifecycle, mailbox, organisation administration; links and
sessions in :mod:`~skc.conformance.suites.links` and :mod:`~skc.conformance.suites.sessions`).
Every rule of a machine emits :class:`~skc.conformance.steps.Step` objects through a lock-step
pair, so the portal and the model are compared after every step, and a failure's example is
the minimal step log, a script anyone can read and replay. Clock jumps land one second before
and one second after each time limit the Land states, counted from now or from an event that
starts the limit (:meth:`LockstepMachine.mark`: a move to the trash, a mail sent, a request),
so a portal that counts from another event is caught.

The machine classes are fixed: a run passes its maker of lock-step pairs and its time limits
to each instance through a factory, so Hypothesis' per-class caches hold three classes for
the whole process, never a class per run with every pair it made (memory stays flat from
check to check). Each instance's pair is closed in ``teardown``, at the end of its example.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, ClassVar, Final

from hypothesis import seed
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    precondition,
    rule,
    run_state_machine_as_test,
)

from skc.conformance.lockstep import Lockstep
from skc.conformance.profile import Capability
from skc.conformance.steps import Step
from skc.conformance.suites.base import Check, CheckContext, CheckResult, Pairs, guarded
from skc.model.catalog import load_catalog
from skc.model.lands import LandId
from skc.model.sim.outcome import Outcome
from skc.model.sim.scenarios import ADULT, PHONE, QUESTION

MAIL_CAPTURE: Final = Capability.MAIL_CAPTURE
MINOR: Final = date(2010, 6, 1)  # under 18 on the simulation's start date (2024-03-04)
_OFFSETS: Final = (-1, 1)
CITIZEN: Final = {
    "first_name": "Anna", "last_name": "Muster", "salutation": "Frau",
    "security_question": QUESTION, "security_answer": "$answer",
}  # fmt: skip


class LockstepMachine(RuleBasedStateMachine):
    """A state machine whose steps run on a fresh lock-step pair (one per example)."""

    # Every rule id a step of the machine cites (besides the Land's time limits).
    RULES: ClassVar[tuple[str, ...]] = ()

    def __init__(self, pairs: Pairs, time_rules: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.time_rules = time_rules
        self.saved: set[str] = set()
        self.serial = 0
        self.elapsed = timedelta()  # how far this example has moved the clock
        self.anchors: dict[tuple[str, str], timedelta] = {}  # (limit, what) -> when it started
        self.pair: Lockstep = pairs()

    def teardown(self) -> None:
        """Close the example's pair: delete its accounts, close both connections."""
        self.pair.close()

    def do(
        self, op: str, rule_id: str | None = None, save: str | None = None, **args: Any
    ) -> Outcome:
        """Run one step in lock-step (a disagreement raises StepFailure); the model's outcome."""
        if op == "advance":
            self.elapsed += self._delta(args)
        _target, model = self.pair.run(Step(do=op, args=args, rule=rule_id, save=save))
        if save:
            self.saved.add(save)
        if op == "advance":
            self.after_advance()
        return model

    def after_advance(self) -> None:
        """Look at what the time that passed may have ended (a machine's own checks)."""

    def _delta(self, args: dict[str, Any]) -> timedelta:
        if "limit_of" in args:
            limit = self.pair.rules.duration(str(args["limit_of"])) or timedelta()
            return max(limit + timedelta(seconds=int(args.get("offset_seconds", 0))), timedelta())
        units = ("days", "hours", "minutes", "seconds")
        return timedelta(**{unit: int(args.get(unit, 0)) for unit in units})

    def cite(self, rule_id: str) -> str | None:
        """The rule, if the Land states it (a step cites no rule its Land does not state)."""
        return rule_id if self.pair.rules.stated(rule_id) else None

    def mark(self, limit: str, what: str) -> None:
        """Note that an event starting the time limit ``limit`` happened now (``what`` names
        the thing it runs for: a Vorgang, a link, a session); a later mark replaces it."""
        if self.pair.rules.duration(limit):
            self.anchors[(limit, what)] = self.elapsed

    @precondition(lambda self: bool(self.anchors))
    @rule(data=st.data())
    def jump_past_an_event(self, data: st.DataObject) -> None:
        """Move the clock to one second before or after a limit counted from its event."""
        anchor = data.draw(st.sampled_from(sorted(self.anchors)), label="since")
        offset = data.draw(st.sampled_from(_OFFSETS), label="offset")
        limit = self.pair.rules.duration(anchor[0]) or timedelta()
        due = self.anchors[anchor] + limit + timedelta(seconds=offset) - self.elapsed
        if due > timedelta():
            self.do("advance", anchor[0], seconds=int(due.total_seconds()))

    def fresh(self, prefix: str) -> str:
        """A new variable name."""
        self.serial += 1
        return f"{prefix}{self.serial}"

    @precondition(lambda self: bool(self.time_rules))
    @rule(data=st.data())
    def jump_to_a_limit(self, data: st.DataObject) -> None:
        """Move the clock to one second before or after a time limit the Land states."""
        limit = data.draw(st.sampled_from(self.time_rules), label="limit")
        offset = data.draw(st.sampled_from(_OFFSETS), label="offset")
        self.do("advance", limit, limit_of=limit, offset_seconds=offset)

    @rule(minutes=st.sampled_from((1, 5, 60)))
    def wait(self, minutes: int) -> None:
        """Let a little time pass."""
        self.do("advance", minutes=minutes)


class LifecycleMachine(LockstepMachine):
    """Citizen accounts: register, activate, log in and out, idle, delete."""

    RULES: ClassVar[tuple[str, ...]] = (
        "registration.consent_required", "registration.activation_link_lifetime",
        "login.email_is_username", "account.deletion", "session.idle_timeout",
        "account.email_reuse_delay",
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
        """Use, leave or delete a logged-in account."""
        session = data.draw(st.sampled_from(sorted({"s0", "s1"} & self.saved)), label="session")
        op = data.draw(st.sampled_from(("ping", "logout", "delete_account")), label="op")
        rule_id = "account.deletion" if op == "delete_account" else "session.idle_timeout"
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
        self.do(
            "register_citizen", "registration.activation_completes", "acc",
            email=self.EMAIL, password="$password", **CITIZEN,
        )  # fmt: skip
        self.do("mail_token", save="token", to=self.EMAIL, kind="activation")
        self.do("activate", "registration.activation_completes", token="$token")
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
    )  # fmt: skip
    USER_LINKS: Final = ("org.user_activation_link_lifetime", "org.user_consent_window")

    def __init__(self, pairs: Pairs, time_rules: tuple[str, ...] = ()) -> None:
        super().__init__(pairs, time_rules)
        self.members: list[str] = ["a0"]
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
            self.mark("session.idle_timeout", "s")
            for limit in self.USER_LINKS:
                self.mark(limit, name)

    def after_advance(self) -> None:
        """A member whose link runs out is deleted then, not earlier: compare the status of
        every member whose link window is running."""
        for limit, member in sorted(self.anchors):
            if limit in self.USER_LINKS:
                self.do("account_status", limit, account_id=f"${member}")

    @precondition(lambda self: len(self.members) > 1 and self.pair.profile.has(MAIL_CAPTURE))
    @rule(data=st.data())
    def follow_member_link(self, data: st.DataObject) -> None:
        """A member follows the newest link mailed to them and sets a password (once more
        if they did already: a link works once)."""
        member = data.draw(st.sampled_from(self.members[1:]), label="member")
        if not self.pair.rules.stated("org.users.activation_link"):
            return
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
        self.do(
            "grant_service", "org.services.assign_after_approval",
            session="$s", user_id=f"${member}", service_id="svc-a",
        )  # fmt: skip
        self.do("effective_services", account_id=f"${member}")

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


def machine_check(
    land: LandId,
    suite: str,
    machine: type[LockstepMachine],
    time_rules: tuple[str, ...] = (),
    *,
    stated_only: bool = False,
) -> Check:
    """A check that runs ``machine`` with the time limits of ``time_rules`` the Land states.

    ``stated_only`` keeps out of the check's rules those the Land does not state (a machine
    that runs in every Land but probes, say, Berlin's reset link only there)."""
    catalog = load_catalog()
    limits = tuple(
        r
        for r in time_rules
        if catalog.stated(land, r) and any(v for v in catalog.params(land, r).values())
    )
    cited = [r for r in machine.RULES if not stated_only or catalog.stated(land, r)]
    rules = tuple(dict.fromkeys((*cited, *limits)))

    def run(ctx: CheckContext) -> CheckResult:
        def body(pairs: Pairs) -> None:
            def factory() -> LockstepMachine:
                return machine(pairs, limits)

            # documented to take any factory; annotated as taking a class
            machine_test = seed(ctx.seed)(factory)
            run_state_machine_as_test(machine_test, settings=ctx.settings)  # type: ignore[arg-type]

        return guarded(ctx, body, (), f"{suite}/state-machine")

    return Check(suite, "state-machine", rules, run)


def stateful_checks(land: LandId) -> list[Check]:
    """One state-machine check per workflow."""
    return [machine_check(land, suite, MACHINES[suite], _TIME_RULES[suite]) for suite in MACHINES]


__all__ = [
    "MACHINES", "LifecycleMachine", "LockstepMachine", "MailboxMachine", "OrganisationMachine",
    "machine_check", "stateful_checks",
]  # fmt: skip
