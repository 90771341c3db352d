"""vsmartcard's vpcd wire protocol, against a socket pair instead of pcscd: control codes
(power, reset, ATR) and APDUs, each a 2-byte big-endian length and a payload."""

from __future__ import annotations

import socket
import struct
import threading

from skc.card import virtual_card
from skc.card.vpcd import GET_ATR, POWER_OFF, POWER_ON, RESET, serve_socket


def exchange(sock: socket.socket, payload: bytes) -> bytes:
    sock.sendall(struct.pack("!H", len(payload)) + payload)
    (size,) = struct.unpack("!H", sock.recv(2))
    return sock.recv(size)


def test_vicc_answers_atr_and_apdus_when_vpcd_sends_them() -> None:
    card = virtual_card()
    ours, theirs = socket.socketpair()
    worker = threading.Thread(target=serve_socket, args=(card, ours))
    worker.start()
    try:
        theirs.sendall(struct.pack("!HB", 1, POWER_ON))
        assert exchange(theirs, bytes([GET_ATR])) == card.atr
        assert exchange(theirs, bytes.fromhex("00A4040C09E80704007F00070302")) == b"\x90\x00"
        theirs.sendall(struct.pack("!HB", 1, RESET) + struct.pack("!HB", 1, POWER_OFF))
        assert exchange(theirs, bytes.fromhex("00A4000C023F00")) == b"\x90\x00"
    finally:
        theirs.close()
        worker.join(timeout=5)
    assert not worker.is_alive()
