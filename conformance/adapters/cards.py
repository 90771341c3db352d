"""Test cards: what an eID step's card reference stands for.

A step names a card by reference (``$card`` is ``erika-mustermann``, the reference of the card
profile ``fixtures/cards/erika-mustermann.yaml``) and passes its PIN as a
secret; the adapter presents that card to its eID client. The in-process adapter maps the
reference to the simulation's :class:`~skc.model.sim.state.IdCard` and checks the PIN itself;
a virtual card (a later issue) will compute the pseudonym from the card's keys instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Final

from skc.model.errors import UnknownNameError
from skc.model.sim.state import IdCard

DEFAULT_PIN: Final = "123456"  # the test PIN of every test card


@dataclass(frozen=True, slots=True)
class EidTestCard:
    """A test identity card: its reference, what its eID function transmits, and its PIN."""

    reference: str
    card: IdCard
    pin: str = field(default=DEFAULT_PIN, repr=False)


TEST_CARDS: Final[dict[str, EidTestCard]] = {
    card.reference: card
    for card in (
        EidTestCard(
            "erika-mustermann",
            IdCard("Erika", "Mustermann", date(1964, 8, 12), pseudonym="pseudonym-erika"),
        ),
        EidTestCard(
            "max-beispiel",
            IdCard("Max", "Beispiel", date(1975, 1, 30), pseudonym="pseudonym-max"),
        ),
    )
}


def card_for(reference: str) -> EidTestCard:
    """The test card of that reference; an unknown one raises an error listing the valid ones."""
    if reference not in TEST_CARDS:
        raise UnknownNameError("test card", reference, sorted(TEST_CARDS))
    return TEST_CARDS[reference]


__all__ = ["DEFAULT_PIN", "TEST_CARDS", "EidTestCard", "card_for"]
