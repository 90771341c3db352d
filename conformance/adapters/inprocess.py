"""The in-process adapter: the reference portal simulation, optionally with one seeded fault.

It is the first implementation of the adapter protocol and the oracle's own transport: the
model side of every comparison is an ``InProcessAdapter`` without a fault. Arguments are
coerced by their declared types (:mod:`skc.conformance.adapters.operations`): ISO dates become
dates. A card reference is presented to the connection's eID client
(:mod:`skc.conformance.adapters.eid`): PACE with the step's PIN, the data groups read over
secure messaging and the pseudonym computed by Restricted Identification on a virtual card;
the simulation receives what the card released, never a pseudonym handed over in clear. The
eID login's declared ``(card, pin)`` becomes the simulation's ``(pseudonym, pin_entered)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, timedelta
from types import TracebackType
from typing import Any, Final

from skc.conformance.adapters.eid import EidFailure, EidTerminal
from skc.conformance.adapters.operations import ParamKind, operation
from skc.conformance.adapters.protocol import Value
from skc.conformance.faults import Fault, faulty_rules
from skc.conformance.profile import PortalProfile, reference_profile
from skc.model.errors import AdapterError, HarnessError
from skc.model.lands import LandId
from skc.model.sim.outbox import MailKind
from skc.model.sim.outcome import Outcome, rejected
from skc.model.sim.portal import ReferencePortal
from skc.model.sim.rules import LandRules
from skc.model.sim.state import IdCard


def coerce(kind: ParamKind, value: Value) -> Any:
    """Turn a plain argument of a declared type into what the simulation's signature wants."""
    if kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    if kind == "str_list" and isinstance(value, str):
        return (value,)
    return value


def _eid_login(arguments: Mapping[str, object]) -> dict[str, Any]:
    # The eID client has run (InProcessConnection._present): ``card`` is what the card released
    # after PACE with the PIN, so the PIN was entered; the portal sees only the pseudonym.
    card = arguments.get("card")
    pseudonym = card.pseudonym if isinstance(card, IdCard) else None
    return {"pseudonym": pseudonym or "", "pin_entered": True}


# Declared operations whose arguments the simulation takes in another form.
TRANSLATIONS: Final[dict[str, Callable[[Mapping[str, Value]], dict[str, Any]]]] = {
    "login_with_eid": _eid_login,
}
# What a failed eID authentication is rejected with, when the card did not take the PIN or
# could not be used at all (expired, switched off): no help text says what a portal shows then.
EID_UNUSABLE: Final = "sim.eid_unusable"


class InProcessConnection:
    """One fresh :class:`ReferencePortal` behind the adapter protocol (a context manager).

    ``eid_pin_required``: whether the portal's eID service insists on the PIN (default: the
    Land's rules say so); its eID client keeps one virtual card per reference.
    """

    def __init__(self, portal: ReferencePortal, *, eid_pin_required: bool | None = None) -> None:
        self.portal = portal
        if eid_pin_required is None:
            eid_pin_required = LandRules(portal.land, portal.readings).stated("eid.pin_required")
        self.eid_pin_required = eid_pin_required
        self.eid = EidTerminal()

    def __repr__(self) -> str:
        return f"InProcessConnection({self.portal!r})"

    def __enter__(self) -> InProcessConnection:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def call(self, operation_name: str, arguments: Mapping[str, Value]) -> Outcome:
        """Call the simulation's method of that name; plain values become accepted outcomes."""
        op = operation(operation_name)
        try:
            for name in arguments:
                op.param(name)
            missing = [p.name for p in op.params if p.required and p.name not in arguments]
            if missing:
                raise AdapterError(f"{operation_name}: missing {', '.join(missing)}")
            presented = self._present(operation_name, arguments)
            if isinstance(presented, Outcome):
                return presented
            translate = TRANSLATIONS.get(operation_name)
            if presented is not None:
                kwargs = presented
            elif translate is not None:
                kwargs = translate(arguments)
            else:
                kwargs = {name: coerce(op.param(name).kind, v) for name, v in arguments.items()}
            result = getattr(self.portal, operation_name)(**kwargs)
        except HarnessError:
            raise
        except (TypeError, ValueError, KeyError) as exc:  # the caller's mistake, not the portal's
            raise AdapterError(f"{operation_name}: {type(exc).__name__}: {exc}") from exc
        return result if isinstance(result, Outcome) else Outcome(accepted=True, value=result)

    def _present(
        self, operation_name: str, arguments: Mapping[str, Value]
    ) -> dict[str, Any] | Outcome | None:
        """Run the eID client for an operation that presents a card: the simulation's keyword
        arguments, a rejection when the card refused, or None when no card is presented."""
        reference = arguments.get("card")
        if reference is None:
            return None
        if not isinstance(reference, str):
            raise AdapterError(f"{operation_name}: 'card' must be a test-card reference")
        pin = arguments.get("pin")
        if pin is not None and not isinstance(pin, str):
            raise AdapterError(f"{operation_name}: 'pin' must be a string")
        result = self.eid.authenticate(
            reference,
            pin,
            land=self.portal.land,
            today=self.portal.clock.now().date(),
            pin_required=self.eid_pin_required,
        )
        if operation_name == "login_with_eid":
            if isinstance(result, EidFailure) and result.wrong_pin:
                outcome = self.portal.login_with_eid("", pin_entered=False)
                return _with_card_detail(outcome, result)
            if isinstance(result, EidFailure):
                return rejected(EID_UNUSABLE, detail=result.detail)
            return _eid_login({"card": result})
        if isinstance(result, EidFailure):
            return rejected(EID_UNUSABLE, detail=result.detail)
        kwargs = {name: coerce(operation(operation_name).param(name).kind, v)
                  for name, v in arguments.items() if name != "pin"}  # fmt: skip
        kwargs["card"] = result
        return kwargs

    def advance_clock(self, delta: timedelta) -> None:
        """Move the virtual clock."""
        self.portal.clock.advance(delta)

    def captured_token(self, address: str, kind: str) -> str | None:
        """The newest link token of that kind sent to the address, if any."""
        try:
            return self.portal.outbox.token_for(address, _mail_kind(kind))
        except LookupError:
            return None

    def close(self) -> None:
        """Nothing to release."""


def _with_card_detail(outcome: Outcome, failure: EidFailure) -> Outcome:
    detail = "; ".join(d for d in (outcome.detail, f"eID card: {failure.detail}") if d)
    return replace(outcome, detail=detail)


def _mail_kind(kind: str) -> MailKind:
    return kind  # type: ignore[return-value]  # the outbox rejects unknown kinds itself


class InProcessAdapter:
    """Reference portals in this process; with ``fault``, each carries that one deviation."""

    name = "inprocess"
    runs_in_process = True  # our own simulation: no deadline thread needed

    def __init__(
        self, land: LandId, profile: PortalProfile | None = None, fault: Fault | None = None
    ):
        if fault is not None and fault.land != land:
            raise ValueError(f"fault {fault.name!r} is for {fault.land}, not {land}")
        self.profile = profile if profile is not None else reference_profile(land)
        self.fault = fault

    def __repr__(self) -> str:
        fault = f", fault={self.fault.name!r}" if self.fault else ""
        return f"InProcessAdapter({self.profile.land!r}{fault})"

    def connect(self) -> InProcessConnection:
        """A new reference portal (with the fault, if any) and its own virtual clock."""
        readings = self.profile.readings
        rules = faulty_rules(self.fault, readings) if self.fault is not None else None
        portal = ReferencePortal(self.profile.land, readings=readings, rules=rules)
        pin_required = (rules or LandRules(self.profile.land, readings)).stated("eid.pin_required")
        return InProcessConnection(portal, eid_pin_required=pin_required)


def reference_model(profile: PortalProfile) -> InProcessAdapter:
    """The model side of every lock-step pair: the reference portal under the profile's
    readings, without a fault (the default ``CheckContext.model``)."""
    return InProcessAdapter(profile.land, profile)


__all__ = ["TRANSLATIONS", "InProcessAdapter", "InProcessConnection", "coerce", "reference_model"]
