"""The timing suite: every stated time limit, probed from the event that starts it.

A limit is counted from one event (the move to the trash, the last request, the mail with the
link), but a portal may count from another that happened earlier (the Vorgang's creation, the
login, the organisation's registration). Each probe makes the plausible wrong events happen
first, waits a drawn gap, makes the right event happen, and then jumps to one second before
or after the limit counted from the right one: a portal counting from a wrong one disagrees
on one side. One probe per time-limit rule (:data:`PROBES`); a check per rule the Land states.

Without ``clock_control`` a check is ``inconclusive``, unless the run has ``--wall-clock``:
then the same probe waits in real time (:class:`WallScript`), once on each side of the limit,
all the Land's probes at once (:mod:`skc.conformance.wallclock`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, Final

from hypothesis import example, given, seed, settings
from hypothesis import strategies as st

from skc.conformance.lockstep import Lockstep
from skc.conformance.profile import Capability
from skc.conformance.steps import Step
from skc.conformance.suites.base import Check, CheckContext, CheckResult, Pairs, guarded
from skc.conformance.suites.machine import CITIZEN
from skc.conformance.verdicts import Verdict
from skc.conformance.wallclock import (
    Clock,
    Concurrent,
    RealClock,
    gap_s,
    limit_probes,
    planned_wait,
    unprobed,
)
from skc.model.ambiguity import load_register
from skc.model.catalog import load_catalog
from skc.model.lands import LandId
from skc.model.sim.outcome import Outcome
from skc.model.sim.rules import LandRules
from skc.model.sim.scenarios import ADULT, PHONE

MAX_EXAMPLES: Final = 12  # the space is two offsets and a gap; explicit examples come first
_ME: Final = "anna@example.org"
_ADMIN: Final = "chef@example.org"
_USER: Final = "max@example.org"
_SERVICE: Final = "svc-a"


class Script:
    """One example's steps on a lock-step pair, keeping count of the time it moved on."""

    def __init__(self, pair: Lockstep, limit: timedelta) -> None:
        self.pair = pair
        self.limit = limit
        self.elapsed = timedelta()

    def do(self, op: str, rule: str | None = None, save: str | None = None, **args: Any) -> Outcome:
        """Run one step; the model's outcome."""
        return self.pair.run(Step(do=op, args=args, rule=rule, save=save))[1]

    def wait(self, seconds: int) -> None:
        """Let ``seconds`` pass (none for zero)."""
        if seconds > 0:
            self.do("advance", seconds=seconds)
            self.elapsed += timedelta(seconds=seconds)

    def mark(self) -> timedelta:
        """Now, to count a limit from."""
        return self.elapsed

    def jump(self, since: timedelta, offset: int, rule: str) -> None:
        """Move to ``offset`` seconds past the limit counted from ``since`` (if still ahead)."""
        due = since + self.limit + timedelta(seconds=offset) - self.elapsed
        if due > timedelta():
            self.do("advance", rule, seconds=int(due.total_seconds()))
            self.elapsed += due

    def citizen(self, *, log_in: bool = True) -> None:
        """Register and activate a citizen account (saved as ``acc``); log in as ``s``."""
        self.do(
            "register_citizen", "registration.activation_completes", "acc",
            email=_ME, password="$password", **CITIZEN,
        )  # fmt: skip
        self.do("mail_token", save="act", to=_ME, kind="activation")
        self.do("activate", "registration.activation_completes", token="$act")
        if log_in:
            self.login()

    def login(self, email: str = _ME, save: str = "s") -> None:
        """Log in (again: the session may have run into the idle timeout meanwhile)."""
        self.do("login", "login.email_is_username", save, email=email, password="$password")

    def organisation(self, *, activate: bool = True) -> None:
        """Register an organisation whose administrator is ``chef@``."""
        self.do("offer_service", service_id=_SERVICE)
        self.do(
            "register_organisation", "org.admins.adults_only", "org", org_name="Muster GmbH",
            admin_email=_ADMIN, admin_password="$password", admin_first_name="Erika",
            admin_last_name="Muster", admin_birth_date=ADULT.isoformat(), services=[_SERVICE],
            admin_phone=PHONE,
        )  # fmt: skip
        if activate and self.pair.rules.stated("org.admin_activation_link_lifetime"):
            self.do("mail_token", save="org_act", to=_ADMIN, kind="activation")
            self.do("activate", "registration.activation_completes", token="$org_act")


class WallScript(Script):
    """A script on a portal without clock control: the model jumps, the portal's side waits on
    ``clock`` (real time), and a jump waits until the limit counted from the real moment of
    the mark, so the time the calls take is counted too."""

    def __init__(self, pair: Lockstep, limit: timedelta, clock: Clock) -> None:
        super().__init__(pair, limit)
        self.clock = clock
        self.marks: dict[timedelta, float] = {}

    def _log(self, step: Step) -> None:
        self.pair.log.append(step)
        if step.rule:
            self.pair.exercised.add(step.rule)

    def wait(self, seconds: int) -> None:
        """Let ``seconds`` pass on both sides: a jump of the model, a wait for the portal."""
        if seconds > 0:
            self.pair.model.advance_clock(timedelta(seconds=seconds))
            self._log(Step(do="advance", args={"seconds": seconds}))
            self.elapsed += timedelta(seconds=seconds)
            self.clock.sleep(seconds)

    def mark(self) -> timedelta:
        """Now, on the model's time line and (kept here) on the real one."""
        self.marks[self.elapsed] = self.clock.now()
        return self.elapsed

    def jump(self, since: timedelta, offset: int, rule: str) -> None:
        """Move the model to ``offset`` seconds past the limit counted from ``since``; wait
        until the same moment has come for the portal."""
        due = since + self.limit + timedelta(seconds=offset) - self.elapsed
        if due > timedelta():
            self.pair.model.advance_clock(due)
            self.elapsed += due
        self._log(Step(do="advance", args={"limit_of": rule, "offset_seconds": offset}, rule=rule))
        self.pair.probes |= limit_probes(self.pair.profile, rule, offset)
        moment = self.marks[since] + self.limit.total_seconds() + offset
        self.clock.sleep(moment - self.clock.now())


# A probe: (script, gap in seconds, offset in seconds, the rule) -> the model's last outcome.
Probe = Callable[[Script, int, int, str], Outcome]


def _user_actions_count(rules: LandRules) -> bool:
    """Whether an action that sends nothing to the server restarts the idle timer (the
    register entry that speaks of the Land's wording decides)."""
    entry = "session.idle_reset_user_action"
    if rules.land not in load_register()[entry].lands:
        entry = "session.idle_reset"
    return rules.readings[entry] == "any-user-action"


def _idle(run: Script, gap: int, offset: int, rule: str) -> Outcome:
    run.citizen()
    run.wait(gap)  # counted from the login is wrong: a request comes after it
    run.do("ping", rule, session="$s")
    since = run.mark()
    run.wait(min(gap, int(run.limit.total_seconds()) - 2) // 2)
    run.do("client_action", rule, session="$s")  # a click that sends nothing to the server
    if _user_actions_count(run.pair.rules):
        since = run.mark()
    run.jump(since, offset, rule)
    return run.do("ping", rule, session="$s")


def _activation(run: Script, gap: int, offset: int, rule: str) -> Outcome:
    if rule == "org.admin_activation_link_lifetime":
        run.organisation(activate=False)
        email = _ADMIN
    else:
        email = _ME
        run.do(
            "register_citizen", "registration.activation_completes",
            email=email, password="$password", **CITIZEN,
        )  # fmt: skip
    since = run.mark()
    run.wait(gap)  # a login attempt (refused) is no reason to renew the link
    run.do("login", "registration.activation_completes", email=email, password="$password")
    run.jump(since, offset, rule)
    run.do("mail_token", save="act", to=email, kind="activation")
    return run.do("activate", rule, token="$act")


def _member_link(run: Script, gap: int, offset: int, rule: str) -> Outcome:
    run.organisation()
    run.wait(gap)  # counted from the organisation's registration is wrong
    run.login(_ADMIN, "admin")
    run.do(
        "add_org_user", "org.users.activation_link", "member", session="$admin", email=_USER,
        first_name="Max", last_name="Mitarbeiter", phone=PHONE, password="$password",
    )  # fmt: skip
    since = run.mark()
    run.jump(since, offset, rule)
    run.do("mail_token", save="link", to=_USER, kind="activation")
    return run.do("activate_org_user", rule, token="$link", password="$other_password")


def _trash(run: Script, gap: int, offset: int, rule: str) -> Outcome:
    run.citizen()
    run.do("start_vorgang", save="v", mailbox_id="$acc", title="Antrag")
    run.do("deliver_message", save="m", vorgang_id="$v", subject="Bescheid")
    run.wait(gap)  # counted from the creation, the delivery or the reading is wrong
    run.login()
    run.do("read_message", "mailbox.unread_count", session="$s", message_id="$m")
    run.wait(gap // 2)
    run.login()
    run.do("trash_vorgang", "mailbox.trash_blocked_by_unread", session="$s", vorgang_id="$v")
    since = run.mark()
    run.jump(since, offset, rule)
    return run.do("vorgang_exists", rule, vorgang_id="$v")


def _answers(run: Script, gap: int, offset: int, rule: str) -> Outcome:
    run.citizen()
    run.do("start_vorgang", save="v", mailbox_id="$acc", title="Antrag")
    run.wait(gap)  # counted from the Vorgang's creation is wrong
    run.do("deliver_message", save="m", vorgang_id="$v", subject="Bescheid")
    since = run.mark()
    run.wait(gap // 2)  # counted from the reading is wrong too
    run.login()
    run.do("read_message", "mailbox.unread_count", session="$s", message_id="$m")
    run.jump(since, offset, rule)
    return run.do("message_exists", rule, message_id="$m")


def _reuse_delay(run: Script, gap: int, offset: int, rule: str) -> Outcome:
    berlin = run.pair.rules.stated("account.deletion_completion")
    deletion = "account.deletion_completion" if berlin else "account.deletion"
    if berlin:  # a used service makes Berlin's delay one day, not "the next day"
        run.do("offer_service", service_id=_SERVICE)
    run.citizen()
    if berlin:
        run.do("use_service", "account.email_reuse_delay", session="$s", service_id=_SERVICE)
    run.wait(gap)  # counted from the registration or the last login is wrong
    run.login()
    run.do("delete_account", "account.deletion", session="$s")
    since = run.mark()
    run.do("login", deletion, email=_ME, password="$password")
    run.jump(since, offset, rule)
    run.do("login", deletion, email=_ME, password="$password")
    return run.do("email_available", "account.email_reuse_delay", email=_ME)


def _deactivation(run: Script, gap: int, offset: int, rule: str) -> Outcome:
    run.organisation()
    run.login(_ADMIN, "admin")
    run.do("approve_service", org_id="$org", service_id=_SERVICE)
    run.do(
        "add_org_user", "org.users.create_before_approval", "member", session="$admin",
        email=_USER, first_name="Max", last_name="Mitarbeiter", password="$password",
    )  # fmt: skip
    run.do("grant_service", session="$admin", user_id="$member", service_id=_SERVICE)
    run.login(_USER, "user")
    run.do("use_service", rule, session="$user", service_id=_SERVICE)
    run.wait(gap)  # counted from the last use of the service is wrong
    run.login(_ADMIN, "admin")
    run.do("delete_organisation", rule, session="$admin", confirm=True)
    since = run.mark()
    run.jump(since, offset, rule)
    run.do("account_status", rule, account_id="$member")
    return run.do("email_available", rule, email=_USER)


def _payment(run: Script, gap: int, offset: int, rule: str) -> Outcome:
    run.citizen()
    run.do("start_vorgang", save="v", mailbox_id="$acc", title="Antrag")
    run.do("deliver_message", save="m", vorgang_id="$v", subject="Urkunde", payment_required=True)
    run.wait(gap)  # counted from the delivery or the login is wrong
    run.login()
    run.do("start_payment", rule, "p", session="$s", message_id="$m")
    since = run.mark()
    run.jump(since, offset, rule)
    return run.do("report_payment", rule, payment_id="$p", success=True)


PROBES: Final[dict[str, Probe]] = {
    "session.idle_timeout": _idle,
    "registration.activation_link_lifetime": _activation,
    "org.admin_activation_link_lifetime": _activation,
    "org.user_activation_link_lifetime": _member_link,
    "org.user_consent_window": _member_link,
    "mailbox.trash_retention": _trash,
    "mailbox.answer_retention": _answers,
    "account.email_reuse_delay": _reuse_delay,
    # observable from outside: refused at once and on either side of the day; not the erasure
    "account.deletion_completion": _reuse_delay,
    "org.deletion.deactivation_period": _deactivation,
    "payment.window": _payment,
}


def time_limit_rules(land: LandId) -> tuple[str, ...]:
    """The rules for which the Land's text states a time limit (a minutes, hours or days
    parameter in the catalog)."""
    rules = LandRules(land)
    return tuple(
        rule.id
        for rule in load_catalog()
        if rule.stated(land) and rules.duration(rule.id) is not None
    )


def _wall_side(land: LandId, rule: str, clock: Clock) -> Callable[[CheckContext, int], CheckResult]:
    """One side of ``rule``'s probe in real time: ``offset`` seconds from its limit."""
    probe = PROBES[rule]

    def side(ctx: CheckContext, offset: int) -> CheckResult:
        limit = LandRules(land, ctx.profile.readings).duration(rule)
        if limit is None:  # pragma: no cover - the check asked only for a stated limit
            raise ValueError(f"{land} states no time limit for {rule}")

        def body(pairs: Pairs) -> None:
            with pairs() as pair:
                probe(WallScript(pair, limit, clock), gap_s(ctx.profile), offset, rule)

        return guarded(ctx, body, (rule,), f"timing/{rule}")

    return side


def _probe_check(land: LandId, rule: str, concurrent: Concurrent) -> Check:
    probe = PROBES[rule]
    cited: tuple[str, ...] = (rule, "registration.activation_completes", "login.email_is_username")
    if rule == "account.deletion_completion":
        cited += ("account.email_reuse_delay", "account.deletion")
    elif rule == "account.email_reuse_delay":
        cited += ("account.deletion",)

    def run(ctx: CheckContext) -> CheckResult:
        limit = LandRules(land, ctx.profile.readings).duration(rule)
        if limit is None:
            reason = f"under the profile's readings, {land} states no time limit for {rule}"
            return CheckResult(Verdict.NOT_APPLICABLE, (rule,), reason=reason)
        if not ctx.profile.has(Capability.CLOCK_CONTROL):
            if not ctx.profile.wall_clock.enabled:
                return CheckResult(
                    Verdict.INCONCLUSIVE, (rule,), reason=unprobed(limit, ctx.profile, rule)
                )
            planned = planned_wait(land, rule, ctx.profile)
            if planned is not None and planned.skipped:
                return CheckResult(Verdict.INCONCLUSIVE, (rule,), reason=planned.skipped)
            return concurrent.result(rule, ctx)
        seconds = int(limit.total_seconds())
        widest = max(seconds - 2, 2)

        def body(pairs: Pairs) -> None:
            def attempt(gap: int, offset: int) -> None:
                with pairs() as pair:
                    probe(Script(pair, limit), gap, offset, rule)

            gaps = st.one_of(st.sampled_from((2, widest // 2, widest)), st.integers(2, widest))
            test = given(gap=gaps, offset=st.sampled_from((-1, 1)))(attempt)
            for offset in (-1, 1):
                test = example(gap=widest // 2, offset=offset)(test)
            settings(ctx.settings, max_examples=MAX_EXAMPLES)(seed(ctx.seed)(test))()

        return guarded(ctx, body, (rule,), f"timing/{rule}")

    return Check("timing", rule, tuple(dict.fromkeys(cited)), run)


def timing_checks(land: LandId, clock: Clock | None = None) -> list[Check]:
    """One probe per time limit the Land states; under ``--wall-clock`` they wait on
    ``clock`` (default: the real one), all at once."""
    rules = [rule for rule in time_limit_rules(land) if rule in PROBES]
    waits = clock if clock is not None else RealClock()
    concurrent = Concurrent({rule: _wall_side(land, rule, waits) for rule in rules}, waits)
    return [_probe_check(land, rule, concurrent) for rule in rules]


__all__ = [
    "MAX_EXAMPLES", "PROBES", "Script", "WallScript", "time_limit_rules", "timing_checks",
]  # fmt: skip
