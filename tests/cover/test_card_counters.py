"""Any sequence of PIN, CAN and PUK attempts: the card's status words follow a ten-line model of
the TR-03110 retry counter (3 tries; suspended at 1 until a CAN session; blocked at 0 until
PACE with the PUK and RESET RETRY COUNTER)."""

from __future__ import annotations

from card_apdus import CAN, PIN, PUK, WRONG_PIN, pace_apdus, send
from hypothesis import given, settings
from hypothesis import strategies as st

from skc.card import virtual_card
from skc.card.apdu import Command
from skc.card.passwords import Ref

ACTIONS = ("right pin", "wrong pin", "can then right pin", "can then wrong pin", "puk unblock")


def expected_pin_words(retries: int, *, right: bool, can_session: bool) -> tuple[list[int], int]:
    """The model: status words of a PACE with the PIN and the retry counter afterwards."""
    announce = 0x9000 if retries == 3 else 0x63C0 | retries
    if retries == 0:
        return [announce, 0x6983], 0
    if retries == 1 and not can_session:
        return [announce, 0x6985], 1
    if right:
        return [announce, 0x9000, 0x9000, 0x9000, 0x9000], 3
    return [announce, 0x9000, 0x9000, 0x9000, 0x63C0 | (retries - 1)], retries - 1


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=7))
def test_status_words_follow_the_retry_model_when_attempts_come_in_any_order(
    actions: list[str],
) -> None:
    card = virtual_card()
    retries = 3
    for action in actions:
        if action == "puk unblock":
            words, channel = pace_apdus(card, PUK, Ref.PUK)
            assert words == [0x9000] * 5
            assert send(card, Command(0x00, 0x2C, 0x03, 0x03), channel)[1] == 0x9000
            retries = 3
            continue
        channel = None
        if action.startswith("can"):
            words, channel = pace_apdus(card, CAN, Ref.CAN)
            assert words == [0x9000] * 5
        right = action.endswith("right pin")
        words, _ = pace_apdus(card, PIN if right else WRONG_PIN, Ref.PIN, channel)
        expected, retries = expected_pin_words(
            retries, right=right, can_session=channel is not None
        )
        assert words == expected, action
        assert card.pin_retries == retries
