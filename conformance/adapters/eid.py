"""The eID step of an operation that presents a card, in three parts shared by every adapter.

A step names a test card by reference and gives its PIN; the harness is the holder and runs
the eID client, as AusweisApp2 does, against its own virtual card. The portal never sees the
card, the PIN or the CAN, only what an eID server would hand it (BSI TR-03130, TR-03110):

1. **the portal's eID request** (:class:`EidRequest`): the attributes it asks for, which of
   them are mandatory (the pseudonym for a login), the Restricted Identification sector, the
   date the card's validity is checked against, and whether its service's CHAT allows the CAN
   instead of the PIN (TR-03110-4 C.4.2.2 bit 4: a seeded fault shows here);
2. **the harness's client** (:class:`EidTerminal`, one per connection, so a card's retry
   counters persist across the steps of an example) runs PACE with the PIN (after two wrong
   PINs the holder first enters the CAN, TR-03110-2 3.5.1), the validity check, the data
   groups over secure messaging and the pseudonym for the sector, leaving out what the holder
   deselected (an optional pseudonym, eid.pseudonym_choice_at_registration);
3. **the eID result** goes to the portal's operation as its ``card`` argument: a flat
   ``str -> str`` mapping of the released attributes (TR-03110-4 appendix A encodings) and the
   ``pseudonym`` (hex), or ``{"failure": STATE}`` (:data:`FAILURES`).

:func:`present_card` runs the three parts against anything with ``eid_request`` and ``send``
(the in-process endpoint, the HTTP connection). :func:`card_of` is the portal's side: the
result as the simulation's :class:`~skc.model.sim.state.IdCard`. No text here holds a PIN,
PUK or CAN.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Final, Protocol

from skc.conformance.adapters.cards import card_for
from skc.model.errors import AdapterError
from skc.model.lands import LandId
from skc.model.sim.outcome import Outcome
from skc.model.sim.state import IdCard

if TYPE_CHECKING:
    from skc.card import CardProfile, EidCard, EidClient
    from skc.conformance.adapters.protocol import Value
    from skc.model.sim.rules import LandRules

PSEUDONYM: Final = "pseudonym"
FAILURE: Final = "failure"
# The data groups a Servicekonto takes over from the card (profile fields of IdCard).
PROFILE_ATTRIBUTES: Final = (
    "given_names",
    "family_names",
    "date_of_birth",
    "birth_name",
    "academic_title",
    "address",
)
# The holder's identity, mandatory for an account with card data; the rest optional.
MANDATORY_ATTRIBUTES: Final = ("given_names", "family_names", "date_of_birth", "address")
# Why an authentication failed; the first three mean the PIN was not accepted.
FAILURES: Final = ("wrong_pin", "suspended", "blocked", "switched_off", "expired")
# The operations that present a card, and the arguments that stay with the holder's client.
CARD_OPERATIONS: Final = (
    "login_with_eid",
    "register_citizen_with_eid",
    "upgrade_with_eid",
    "sync_eid",
)
HOLDER_PARAMS: Final = ("pin", "release_pseudonym")
# "HEIDESTRASSE 17, 51147 KÖLN, D": street and house number, postcode and city, country.
_ADDRESS: Final = re.compile(
    r"^(?P<street>.*?)\s+(?P<number>\d\S*)?,\s*(?P<zip>\d{5})\s+(?P<city>[^,]+)"
)


def sector_of(land: LandId) -> str:
    """The Restricted Identification sector of a Land's portal (one sector per Land)."""
    return f"servicekonto-{land}"


@dataclass(frozen=True, slots=True)
class EidRequest:
    """What a portal's eID service asks of the card for one operation."""

    required: tuple[str, ...]
    optional: tuple[str, ...]
    sector: str
    today: date
    can_allowed: bool = False

    def to_json(self) -> dict[str, object]:
        """The request as the Portal Test API sends it."""
        return {
            "required": list(self.required), "optional": list(self.optional),
            "sector": self.sector, "date": self.today.isoformat(), "can_allowed": self.can_allowed,
        }  # fmt: skip

    @classmethod
    def from_json(cls, body: Mapping[str, object], where: str) -> EidRequest:
        """Parse a request; AdapterError naming ``where`` and the field for anything else."""
        from skc.card.access import ATTRIBUTES

        lists: dict[str, tuple[str, ...]] = {}
        for key in ("required", "optional"):
            value = body.get(key)
            if not isinstance(value, list) or not all(v in ATTRIBUTES for v in value):
                raise AdapterError(f"{where}: {key!r} must be a list of eID attributes")
            lists[key] = tuple(value)
        sector, can, day = body.get("sector"), body.get("can_allowed"), body.get("date")
        if not isinstance(sector, str) or not sector:
            raise AdapterError(f"{where}: 'sector' must be a non-empty string")
        if not isinstance(can, bool):
            raise AdapterError(f"{where}: 'can_allowed' must be true or false")
        try:
            today = date.fromisoformat(str(day))
        except ValueError as exc:
            raise AdapterError(f"{where}: 'date' must be an ISO date (YYYY-MM-DD)") from exc
        return cls(lists["required"], lists["optional"], sector, today, can)


def portal_eid_request(rules: LandRules, operation: str, today: date) -> EidRequest:
    """The reference portal's eID request for ``operation`` under its (possibly faulty) rules.

    A login needs the pseudonym only (eid.login_requires_pseudonym); a registration, upgrade
    or sync reads the profile data, the holder's identity mandatory, and the pseudonym
    mandatory only where the Land always links it (eid.pseudonym_always_transmitted),
    otherwise the holder's choice (eid.pseudonym_choice_at_registration, eid.pseudonym_toggle).
    """
    if operation not in CARD_OPERATIONS:
        raise AdapterError(f"no eID step for {operation!r}; valid: {', '.join(CARD_OPERATIONS)}")
    sector = sector_of(rules.land)
    can = not rules.stated("eid.pin_required")
    if operation == "login_with_eid":
        return EidRequest((PSEUDONYM,), (), sector, today, can)
    optional = tuple(a for a in PROFILE_ATTRIBUTES if a not in MANDATORY_ATTRIBUTES)
    always = rules.stated("eid.pseudonym_always_transmitted")
    if always and not rules.deviates("pseudonym_optional_in_eid_request"):
        return EidRequest((*MANDATORY_ATTRIBUTES, PSEUDONYM), optional, sector, today, can)
    return EidRequest(MANDATORY_ATTRIBUTES, (*optional, PSEUDONYM), sector, today, can)


@dataclass(frozen=True, slots=True)
class EidFailure:
    """Why the eID authentication failed: ``state`` one of :data:`FAILURES`; ``detail`` what
    the holder's client showed (never a secret)."""

    state: str
    retries: int = 0
    detail: str = ""

    @property
    def wrong_pin(self) -> bool:
        """Whether the PIN entered was refused (wrong, or the card no longer takes a PIN)."""
        return self.state in FAILURES[:3]


def card_of(result: object, operation: str) -> IdCard | EidFailure:
    """The portal's side: an eID result (the ``card`` argument) as the simulation sees it;
    AdapterError naming what is wrong for anything that is not a result."""
    if not isinstance(result, Mapping) or not all(isinstance(v, str) for v in result.values()):
        raise AdapterError(
            f"{operation}: 'card' needs an eID result (an object of strings: the released "
            f"attributes and '{PSEUDONYM}', or '{FAILURE}'), not {type(result).__name__}"
        )
    if FAILURE in result:
        state = result[FAILURE]
        if state not in FAILURES or len(result) != 1:
            raise AdapterError(f"{operation}: 'card': failure must be alone, one of {FAILURES}")
        return EidFailure(state)
    known = (*PROFILE_ATTRIBUTES, PSEUDONYM)
    unknown = sorted(set(result) - set(known))
    if unknown:
        raise AdapterError(f"{operation}: 'card': unknown attribute {unknown[0]!r}; valid: {known}")
    if operation == "login_with_eid":
        return IdCard("", "", date.min, pseudonym=result.get(PSEUDONYM))
    missing = [name for name in MANDATORY_ATTRIBUTES if not result.get(name)]
    if missing:
        raise AdapterError(f"{operation}: 'card': the eID result lacks {', '.join(missing)}")
    return to_id_card(dict(result), result.get(PSEUDONYM))


def to_id_card(attributes: Mapping[str, str], pseudonym: str | None) -> IdCard:
    """The simulation's view of what the card released (TR-03110-4 appendix A encodings)."""
    birth = attributes.get("date_of_birth", "")
    street, number, postcode, city = "", "", "", ""
    match = _ADDRESS.match(attributes.get("address", ""))
    if match is not None:
        street, number = match["street"], match["number"] or ""
        postcode, city = match["zip"], match["city"].strip()
    try:
        born = date(int(birth[:4]), int(birth[4:6]), int(birth[6:8]))
    except ValueError as exc:
        raise AdapterError(f"'card': date_of_birth must be YYYYMMDD, not {birth!r}") from exc
    return IdCard(
        first_name=attributes.get("given_names", ""),
        last_name=attributes.get("family_names", ""),
        birth_date=born,
        street=street,
        house_number=number,
        postcode=postcode,
        city=city,
        birth_name=attributes.get("birth_name", ""),
        title=attributes.get("academic_title", ""),
        pseudonym=pseudonym,
    )


class EidTerminal:
    """The holder's eID client of one connection: the test cards it opened, by reference."""

    def __init__(self) -> None:
        self.cards: dict[str, EidCard] = {}

    def __repr__(self) -> str:
        return f"EidTerminal(cards={sorted(self.cards)})"

    def card(self, reference: str) -> EidCard:
        """The virtual card of a bundled profile, opened on first use and kept."""
        from skc.card import virtual_card

        if reference not in self.cards:
            self.cards[reference] = virtual_card(card_for(reference))
        return self.cards[reference]

    def profile(self, reference: str) -> CardProfile:
        """The card profile of a reference (its holder's CAN, PIN, data)."""
        return self.card(reference).profile

    def run(
        self,
        reference: str,
        pin: str | None,
        request: EidRequest,
        *,
        release_pseudonym: bool = True,
    ) -> dict[str, str] | EidFailure:
        """Authenticate with that card as ``request`` asks; the released attributes and the
        pseudonym, or the failure. ``pin`` None: the holder enters the card's own PIN."""
        from skc.card import (
            AccessRequest,
            CardExpiredError,
            EidClient,
            PasswordBlockedError,
            PasswordDeactivatedError,
            PasswordError,
            PasswordSuspendedError,
            Ref,
        )
        from skc.card.access import CAN_ALLOWED, Chat

        card = self.card(reference)
        secrets = card.profile.secrets
        access = AccessRequest(frozenset(request.required), frozenset(request.optional))
        deselected = () if release_pseudonym or PSEUDONYM in request.required else (PSEUDONYM,)
        client = EidClient(card)
        try:
            if request.can_allowed:  # the service's CHAT allows the CAN: no PIN is asked for
                chat = Chat(access.chat(deselected).bits | 1 << CAN_ALLOWED)
                client.pace(secrets.can, Ref.CAN, chat=chat, reference_date=request.today)
                if not client.verify_validity():
                    raise CardExpiredError("the card has expired", 0x6300)
                return _read(client, chat.attributes(), request.sector)
            can = secrets.can if card.pin_retries == 1 else None
            entered = pin if pin is not None else secrets.pin
            eid = client.authenticate(
                entered, access, sector=request.sector, deselected=deselected, can=can,
                today=request.today,
            )  # fmt: skip
            released = dict(eid.attributes)
            if eid.pseudonym is not None:
                released[PSEUDONYM] = eid.pseudonym
            return released
        except PasswordSuspendedError:
            return EidFailure("suspended", card.pin_retries, "the PIN is suspended")
        except PasswordBlockedError:
            return EidFailure("blocked", 0, "the PIN is blocked: unblock it with the PUK")
        except PasswordDeactivatedError:
            return EidFailure("switched_off", card.pin_retries, "the eID function is switched off")
        except CardExpiredError:
            return EidFailure("expired", card.pin_retries, "the card has expired")
        except PasswordError:
            retries = card.pin_retries
            state = {0: "blocked", 1: "suspended"}.get(retries, "wrong_pin")
            return EidFailure(state, retries, f"wrong PIN: {_tries(retries)}")
        finally:
            card.power_down()

    def authenticate(
        self,
        reference: str,
        pin: str | None,
        *,
        land: LandId,
        today: date,
        pin_required: bool = True,
    ) -> IdCard | EidFailure:
        """A login's authentication at the portal of ``land`` that also reads the profile data
        (for tests and benchmarks): the simulation's IdCard, or the failure."""
        request = EidRequest(
            (PSEUDONYM,), PROFILE_ATTRIBUTES, sector_of(land), today, not pin_required
        )
        result = self.run(reference, pin, request)
        if isinstance(result, EidFailure):
            return result
        return to_id_card(result, result.get(PSEUDONYM))


def _read(client: EidClient, released: frozenset[str], sector: str) -> dict[str, str]:
    client.select_eid()
    attributes: dict[str, str] = {}
    for name in PROFILE_ATTRIBUTES:
        if name in released:
            value = client.read_attribute(name, missing_ok=True)
            if value is not None:
                attributes[name] = value
    if PSEUDONYM in released:
        attributes[PSEUDONYM] = client.pseudonym(sector).hex()
    return attributes


def _tries(retries: int) -> str:
    if retries == 0:
        return "the PIN is blocked"
    if retries == 1:
        return "the PIN is suspended until the CAN is entered"
    return f"{retries} tries left"


class EidPortal(Protocol):
    """A portal seen by the eID step: its eID request, and an operation as it receives it."""

    def eid_request(self, operation: str) -> EidRequest:
        """What the portal's eID service asks of the card for ``operation``."""
        ...

    def send(self, operation: str, arguments: Mapping[str, Value]) -> Outcome:
        """The operation with the eID result as ``card`` (no holder arguments)."""
        ...


def presents_card(operation: str, arguments: Mapping[str, Value]) -> bool:
    """Whether a call presents a test card (a reference) to the holder's client."""
    return operation in CARD_OPERATIONS and isinstance(arguments.get("card"), str)


def present_card(
    portal: EidPortal, terminal: EidTerminal, operation: str, arguments: Mapping[str, Value]
) -> Outcome:
    """The three parts: the portal's request, the client with the card, the result posted."""
    pin, release = arguments.get("pin"), arguments.get("release_pseudonym", True)
    if pin is not None and not isinstance(pin, str):
        raise AdapterError(f"{operation}: 'pin' must be a string")
    if not isinstance(release, bool):
        raise AdapterError(f"{operation}: 'release_pseudonym' must be true or false")
    request = portal.eid_request(operation)
    result = terminal.run(str(arguments["card"]), pin, request, release_pseudonym=release)
    sent: dict[str, Value] = {k: v for k, v in arguments.items() if k not in HOLDER_PARAMS}
    sent["card"] = {FAILURE: result.state} if isinstance(result, EidFailure) else result
    outcome = portal.send(operation, sent)
    if isinstance(result, EidFailure):
        detail = "; ".join(d for d in (outcome.detail, f"eID card: {result.detail}") if d)
        outcome = replace(outcome, detail=detail)
    return outcome


__all__ = [
    "CARD_OPERATIONS",
    "FAILURES",
    "HOLDER_PARAMS",
    "PROFILE_ATTRIBUTES",
    "EidFailure",
    "EidPortal",
    "EidRequest",
    "EidTerminal",
    "card_of",
    "portal_eid_request",
    "present_card",
    "presents_card",
    "sector_of",
    "to_id_card",
]
