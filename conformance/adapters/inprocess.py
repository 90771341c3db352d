"""The in-process adapter: the reference portal simulation, optionally with one seeded fault.

It is the first implementation of the adapter protocol and the oracle's own transport: the
model side of every comparison is an ``InProcessAdapter`` without a fault.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from skc.conformance.adapters.operations import operation
from skc.conformance.adapters.protocol import Value
from skc.conformance.faults import Fault, faulty_rules
from skc.conformance.profile import PortalProfile, reference_profile
from skc.model.errors import AdapterError
from skc.model.lands import LandId
from skc.model.sim.outbox import MailKind
from skc.model.sim.outcome import Outcome
from skc.model.sim.portal import ReferencePortal
from skc.model.sim.state import IdCard


def _coerce(kind: str, value: Value) -> Any:
    """Turn a plain argument into what the simulation's signature wants."""
    if kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    if kind == "card" and isinstance(value, Mapping):
        fields: dict[str, Any] = dict(value)
        fields["birth_date"] = date.fromisoformat(str(fields["birth_date"]))
        return IdCard(**fields)
    if kind == "list" and isinstance(value, str):
        return (value,)
    return value


class InProcessConnection:
    """One fresh :class:`ReferencePortal` behind the adapter protocol."""

    def __init__(self, portal: ReferencePortal) -> None:
        self.portal = portal

    def __repr__(self) -> str:
        return f"InProcessConnection({self.portal!r})"

    def call(self, operation_name: str, arguments: Mapping[str, Value]) -> Outcome:
        """Call the simulation's method of that name; plain values become accepted outcomes."""
        op = operation(operation_name)
        kwargs = {name: _coerce(op.param(name).kind, value) for name, value in arguments.items()}
        try:
            result = getattr(self.portal, operation_name)(**kwargs)
        except TypeError as exc:  # a missing argument: the caller's mistake, not the portal's
            raise AdapterError(f"{operation_name}: {exc}") from exc
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


__all__ = ["InProcessAdapter", "InProcessConnection"]
