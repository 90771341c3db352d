"""Round trips of the card's codecs for any input: APDUs (short and extended), TLV objects, and
secure messaging between a terminal and a chip channel with the same keys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skc.card import AccessRequest, EidClient, tlv, virtual_card
from skc.card.apdu import Command
from skc.card.errors import CardProtocolError
from skc.card.sm import SecureChannel

commands = st.builds(
    Command,
    cla=st.just(0x00),
    ins=st.sampled_from([0xA4, 0xB0, 0x22, 0x86, 0x2C, 0x20]),
    p1=st.integers(0, 255),
    p2=st.integers(0, 255),
    data=st.binary(max_size=300),
    le=st.none() | st.integers(1, 65536),
)


@given(commands)
def test_command_parses_back_to_itself_when_encoded(command: Command) -> None:
    assert Command.parse(command.encode()) == command


one_byte_tags = st.integers(0x01, 0xFE).filter(lambda t: t & 0x1F != 0x1F)
two_byte_tags = st.builds(
    lambda first, second: first << 8 | second,
    st.sampled_from([0x1F, 0x5F, 0x7F, 0x9F, 0xBF, 0xDF]),
    st.integers(0x01, 0x7F),
)


@given(one_byte_tags | two_byte_tags, st.binary(max_size=600))
def test_tlv_object_parses_back_when_encoded(tag: int, value: bytes) -> None:
    assert tlv.parse(tlv.encode(tag, value)) == [(tag, value)]


@given(
    st.lists(st.tuples(commands, st.binary(max_size=220), st.integers(0x6100, 0x9000)), max_size=4)
)
def test_secure_messaging_round_trips_when_both_sides_share_keys(
    exchanges: list[tuple[Command, bytes, int]],
) -> None:
    keys = (bytes(range(16)), bytes(range(16, 32)))
    terminal, chip = SecureChannel(*keys), SecureChannel(*keys)
    for command, data, sw in exchanges:
        inner = chip.unprotect_command(terminal.protect_command(command.encode()))
        assert (inner.ins, inner.p1, inner.p2, inner.data, inner.le) == (
            command.ins,
            command.p1,
            command.p2,
            command.data,
            command.le,
        )
        assert terminal.unprotect_response(chip.protect_response(data, sw)) == (data, sw)
    assert terminal.ssc == chip.ssc == 2 * len(exchanges)


def test_secure_messaging_rejects_a_replayed_command_when_the_counter_moved_on() -> None:
    keys = (bytes(16), bytes(range(16)))
    terminal, chip = SecureChannel(*keys), SecureChannel(*keys)
    protected = terminal.protect_command(bytes.fromhex("00B0810000"))
    chip.unprotect_command(protected)
    with pytest.raises(CardProtocolError, match="MAC"):
        chip.unprotect_command(protected)


apdu_bytes = st.binary(min_size=0, max_size=40) | st.builds(
    lambda ins, p1p2, body: bytes([0x00, ins]) + p1p2 + body,
    st.sampled_from([0xA4, 0xB0, 0x22, 0x86, 0x2C, 0x20, 0x0C]),
    st.binary(min_size=2, max_size=2),
    st.binary(max_size=80),
)


@given(st.lists(apdu_bytes, max_size=6))
def test_card_answers_with_a_status_word_when_sent_arbitrary_bytes(apdus: list[bytes]) -> None:
    card = virtual_card()
    for apdu in apdus:
        answer = card.transmit(apdu)
        assert len(answer) >= 2
    result = EidClient(card).authenticate("123456", AccessRequest.login(), sector="s")
    assert result.pseudonym is not None
