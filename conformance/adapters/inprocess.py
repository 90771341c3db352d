"""The in-process adapter: the reference portal simulation, optionally with one seeded fault.

It is the first implementation of the adapter protocol and the oracle's own transport: the
model side of every comparison is an ``InProcessAdapter`` without a fault. Arguments are
coerced by their declared types (:mod:`skc.conformance.adapters.operations`): ISO dates become
dates.

Two halves, as over HTTP: :class:`ReferenceEndpoint` is the portal's side (what ``skc serve``
serves): its eID request per operation and operations whose ``card`` is an eID result, never a
card or a PIN. :class:`InProcessConnection` adds the holder's side: a card reference in a step
goes through the shared eID step (:func:`~skc.conformance.adapters.eid.present_card`: the
portal's request, PACE with the step's PIN, the data groups over secure messaging and
Restricted Identification on the connection's virtual card, the result posted). The eID login's
result becomes the simulation's ``(pseudonym, pin_entered)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from types import TracebackType
from typing import Any, Final

from skc.conformance.adapters.eid import (
    CARD_OPERATIONS,
    HOLDER_PARAMS,
    EidFailure,
    EidRequest,
    EidTerminal,
    card_of,
    portal_eid_request,
    present_card,
    presents_card,
)
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
    # The eID result of a login carries the pseudonym, after PACE with the PIN (a failed
    # authentication never gets here); the portal sees only the pseudonym.
    card = arguments.get("card")
    pseudonym = card.pseudonym if isinstance(card, IdCard) else None
    return {"pseudonym": pseudonym or "", "pin_entered": True}


def _card_arguments(arguments: Mapping[str, object]) -> dict[str, Any]:
    # The holder's arguments (PIN, pseudonym choice) were used by the eID client.
    return {name: value for name, value in arguments.items() if name not in HOLDER_PARAMS}


# Declared operations whose arguments the simulation takes in another form.
TRANSLATIONS: Final[dict[str, Callable[[Mapping[str, Value]], dict[str, Any]]]] = {
    "login_with_eid": _eid_login,
    "register_citizen_with_eid": _card_arguments,
    "upgrade_with_eid": _card_arguments,
    "sync_eid": _card_arguments,
}
# What a failed eID authentication is rejected with, when the card did not take the PIN or
# could not be used at all (expired, switched off): no help text says what a portal shows then.
EID_UNUSABLE: Final = "sim.eid_unusable"


class ReferenceEndpoint:
    """The reference portal's side of the Portal Test API: operations with their declared
    arguments, an eID result as ``card``; ``rules`` decide its eID request (default: the
    portal's Land under its readings)."""

    def __init__(self, portal: ReferencePortal, rules: LandRules | None = None) -> None:
        self.portal = portal
        self.rules = rules if rules is not None else LandRules(portal.land, portal.readings)

    def __repr__(self) -> str:
        return f"ReferenceEndpoint({self.portal!r})"

    def eid_request(self, operation: str) -> EidRequest:
        """What the portal's eID service asks of the card for ``operation`` (today's date)."""
        return portal_eid_request(self.rules, operation, self.portal.clock.now().date())

    def send(self, operation_name: str, arguments: Mapping[str, Value]) -> Outcome:
        """Call the simulation's method of that name; plain values become accepted outcomes."""
        op = operation(operation_name)
        try:
            for name in arguments:
                op.param(name)
            card_step = operation_name in CARD_OPERATIONS
            missing = [
                p.name for p in op.params
                if p.required and p.name not in arguments
                and not (card_step and p.name in HOLDER_PARAMS)
            ]  # fmt: skip
            if missing:
                raise AdapterError(f"{operation_name}: missing {', '.join(missing)}")
            given = dict(arguments)
            if card_step:
                held = [name for name in HOLDER_PARAMS if name in arguments]
                if held:
                    raise AdapterError(
                        f"{operation_name}: {held[0]!r} stays with the holder's eID client; "
                        "the portal takes the eID result as 'card'"
                    )
                card = card_of(arguments.get("card"), operation_name)
                if isinstance(card, EidFailure):
                    return self._failed(operation_name, card)
                given["card"] = card  # type: ignore[assignment]  # the simulation's own type
            translate = TRANSLATIONS.get(operation_name)
            if translate is not None:
                kwargs = translate(given)
            else:
                kwargs = {name: coerce(op.param(name).kind, v) for name, v in given.items()}
            result = getattr(self.portal, operation_name)(**kwargs)
        except HarnessError:
            raise
        except (TypeError, ValueError, KeyError) as exc:  # the caller's mistake, not the portal's
            raise AdapterError(f"{operation_name}: {type(exc).__name__}: {exc}") from exc
        return result if isinstance(result, Outcome) else Outcome(accepted=True, value=result)

    call = send  # the server's name for it

    def _failed(self, operation_name: str, failure: EidFailure) -> Outcome:
        if operation_name == "login_with_eid" and failure.wrong_pin:
            return self.portal.login_with_eid("", pin_entered=False)
        return rejected(EID_UNUSABLE, detail=f"the eID authentication failed: {failure.state}")

    def advance_clock(self, delta: timedelta) -> None:
        """Move the virtual clock."""
        self.portal.clock.advance(delta)

    def captured_token(self, address: str, kind: str) -> str | None:
        """The newest link token of that kind sent to the address (``""`` for a mail without
        a link), or None if no such mail was sent."""
        mail = self.portal.outbox.last_to(address, _mail_kind(kind))
        return None if mail is None else mail.token or ""

    def close(self) -> None:
        """Nothing to release."""


class InProcessConnection:
    """One fresh :class:`ReferencePortal` behind the adapter protocol (a context manager):
    its endpoint, and the holder's eID client with one virtual card per reference."""

    def __init__(self, portal: ReferencePortal, *, rules: LandRules | None = None) -> None:
        self.endpoint = ReferenceEndpoint(portal, rules)
        self.eid = EidTerminal()

    def __repr__(self) -> str:
        return f"InProcessConnection({self.portal!r})"

    def __enter__(self) -> InProcessConnection:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def portal(self) -> ReferencePortal:
        """The simulated portal."""
        return self.endpoint.portal

    @property
    def eid_pin_required(self) -> bool:
        """Whether the portal's eID service insists on the PIN (its CHAT does not allow the CAN)."""
        return not self.endpoint.eid_request("login_with_eid").can_allowed

    def call(self, operation_name: str, arguments: Mapping[str, Value]) -> Outcome:
        """Perform one operation; a card reference goes through the holder's eID client."""
        if presents_card(operation_name, arguments):
            op = operation(operation_name)
            for name in arguments:
                op.param(name)
            return present_card(self.endpoint, self.eid, operation_name, arguments)
        return self.endpoint.send(operation_name, arguments)

    def advance_clock(self, delta: timedelta) -> None:
        """Move the virtual clock."""
        self.endpoint.advance_clock(delta)

    def captured_token(self, address: str, kind: str) -> str | None:
        """The newest link token of that kind sent to the address, if any."""
        return self.endpoint.captured_token(address, kind)

    def close(self) -> None:
        """Nothing to release."""


def _mail_kind(kind: str) -> MailKind:
    return kind  # type: ignore[return-value]  # an unknown kind finds no mail


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
        portal = ReferencePortal(
            self.profile.land, readings=readings, rules=rules,
            interop_lands=self.profile.interop_lands,
        )  # fmt: skip
        return InProcessConnection(portal, rules=rules)


def reference_model(profile: PortalProfile) -> InProcessAdapter:
    """The model side of every lock-step pair: the reference portal under the profile's
    readings, without a fault (the default ``CheckContext.model``)."""
    return InProcessAdapter(profile.land, profile)


__all__ = [
    "EID_UNUSABLE",
    "TRANSLATIONS",
    "InProcessAdapter",
    "InProcessConnection",
    "ReferenceEndpoint",
    "coerce",
    "reference_model",
]
