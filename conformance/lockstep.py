"""Lock-step execution: every step runs on the portal under test and on the model, then compare.

The model is injected (``CheckContext.model``; by default the reference portal without faults).
The portal under test is reached through a :class:`~skc.conformance.adapters.guard.
GuardedConnection` (deadline, rate limit), with the example's own
:class:`~skc.conformance.adapters.identities.Identities`; every account it creates there is
deleted when the pair closes, and the ledger says how that went.

A disagreement raises :class:`StepFailure` carrying a :class:`~skc.conformance.mismatch.
Mismatch` (its kind, the rule the example breaks, and for an action the effects where the
sides differ: an account still active, a session still alive) and the step log so far, which
is the example a finding shows. With ``keep`` (set by
:class:`~skc.conformance.suites.base.Pairs`), a disagreement of another kind than the check's
first one ends a Hypothesis example as uninteresting, so shrinking keeps the kind.
How values compare comes from the operation's declaration (``returns.compare``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from types import TracebackType
from typing import Any

from hypothesis import reject
from hypothesis.control import currently_in_test_context

from skc.conformance.adapters.guard import CallGuard, GuardedConnection
from skc.conformance.adapters.identities import Identities, LedgerEntry
from skc.conformance.adapters.operations import OPERATIONS, Operation, operation
from skc.conformance.adapters.protocol import Connection
from skc.conformance.boundaries import Probe, bounds, probes
from skc.conformance.mismatch import Kind, Mismatch, attribute, catalog_rules, classify
from skc.conformance.profile import Capability, PortalProfile
from skc.conformance.steps import Secret, Step, Verbatim, resolve
from skc.conformance.verdicts import Verdict
from skc.model.catalog import load_catalog
from skc.model.errors import AdapterError, AdapterTimeoutError, UnobservedError
from skc.model.sim.outcome import SIM_REASONS, Outcome
from skc.model.sim.rules import LandRules


class Unobservable(Exception):  # noqa: N818 - a verdict signal, not an error condition
    """The step cannot be observed on this portal: ``not-applicable`` or ``inconclusive``."""

    def __init__(self, verdict: Verdict, reason: str) -> None:
        super().__init__(reason)
        self.verdict = verdict
        self.reason = reason


class Abort(BaseException):  # not an Exception, so Hypothesis never shrinks it
    """Ends a Hypothesis run at once: an adapter error or an unobservable step is not a finding,
    so it must not be shrunk or retried. :func:`~skc.conformance.suites.base.guarded` unwraps
    ``cause`` outside ``given()``."""

    def __init__(self, cause: AdapterError | Unobservable) -> None:
        super().__init__(str(cause))
        self.cause = cause


class StepFailure(AssertionError):  # noqa: N818 - a verdict signal, named like Unobservable
    """The portal disagreed with the model (or the scenario) on the last step of ``log``."""

    def __init__(self, mismatch: Mismatch, log: tuple[Step, ...]) -> None:
        super().__init__(f"{mismatch.rule}: expected {mismatch.expected}, saw {mismatch.observed}")
        self.mismatch = mismatch
        self.log = log


@dataclass(slots=True)
class _Created:
    address: str
    operation: str
    passwords: tuple[str, ...]


def describe(outcome: Outcome) -> str:
    """An outcome in a few words (never an id or a secret)."""
    if outcome.accepted:
        return "accepted"
    return f"rejected ({', '.join(outcome.rules)})"


def _shape_problem(op: Operation, value: object) -> str | None:
    """Why an accepted query's value does not have its declared shape, or None."""
    kind = op.returns
    fits = {
        "count": isinstance(value, int) and not isinstance(value, bool),
        "flag": isinstance(value, bool),
        "status": isinstance(value, str),
        "ids": isinstance(value, tuple | list | frozenset | set),
        "mapping": isinstance(value, Mapping),
        "id": value is None or isinstance(value, str),
        "token": value is None or isinstance(value, str),
    }.get(kind, True)
    if fits:
        return None
    return f"{op.name} answered {type(value).__name__}, but its value is declared as {kind!r}"


def _comparable(op: Operation, value: object) -> object:
    """The part of a query's value both implementations must agree on, per its declaration."""
    if op.compare == "presence":  # ids differ between implementations
        return value is not None
    if op.compare == "size" and isinstance(value, tuple | list | frozenset | set | Mapping):
        return len(value)
    return value


class Lockstep:
    """Runs steps on a target and the model, keeping each side's saved values apart.

    A context manager: leaving it deletes the accounts created on the target and closes both
    connections. With ``abort`` set, adapter errors and unobservable steps raise :class:`Abort`.
    """

    def __init__(
        self,
        target: Connection,
        model: Connection,
        profile: PortalProfile,
        *,
        call_timeout_s: float | None = None,
        guard: CallGuard | None = None,
        identities: Identities | None = None,
        on_ledger: Callable[[LedgerEntry], None] | None = None,
        check: str = "",
        abort: bool = False,
        on_close: Callable[[Lockstep], None] | None = None,
        on_step: Callable[[Step], None] | None = None,
        keep: Callable[[Mismatch], bool] | None = None,
    ) -> None:
        self._own_guard = guard is None
        if guard is None:
            guard = CallGuard(call_timeout_s)
            guard.configure(profile)
        self.guard = guard
        self.target = (
            target if isinstance(target, GuardedConnection) else GuardedConnection(target, guard)
        )
        self.model = model
        self.profile = profile
        self.rules = LandRules(profile.land, profile.readings)
        self.identities = identities if identities is not None else Identities("x")
        self.on_ledger = on_ledger
        self.check = check
        self.abort = abort
        self.on_close = on_close
        self.on_step = on_step
        self.keep = keep
        self.saved: tuple[dict[str, object], dict[str, object]] = ({}, {})
        self.log: list[Step] = []
        self.exercised: set[str] = set()
        self.probes: set[Probe] = set()  # (rule, side) of the boundaries the steps tried
        self._bounds = bounds(self.rules)
        self.secrets_used: set[str] = set()
        self.passwords_used: set[str] = set()
        self.warnings: list[str] = []
        self.created: list[_Created] = []
        self.closed = False
        self.interrupted = False  # a step failed or raised: cleanup errors are only noted
        self.failure: StepFailure | None = None

    def __enter__(self) -> Lockstep:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is not None:
            self.interrupted = True
        self.close()

    def close(self) -> None:
        """Delete the accounts created on the target, then close both connections.

        After a step failed or raised, that is what counts: a failing cleanup or close is only
        noted in ``warnings``; otherwise it raises (an adapter error, verdict ``error``)."""
        if self.closed:
            return
        self.closed = True
        mark = getattr(self.target.inner, "mark_finding", None)
        if self.failure is not None and callable(mark):
            mark()  # an adapter that keeps evidence (screenshot, trace) keeps this example's
        try:
            self._clean_up()
            self.target.close()
        except AdapterError as exc:
            if self.interrupted:
                self.warnings.append(f"closing the connection failed: {exc}")
            else:
                self._raise(exc)
        finally:
            self.model.close()
            if self._own_guard:
                self.guard.close()
            if self.on_close is not None:
                self.on_close(self)

    def run(self, step: Step) -> tuple[Outcome, Outcome]:
        """Run one step on both sides (model, then target); raise StepFailure if they disagree."""
        try:
            return self._run(step)
        except (AdapterError, Unobservable) as exc:
            self.interrupted = True
            if isinstance(exc, UnobservedError):  # the portal answered, the adapter cannot read it
                self._raise(Unobservable(Verdict.INCONCLUSIVE, str(exc)))
            self._raise(exc)
            raise  # unreachable: _raise always raises
        except StepFailure as failure:
            self.interrupted = True
            if self.keep is not None and not self.keep(failure.mismatch):
                _discard()
            self.failure = failure
            raise
        except BaseException:
            self.interrupted = True
            raise

    def run_all(self, steps: list[Step]) -> None:
        """Run steps in order."""
        for step in steps:
            self.run(step)

    # --- internals ----------------------------------------------------------------------------

    def _raise(self, exc: AdapterError | Unobservable) -> None:
        if self.abort:
            raise Abort(exc) from exc
        raise exc

    def _run(self, step: Step) -> tuple[Outcome, Outcome]:
        self.log.append(step)
        if self.on_step is not None:
            self.on_step(step)
        if step.rule:
            self.exercised.add(step.rule)
        if step.do == "advance":
            self._advance(step)
            accepted = Outcome(accepted=True)
            self.probes |= probes(self._bounds, "advance", step.args, step.rule, accepted)
            return accepted, accepted
        if step.do == "mail_token":
            return self._mail_token(step)
        op = operation(step.do)
        needed = op.needs
        if needed is not None and not self.profile.has(needed):
            raise Unobservable(
                Verdict.NOT_APPLICABLE, f"the profile declares {needed.value!r} absent ({op.name})"
            )
        args = self._addresses(op, step.args)
        model_args = resolve(args, self.saved[1])
        target_args = resolve(args, self.saved[0])
        self._note_secrets(op, target_args)
        self._note_secrets(op, model_args)
        model_out = self.model.call(op.name, model_args)
        try:
            target_out = self.target.call(op.name, target_args)
        except UnobservedError as exc:  # what the model did tells which rule a message means
            raise UnobservedError(f"{exc} (the model: {describe(model_out)})") from exc
        self.exercised.update(catalog_rules(model_out))
        self.probes |= probes(self._bounds, op.name, model_args, step.rule, model_out)
        if op.creates_account is not None and target_out.accepted:
            self._created(op, target_args)
        if step.save:
            self.saved[0][step.save] = target_out.value
            self.saved[1][step.save] = model_out.value
        self._warn_unnamed(op, target_out)
        if op.query and target_out.accepted:
            problem = _shape_problem(op, target_out.value)
            if problem is not None:  # the adapter's translation is wrong, not the portal
                raise AdapterError(f"{problem} (see skc.conformance.adapters.operations)")
        mismatch = self._compare(step, op, target_out, model_out)
        if mismatch is not None:
            raise StepFailure(mismatch, tuple(self.log))
        return target_out, model_out

    def _addresses(self, op: Operation, args: Mapping[str, Any]) -> dict[str, Any]:
        """Address arguments written in the step become the example's unique addresses."""
        out = dict(args)
        for param in op.params:
            value = args.get(param.name)
            if param.kind == "email" and isinstance(value, str) and not value.startswith("$"):
                out[param.name] = self.identities.address(value)
        return out

    def _note_secrets(self, op: Operation, args: Mapping[str, Any]) -> None:
        for param in op.params:
            value = args.get(param.name)
            if param.secret and isinstance(value, str) and value:
                self.secrets_used.add(value)
                if "password" in param.name:
                    self.passwords_used.add(value)

    def _created(self, op: Operation, args: Mapping[str, Any]) -> None:
        address = args.get(op.creates_account or "")
        if not isinstance(address, str):
            return
        passwords = tuple(
            str(args[p.name]) for p in op.params if p.secret and isinstance(args.get(p.name), str)
        )
        self.created.append(_Created(address, op.name, passwords))

    def _warn_unnamed(self, op: Operation, target: Outcome) -> None:
        if target.accepted:
            return
        if not target.rules:
            self.warnings.append(
                f"{op.name}: the portal rejected without naming a rule; compared accept/reject "
                "only (name the rule ids of the errors shown, see skc rules)"
            )
            return
        ids = load_catalog().ids
        unknown = [r for r in target.rules if r not in ids and r not in SIM_REASONS]
        if unknown:
            self.warnings.append(
                f"{op.name}: the portal named unknown rule ids {', '.join(sorted(unknown))}"
            )

    def _advance(self, step: Step) -> None:
        if not self.profile.has(Capability.CLOCK_CONTROL):
            raise Unobservable(
                Verdict.INCONCLUSIVE, "moving the clock needs 'clock_control', which is absent"
            )
        args = step.args
        if "limit_of" in args:
            limit = self.rules.duration(str(args["limit_of"]))
            if limit is None:
                raise Unobservable(
                    Verdict.NOT_APPLICABLE,
                    f"{self.profile.land} states no time limit for {args['limit_of']}",
                )
            # a limit of zero ("at once") has no "one second before"
            delta = max(limit + timedelta(seconds=int(args.get("offset_seconds", 0))), timedelta())
        else:
            delta = timedelta(
                days=int(args.get("days", 0)),
                hours=int(args.get("hours", 0)),
                minutes=int(args.get("minutes", 0)),
                seconds=int(args.get("seconds", 0)),
            )
        self.model.advance_clock(delta)
        self.target.advance_clock(delta)

    def _mail_token(self, step: Step) -> tuple[Outcome, Outcome]:
        if not self.profile.has(Capability.MAIL_CAPTURE):
            raise Unobservable(
                Verdict.INCONCLUSIVE, "reading e-mails needs 'mail_capture', which is absent"
            )
        to = step.args["to"]
        address = self.identities.address(to) if isinstance(to, str) else str(to)
        kind = str(step.args["kind"])
        model_token = self.model.captured_token(address, kind)
        target_token = self.target.captured_token(address, kind)
        # a link token is a credential, and a "new_password" mail carries a password
        self.secrets_used.update(t for t in (model_token, target_token) if t)
        if step.save:
            self.saved[0][step.save] = target_token
            self.saved[1][step.save] = model_token
        if (model_token is None) != (target_token is None):
            sent = "one" if model_token is not None else "no"
            seen = "one" if target_token is not None else "none"
            how = Kind.MISSING_MAIL if model_token is not None else Kind.EXTRA_MAIL
            rule = step.rule or next(
                (s.rule for s in reversed(self.log) if s.rule), "sim.unknown_token"
            )
            mismatch = Mismatch(rule, f"{sent} {kind} mail", seen, how)
            raise StepFailure(mismatch, tuple(self.log))
        return Outcome(accepted=True), Outcome(accepted=True)

    def _compare(
        self, step: Step, op: Operation, target: Outcome, model: Outcome
    ) -> Mismatch | None:
        expected, observed = describe(model), describe(target)
        kind = classify(target, model)
        differs = kind is not Kind.UNEXPECTED
        if not differs and target.accepted and op.query and op.compare != "none":
            want_value, seen_value = _comparable(op, model.value), _comparable(op, target.value)
            if want_value != seen_value:
                differs, kind = True, Kind.OTHER_VALUE
                expected, observed = f"accepted: {want_value!r}", f"accepted: {seen_value!r}"
        if (
            not differs
            and step.expect is not None
            and (step.expect == "accepted") != target.accepted
        ):
            differs, expected = True, step.expect
        if not differs:
            return None
        earlier = [s.rule for s in self.log[:-1]]
        rule = attribute(kind, step.rule, target, model, earlier)
        mismatch = Mismatch(rule, expected, observed, kind)
        if not op.query:
            mismatch = mismatch.with_effects(self._effects(op, step))
        return mismatch

    def _effects(self, op: Operation, step: Step) -> list[str]:
        """What the step left behind where the sides differ: the accounts its addresses name
        (present, status) and the sessions it used (alive). Read-only queries on both sides;
        a query that fails leaves the effect out rather than hiding the finding."""
        args = self._addresses(op, step.args)
        sides = (resolve(args, self.saved[1]), resolve(args, self.saved[0]))
        found: list[str] = []
        try:
            for param in op.params:
                if param.kind == "email" and param.name in args:
                    found += self._differ(
                        f"account of {param.name}", self._account, param.name, sides
                    )
                elif param.name == "session" and param.name in args:
                    found += self._differ(
                        f"session {args['session']}", self._alive, "session", sides
                    )
        except (AdapterError, Unobservable):
            pass
        return found

    def _differ(
        self,
        what: str,
        probe: Callable[[Connection | GuardedConnection, object], str],
        name: str,
        sides: tuple[Mapping[str, Any], Mapping[str, Any]],
    ) -> list[str]:
        want = probe(self.model, sides[0].get(name))
        seen = probe(self.target, sides[1].get(name))
        return [] if want == seen else [f"{what}: expected {want}, observed {seen}"]

    @staticmethod
    def _account(side: Connection | GuardedConnection, address: object) -> str:
        found = side.call("account_id_of", {"email": str(address)})
        if not found.accepted or found.value is None:
            return "no account"
        status = side.call("account_status", {"account_id": str(found.value)})
        return f"account {status.value}" if status.accepted else describe(status)

    @staticmethod
    def _alive(side: Connection | GuardedConnection, session: object) -> str:
        alive = side.call("session_alive", {"session": str(session)})
        if not alive.accepted:
            return describe(alive)
        return "alive" if alive.value else "ended"

    # --- cleanup ------------------------------------------------------------------------------

    def _clean_up(self) -> None:
        """Delete every account this pair created on the target; write each to the ledger.

        A cleanup call that times out stops the cleanup (the connection is abandoned) and is an
        adapter error; after a call of the example itself timed out, nothing is attempted."""
        pending = list(self.created)
        self.created.clear()
        abandoned = self.target.abandoned
        stop = f"not attempted: {abandoned}" if abandoned is not None else None
        timeout: AdapterTimeoutError | None = None
        for account in pending:
            if stop is not None:
                cleaned, how = False, stop
            else:
                try:
                    cleaned, how = self._delete(account)
                except AdapterTimeoutError as exc:
                    cleaned, how, timeout = False, f"error: {exc}", exc
                    stop = "not attempted: an earlier cleanup call timed out"
                except AdapterError as exc:
                    cleaned, how = False, f"error: {exc}"
                    self.warnings.append(f"cleaning up a test account failed: {exc}")
            if self.on_ledger is not None:
                self.on_ledger(
                    LedgerEntry(
                        account.address, self.profile.land, self.check, account.operation,
                        cleaned, how,
                    )
                )  # fmt: skip
        if timeout is not None:
            raise AdapterTimeoutError(f"cleaning up test accounts: {timeout}") from timeout

    def _delete(self, account: _Created) -> tuple[bool, str]:
        found = self.target.call("account_id_of", {"email": account.address})
        if found.accepted and found.value is None:
            return True, "already gone"
        organisation = account.operation == "register_organisation"
        delete = "delete_organisation" if organisation else "delete_account"
        needed = operation(delete).needs
        if needed is not None and not self.profile.has(needed):
            return False, f"not deleted: {delete} needs {needed.value!r}"
        session = self._log_in(account)
        if session is None and self._activate(account):
            session = self._log_in(account)
        if session is None:
            return False, "not deleted: no password known to this example logs in"
        outcome = self.target.call(delete, {"session": session})
        if outcome.accepted:
            return True, "deleted"
        return False, f"not deleted: {delete} {describe(outcome)}"

    def _log_in(self, account: _Created) -> str | None:
        """A session of the account, trying the passwords this example used (its own first)."""
        for password in dict.fromkeys((*account.passwords, *sorted(self.passwords_used))):
            login = self.target.call("login", {"email": account.address, "password": password})
            if login.accepted and isinstance(login.value, str):
                return login.value
        return None

    def _activate(self, account: _Created) -> bool:
        """Follow a captured activation link of a registration the example left pending."""
        if account.operation == "add_org_user" or not self.profile.has(Capability.MAIL_CAPTURE):
            return False
        token = self.target.captured_token(account.address, "activation")
        return token is not None and self.target.call("activate", {"token": token}).accepted


def _discard() -> None:
    """Inside Hypothesis, end the example as not interesting (neither failing nor counted as a
    finding): shrinking must not slip to a disagreement of another kind."""
    if currently_in_test_context():
        reject()


def secret_arguments(step: Step) -> tuple[str, ...]:
    """The secret parameters a step fills with a literal value (a scenario file must not);
    an empty value is no secret (a required field left out)."""
    if step.do not in OPERATIONS:
        return ()
    op = operation(step.do)
    found = []
    for param in op.params:
        value = step.args.get(param.name)
        if not param.secret or value in (None, "") or isinstance(value, Secret | Verbatim):
            continue
        if not (isinstance(value, str) and value.startswith("$") and not value.startswith("$$")):
            found.append(param.name)
    return tuple(found)


__all__ = [
    "Abort", "Lockstep", "Mismatch", "StepFailure", "Unobservable", "describe",
    "secret_arguments",
]  # fmt: skip
