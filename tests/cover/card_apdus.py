"""APDU helpers for the card tests: send over an optional secure channel, MSE:Set AT, and a PACE
run built from the terminal half of PACE that returns the status word of every command."""

from __future__ import annotations

from skc.card import EidCard, ec, pace, tlv
from skc.card.apdu import Command, split_response
from skc.card.passwords import Ref
from skc.card.sm import SecureChannel

PIN, CAN, PUK = "123456", "500540", "9876543210"
WRONG_PIN = "111111"


def send(card: EidCard, command: Command, channel: SecureChannel | None) -> tuple[bytes, int]:
    if channel is None:
        return split_response(card.transmit(command.encode()))
    return channel.unprotect_response(card.transmit(channel.protect_command(command.encode())))


def mse_set_at(card: EidCard, ref: Ref, channel: SecureChannel | None = None) -> int:
    body = tlv.encode(0x80, pace.PACE_OID) + tlv.encode(0x83, bytes([ref]))
    return send(card, Command(0x00, 0x22, 0xC1, 0xA4, body), channel)[1]


def pace_apdus(
    card: EidCard, password: str, ref: Ref, channel: SecureChannel | None = None
) -> tuple[list[int], SecureChannel | None]:
    """Status words of MSE:Set AT and each General Authenticate, up to the first failure."""
    words = [mse_set_at(card, ref, channel)]
    terminal = pace.TerminalPace(password.encode())

    def step(tag: int, value: bytes, last: bool = False) -> bytes | None:
        data, sw = send(
            card,
            Command(0x00 if last else 0x10, 0x86, 0, 0, pace.dynamic_data(tag, value), 256),
            channel,
        )
        words.append(sw)
        return data if sw == 0x9000 else None

    data = step(0, b"")
    if data is None:
        return words, None
    own = terminal.receive_nonce(pace.dynamic_value(data, 0x80))
    data = step(0x81, own.encode())
    assert data is not None
    own = terminal.map_nonce(ec.decode(pace.dynamic_value(data, 0x82)))
    data = step(0x83, own.encode())
    assert data is not None
    token = terminal.agree(ec.decode(pace.dynamic_value(data, 0x84)))
    data = step(0x85, token, last=True)
    if data is None:
        return words, None
    assert terminal.check_chip_token(pace.dynamic_value(data, 0x86))
    assert terminal.keys is not None
    return words, SecureChannel(terminal.keys.enc, terminal.keys.mac)
