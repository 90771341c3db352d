"""Test cards: what an eID step's card reference stands for.

A step names a card by reference (``$card`` is ``erika-mustermann``, the reference of the card
profile ``fixtures/cards/erika-mustermann.yaml``) and passes its PIN as a secret; the adapter
presents that card to its eID client. The in-process adapter opens a virtual card from the
profile and runs PACE, the data-group reads and Restricted Identification on it
(:mod:`skc.conformance.adapters.eid`): no pseudonym is ever written down here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from skc.model.errors import UnknownNameError

if TYPE_CHECKING:
    from skc.card import CardProfile

DEFAULT_PIN: Final = "123456"  # the test PIN of every test card
# The references the scenarios use ($card, $other_card); every bundled profile is a test card.
TEST_CARDS: Final = ("erika-mustermann", "max-beispiel")


def card_for(reference: str) -> CardProfile:
    """The card profile of that reference (a profile in ``fixtures/cards/``); an unknown one
    raises an error listing the valid ones."""
    from skc.card import bundled_profiles, load_profile

    known = bundled_profiles()
    if reference not in known:
        raise UnknownNameError("test card", reference, known)
    return load_profile(reference)


__all__ = ["DEFAULT_PIN", "TEST_CARDS", "card_for"]
