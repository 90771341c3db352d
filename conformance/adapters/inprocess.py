"""The in-process adapter: the reference portal simulation, optionally with one seeded fault.

It is the first implementation of the adapter protocol and the oracle's own transport: the
model side of every comparison is an ``InProcessAdapter`` without a fault. Arguments are
coerced by their declared types (:mod:`skc.conformance.adapters.operations`): ISO dates become
dates, card references become the simulation's :class:`~skc.model.sim.state.IdCard`. The eID
login is translated: the declared ``(card, pin)`` becomes the simulation's ``(pseudonym,
pin_entered)``, the pseudonym being the card's and the PIN checked against the card's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from types import TracebackType
from typing import Any, Final

from skc.conformance.adapters.cards import card_for
from skc.conformance.adapters.operations import ParamKind, operation
from skc.conformance.adapters.protocol import Value
from skc.conformance.faults import Fault, faulty_rules
from skc.conformance.profile import PortalProfile, reference_profile
from skc.model.errors import AdapterError, HarnessError
from skc.model.lands import LandId
from skc.model.sim.outbox import MailKind
from skc.model.sim.outcome import Outcome
from skc.model.sim.portal import ReferencePortal
from skc.model.sim.state import IdCard


def coerce(kind: ParamKind, value: Value) -> Any:
    """Turn a plain argument of a declared type into what the simulation's signature wants."""
    if kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    if kind == "card" and isinstance(value, str):
        return card_for(value).card
    if kind == "card" and isinstance(value, Mapping):
        fields: dict[str, Any] = dict(value)
        fields["birth_date"] = date.fromisoformat(str(fields["birth_date"]))
        return IdCard(**fields)
    if kind == "str_list" and isinstance(value, str):
        return (value,)
    return value


def _eid_login(arguments: Mapping[str, Value]) -> dict[str, Any]:
    reference = arguments["card"]
    if not isinstance(reference, str):
        raise AdapterError("login_with_eid: 'card' must be a test-card reference (a string)")
    card = card_for(reference)
    return {"pseudonym": card.card.pseudonym or "", "pin_entered": arguments["pin"] == card.pin}


# Declared operations whose arguments the simulation takes in another form.
TRANSLATIONS: Final[dict[str, Callable[[Mapping[str, Value]], dict[str, Any]]]] = {
    "login_with_eid": _eid_login,
}


class InProcessConnection:
    """One fresh :class:`ReferencePortal` behind the adapter protocol (a context manager)."""

    def __init__(self, portal: ReferencePortal) -> None:
        self.portal = portal

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
            translate = TRANSLATIONS.get(operation_name)
            if translate is not None:
                kwargs = translate(arguments)
            else:
                kwargs = {name: coerce(op.param(name).kind, v) for name, v in arguments.items()}
            result = getattr(self.portal, operation_name)(**kwargs)
        except HarnessError:
            raise
        except (TypeError, ValueError, KeyError) as exc:  # the caller's mistake, not the portal's
            raise AdapterError(f"{operation_name}: {type(exc).__name__}: {exc}") from exc
        return result if isinstance(result, Outcome) else Outcome(accepted=True, value=result)

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
        return InProcessConnection(
            ReferencePortal(self.profile.land, readings=readings, rules=rules)
        )


def reference_model(profile: PortalProfile) -> InProcessAdapter:
    """The model side of every lock-step pair: the reference portal under the profile's
    readings, without a fault (the default ``CheckContext.model``)."""
    return InProcessAdapter(profile.land, profile)


__all__ = ["TRANSLATIONS", "InProcessAdapter", "InProcessConnection", "coerce", "reference_model"]
