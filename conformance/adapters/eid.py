"""The eID client side of the in-process adapter: what AusweisApp2 does for a portal's eID step.

A step names a test card by reference and gives its PIN. :class:`EidTerminal` (one per
connection, so a card's retry counters persist across the steps of an example) opens the
virtual card of that reference (``fixtures/cards/<reference>.yaml``) and runs the eID
authentication the portal's eID service asks for (BSI TR-03110 Part 2 section 2 and
TR-03110-4 C.4.2):

* the access request: the pseudonym required (Restricted Identification; a login cannot
  deselect it), the personal data groups the portal takes over into the profile optional;
* PACE with the PIN entered (TR-03110-2 section 3.2); when two wrong PINs have suspended it,
  the holder first enters the card's CAN, as AusweisApp2 asks for it (TR-03110-2 3.5.1);
* the validity check against the portal's (virtual) date, the data groups read over secure
  messaging, and the pseudonym for the portal's sector (TR-03110-2 section 3.6): one sector
  per Land, so the model and the portal under test compute the same pseudonym from the same
  card profile, and another Land's portal sees an unlinkable one.

The result is the simulation's :class:`~skc.model.sim.state.IdCard`: names, birth date,
address and pseudonym as the card released them. A failed authentication is an
:class:`EidFailure` naming the card's state (two tries left, suspended, blocked, switched off,
expired); its text never holds the PIN, PUK or CAN.

A portal whose eID service does not insist on the PIN (a seeded fault) asks for a CHAT with
"CAN allowed" (TR-03110-4 C.4.2.2, bit 4): the client then authenticates with the CAN printed
on the card, and a wrong PIN goes unnoticed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Final

from skc.conformance.adapters.cards import card_for
from skc.model.lands import LandId
from skc.model.sim.state import IdCard

if TYPE_CHECKING:
    from skc.card import CardProfile, Chat, EidCard, EidClient

# The data groups a Servicekonto takes over from the card (profile fields of IdCard).
PROFILE_ATTRIBUTES: Final = (
    "given_names",
    "family_names",
    "date_of_birth",
    "birth_name",
    "academic_title",
    "address",
)
# "HEIDESTRASSE 17, 51147 KÖLN, D": street and house number, postcode and city, country.
_ADDRESS: Final = re.compile(
    r"^(?P<street>.*?)\s+(?P<number>\d\S*)?,\s*(?P<zip>\d{5})\s+(?P<city>[^,]+)"
)


def sector_of(land: LandId) -> str:
    """The Restricted Identification sector of a Land's portal (one sector per Land)."""
    return f"servicekonto-{land}"


@dataclass(frozen=True, slots=True)
class EidFailure:
    """Why the eID authentication failed: ``state`` is ``wrong_pin``, ``suspended``,
    ``blocked``, ``switched_off`` or ``expired``; ``retries`` the PIN tries left."""

    state: str
    retries: int
    detail: str

    @property
    def wrong_pin(self) -> bool:
        """Whether the PIN entered was refused (wrong, or the card no longer takes a PIN)."""
        return self.state in ("wrong_pin", "suspended", "blocked")


def to_id_card(attributes: dict[str, str], pseudonym: str | None) -> IdCard:
    """The simulation's view of what the card released (TR-03110-4 appendix A encodings)."""
    birth = attributes.get("date_of_birth", "")
    street, number, postcode, city = "", "", "", ""
    match = _ADDRESS.match(attributes.get("address", ""))
    if match is not None:
        street, number = match["street"], match["number"] or ""
        postcode, city = match["zip"], match["city"].strip()
    return IdCard(
        first_name=attributes.get("given_names", ""),
        last_name=attributes.get("family_names", ""),
        birth_date=date(int(birth[:4]), int(birth[4:6]), int(birth[6:8])),
        street=street,
        house_number=number,
        postcode=postcode,
        city=city,
        birth_name=attributes.get("birth_name", ""),
        title=attributes.get("academic_title", ""),
        pseudonym=pseudonym,
    )


class EidTerminal:
    """The eID client of one connection: the test cards it opened, by reference."""

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

    def authenticate(
        self,
        reference: str,
        pin: str | None,
        *,
        land: LandId,
        today: date,
        pin_required: bool = True,
    ) -> IdCard | EidFailure:
        """Run the whole eID authentication of the portal of ``land`` with that card.

        ``pin`` None means the holder enters the card's own PIN (steps that carry no PIN).
        """
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
        entered = pin if pin is not None else secrets.pin
        request = AccessRequest.login(*PROFILE_ATTRIBUTES)
        client = EidClient(card)
        try:
            if not pin_required:
                # The service's CHAT allows the CAN: no PIN is asked for at all.
                chat = Chat(request.chat().bits | 1 << CAN_ALLOWED)
                client.pace(secrets.can, Ref.CAN, chat=chat, reference_date=today)
                if not client.verify_validity():
                    raise CardExpiredError("the card has expired", 0x6300)
                result = _read_all(client, chat, land)
            else:
                can = secrets.can if card.pin_retries == 1 else None
                eid = client.authenticate(
                    entered, request, sector=sector_of(land), can=can, today=today
                )
                result = (eid.attributes, eid.pseudonym)
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
        return to_id_card(*result)


def _read_all(client: EidClient, chat: Chat, land: LandId) -> tuple[dict[str, str], str | None]:
    released = chat.attributes()
    client.select_eid()
    attributes: dict[str, str] = {}
    for name in PROFILE_ATTRIBUTES:
        if name in released:
            value = client.read_attribute(name, missing_ok=True)
            if value is not None:
                attributes[name] = value
    return attributes, client.pseudonym(sector_of(land)).hex()


def _tries(retries: int) -> str:
    if retries == 0:
        return "the PIN is blocked"
    if retries == 1:
        return "the PIN is suspended until the CAN is entered"
    return f"{retries} tries left"


__all__ = ["PROFILE_ATTRIBUTES", "EidFailure", "EidTerminal", "sector_of", "to_id_card"]
