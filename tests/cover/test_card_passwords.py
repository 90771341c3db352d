"""PIN, CAN and PUK behaviour of the virtual card, APDU by APDU, with the TR-03110 status words.

Every test drives the card with raw APDUs (``pace_apdus`` builds them with the terminal half of
PACE) and checks the status word of each command: MSE:Set AT announces the PIN state
(90 00 / 63 C2 / 63 C1 / 63 C0 / 62 83), the last General Authenticate counts a wrong PIN.
"""

from __future__ import annotations

from card_apdus import CAN, PIN, PUK, WRONG_PIN, mse_set_at, pace_apdus, send

from skc.card import Chat, EidCard, EidClient, pace, virtual_card
from skc.card.apdu import Command, split_response
from skc.card.passwords import Ref

OK = [0x9000] * 5


def test_pace_with_the_pin_succeeds_with_90_00_throughout_when_the_pin_is_right() -> None:
    card = virtual_card()
    words, channel = pace_apdus(card, PIN, Ref.PIN)
    assert words == OK
    assert channel is not None
    assert card.pin_retries == 3


def test_wrong_pins_answer_63c2_then_63c1_when_entered_twice() -> None:
    card = virtual_card()
    assert pace_apdus(card, WRONG_PIN, Ref.PIN)[0] == [0x9000, 0x9000, 0x9000, 0x9000, 0x63C2]
    assert mse_set_at(card, Ref.PIN) == 0x63C2
    assert pace_apdus(card, WRONG_PIN, Ref.PIN)[0] == [0x63C2, 0x9000, 0x9000, 0x9000, 0x63C1]
    assert mse_set_at(card, Ref.PIN) == 0x63C1
    assert card.pin_retries == 1


def test_right_pin_restores_three_tries_when_entered_after_one_wrong_pin() -> None:
    card = virtual_card()
    pace_apdus(card, WRONG_PIN, Ref.PIN)
    assert pace_apdus(card, PIN, Ref.PIN)[0] == [0x63C2, *OK[1:]]
    assert mse_set_at(card, Ref.PIN) == 0x9000


def suspend(card: EidCard) -> None:
    pace_apdus(card, WRONG_PIN, Ref.PIN)
    pace_apdus(card, WRONG_PIN, Ref.PIN)


def test_suspended_pin_refuses_pace_with_69_85_when_no_can_session_precedes() -> None:
    card = virtual_card()
    suspend(card)
    words, channel = pace_apdus(card, PIN, Ref.PIN)
    assert words == [0x63C1, 0x6985]
    assert channel is None
    assert card.pin_retries == 1


def test_suspended_pin_is_resumed_when_the_pin_follows_pace_with_the_can() -> None:
    card = virtual_card()
    suspend(card)
    words, can_channel = pace_apdus(card, CAN, Ref.CAN)
    assert words == OK
    words, pin_channel = pace_apdus(card, PIN, Ref.PIN, can_channel)
    assert words == [0x63C1, *OK[1:]]
    assert pin_channel is not None
    assert card.pin_retries == 3


def test_third_wrong_pin_blocks_with_63c0_when_entered_after_the_can() -> None:
    card = virtual_card()
    suspend(card)
    _, can_channel = pace_apdus(card, CAN, Ref.CAN)
    words, _ = pace_apdus(card, WRONG_PIN, Ref.PIN, can_channel)
    assert words == [0x63C1, 0x9000, 0x9000, 0x9000, 0x63C0]
    assert mse_set_at(card, Ref.PIN) == 0x63C0
    assert pace_apdus(card, PIN, Ref.PIN)[0] == [0x63C0, 0x6983]


def block(card: EidCard) -> None:
    suspend(card)
    _, can_channel = pace_apdus(card, CAN, Ref.CAN)
    pace_apdus(card, WRONG_PIN, Ref.PIN, can_channel)


def test_blocked_pin_is_unblocked_when_reset_retry_counter_follows_pace_with_the_puk() -> None:
    card = virtual_card()
    block(card)
    words, puk_channel = pace_apdus(card, PUK, Ref.PUK)
    assert words == OK
    _, sw = send(card, Command(0x00, 0x2C, 0x03, 0x03), puk_channel)
    assert sw == 0x9000
    assert mse_set_at(card, Ref.PIN) == 0x9000
    assert pace_apdus(card, PIN, Ref.PIN)[0] == OK


def test_reset_retry_counter_is_refused_with_69_82_when_the_session_used_the_pin() -> None:
    card = virtual_card()
    block(card)
    _, can_channel = pace_apdus(card, CAN, Ref.CAN)
    _, sw = send(card, Command(0x00, 0x2C, 0x03, 0x03), can_channel)
    assert sw == 0x6982
    assert card.pin_retries == 0


def test_wrong_can_answers_63_00_and_keeps_the_pin_counter_when_pace_fails() -> None:
    card = virtual_card()
    assert pace_apdus(card, "000000", Ref.CAN)[0] == [0x9000, 0x9000, 0x9000, 0x9000, 0x6300]
    assert card.pin_retries == 3


def test_switched_off_eid_answers_62_83_then_69_84_when_pace_with_the_pin_starts() -> None:
    card = virtual_card()
    card.switch_eid(False)
    assert pace_apdus(card, PIN, Ref.PIN)[0] == [0x6283, 0x6984]
    assert pace_apdus(card, CAN, Ref.CAN)[0] == OK
    card.switch_eid(True)
    assert pace_apdus(card, PIN, Ref.PIN)[0] == OK


def test_transport_pin_only_allows_setting_a_pin_when_the_card_is_new() -> None:
    card = virtual_card("transport-pin")
    assert pace_apdus(card, PIN, Ref.PIN)[0][-1] == 0x63C2
    words, channel = pace_apdus(card, "54321", Ref.PIN)
    assert words == [0x63C2, *OK[1:]]
    assert (
        send(card, Command(0x00, 0xA4, 0x04, 0x0C, bytes.fromhex("E80704007F00070302")), channel)[1]
        == 0x9000
    )
    assert send(card, Command(0x00, 0xB0, 0x84, 0x00, le=256), channel)[1] == 0x6982
    assert send(card, Command(0x00, 0x2C, 0x02, 0x03, b"24680"), channel)[1] == 0x6A80
    assert send(card, Command(0x00, 0x2C, 0x02, 0x03, b"246801"), channel)[1] == 0x9000
    assert pace_apdus(card, "54321", Ref.PIN)[0][-1] == 0x63C2
    assert pace_apdus(card, "246801", Ref.PIN)[0] == [0x63C2, *OK[1:]]


def test_unknown_password_reference_answers_6a_88_when_mse_names_the_mrz() -> None:
    card = virtual_card()
    assert mse_set_at(card, Ref.MRZ) == 0x6A88


def test_general_authenticate_answers_69_85_when_no_mse_set_at_came_first() -> None:
    card = virtual_card()
    command = Command(0x10, 0x86, 0, 0, pace.dynamic_data(0, b""), 256)
    assert split_response(card.transmit(command.encode()))[1] == 0x6985


def test_malformed_step_aborts_pace_when_the_mapping_key_is_not_a_point() -> None:
    card = virtual_card()
    assert mse_set_at(card, Ref.PIN) == 0x9000
    step = Command(0x10, 0x86, 0, 0, pace.dynamic_data(0, b""), 256)
    assert split_response(card.transmit(step.encode()))[1] == 0x9000
    bad = Command(0x10, 0x86, 0, 0, pace.dynamic_data(0x81, b"\x04" + bytes(64)), 256)
    assert split_response(card.transmit(bad.encode()))[1] == 0x6A80
    assert split_response(card.transmit(step.encode()))[1] == 0x9000  # PACE starts afresh
    assert card.pin_retries == 3


def test_pace_after_an_ri_selection_runs_pace_when_mse_set_at_selects_it_again() -> None:
    card = virtual_card()
    client = EidClient(card)
    client.pace(PIN, Ref.PIN, chat=Chat.for_attributes(["pseudonym"]))
    ri = bytes.fromhex("800A04007F00070202050203840101")
    assert client.send(Command(0x00, 0x22, 0x41, 0xA4, ri))[1] == 0x9000
    assert pace_apdus(card, CAN, Ref.CAN, client.channel)[0] == OK
