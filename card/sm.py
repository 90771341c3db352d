"""Secure messaging with AES-128 and CMAC after PACE, for both the terminal and the chip.

ICAO Doc 9303 Part 11 (8th ed.) section 9.8 and BSI TR-03110 Part 3 appendix F: the send sequence
counter (SSC, 16 bytes, starting at 0) is incremented before each command and each response; the
IV is ``E(KS_enc, SSC)``; data travel in DO'87' (padding indicator 01), the expected length in
DO'97', the status word in DO'99', and DO'8E' holds the CMAC (8 bytes) over
``SSC || padded header || DOs``, padded.
"""

from __future__ import annotations

import hmac

from skc.card import crypto, tlv
from skc.card.apdu import Command, split_response
from skc.card.errors import SecureMessagingError

SW_SM_MISSING = 0x6987
SW_SM_INCORRECT = 0x6988


class SecureChannel:
    """One secure-messaging session: keys and the send sequence counter."""

    __slots__ = ("_enc", "_mac", "ssc")

    def __init__(self, ks_enc: bytes, ks_mac: bytes, ssc: int = 0) -> None:
        self._enc = ks_enc
        self._mac = ks_mac
        self.ssc = ssc

    def __repr__(self) -> str:
        return f"SecureChannel(ssc={self.ssc}, keys hidden)"

    def _next(self) -> bytes:
        self.ssc += 1
        return self.ssc.to_bytes(crypto.BLOCK, "big")

    def _encrypt(self, ssc: bytes, data: bytes) -> bytes:
        iv = crypto.ecb_block(self._enc, ssc)
        return tlv.encode(0x87, b"\x01" + crypto.cbc_encrypt(self._enc, crypto.pad(data), iv))

    def _decrypt(self, ssc: bytes, do87: bytes) -> bytes:
        if not do87 or do87[0] != 0x01:
            raise SecureMessagingError("DO'87' lacks the padding indicator 01", SW_SM_INCORRECT)
        iv = crypto.ecb_block(self._enc, ssc)
        return crypto.unpad(crypto.cbc_decrypt(self._enc, do87[1:], iv))

    def _mac8(self, ssc: bytes, data: bytes) -> bytes:
        return crypto.mac8(self._mac, crypto.pad(ssc + data))

    # -- terminal side -------------------------------------------------------------------------

    def protect_command(self, apdu: bytes) -> bytes:
        """Wrap a plain command APDU."""
        command = Command.parse(apdu)
        ssc = self._next()
        header = bytes([command.cla | 0x0C, command.ins, command.p1, command.p2])
        objects = self._encrypt(ssc, command.data) if command.data else b""
        if command.le is not None:
            le = command.le
            # Le 256 is 00 and Le 65536 is 00 00 (ISO/IEC 7816-4 5.1).
            raw_le = bytes([le % 256]) if le <= 256 else (le % 65536).to_bytes(2, "big")
            objects += tlv.encode(0x97, raw_le)
        mac = self._mac8(ssc, crypto.pad(header) + objects)
        body = objects + tlv.encode(0x8E, mac)
        return Command(header[0], command.ins, command.p1, command.p2, body, 256).encode()

    def unprotect_response(self, response: bytes) -> tuple[bytes, int]:
        """``(data, sw)`` of a protected response; a bare status word is returned as it is."""
        ssc = self._next()
        data, sw = split_response(response)
        if not data:
            return b"", sw
        objects = dict(tlv.parse(data))
        if 0x99 not in objects or 0x8E not in objects:
            raise SecureMessagingError("response lacks DO'99' or DO'8E'", SW_SM_MISSING)
        covered = (tlv.encode(0x87, objects[0x87]) if 0x87 in objects else b"") + tlv.encode(
            0x99, objects[0x99]
        )
        if not hmac.compare_digest(self._mac8(ssc, covered), objects[0x8E]):
            raise SecureMessagingError("response MAC is wrong", SW_SM_INCORRECT)
        plain = self._decrypt(ssc, objects[0x87]) if 0x87 in objects else b""
        return plain, int.from_bytes(objects[0x99], "big")

    # -- chip side -----------------------------------------------------------------------------

    def unprotect_command(self, apdu: bytes) -> Command:
        """The plain command inside a protected APDU; SecureMessagingError when it is not."""
        command = Command.parse(apdu)
        ssc = self._next()
        if not command.secure:
            raise SecureMessagingError("plain command during secure messaging", SW_SM_MISSING)
        objects = dict(tlv.parse(command.data))
        if 0x8E not in objects:
            raise SecureMessagingError("command lacks DO'8E'", SW_SM_MISSING)
        covered = b"".join(tlv.encode(tag, objects[tag]) for tag in (0x87, 0x97) if tag in objects)
        if not hmac.compare_digest(
            self._mac8(ssc, crypto.pad(command.header) + covered), objects[0x8E]
        ):
            raise SecureMessagingError("command MAC is wrong", SW_SM_INCORRECT)
        data = self._decrypt(ssc, objects[0x87]) if 0x87 in objects else b""
        le: int | None = None
        if 0x97 in objects:
            raw = objects[0x97]
            le = int.from_bytes(raw, "big") or (256 if len(raw) <= 1 else 65536)
        return Command(command.cla & ~0x0C & 0xFF, command.ins, command.p1, command.p2, data, le)

    def protect_response(self, data: bytes, sw: int) -> bytes:
        """Wrap response data and status word."""
        ssc = self._next()
        objects = (self._encrypt(ssc, data) if data else b"") + tlv.encode(
            0x99, sw.to_bytes(2, "big")
        )
        return objects + tlv.encode(0x8E, self._mac8(ssc, objects)) + sw.to_bytes(2, "big")
