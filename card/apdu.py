"""Command and response APDUs (ISO/IEC 7816-4 section 5.1): parse, build, short and extended."""

from __future__ import annotations

from dataclasses import dataclass

from skc.card.errors import CardProtocolError


@dataclass(frozen=True, slots=True)
class Command:
    """A command APDU; ``le`` is None when no response data is expected (0 means "all")."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None

    def __repr__(self) -> str:
        # The data may hold a PIN or PUK (RESET RETRY COUNTER): show its length only.
        return (
            f"Command({self.cla:02X} {self.ins:02X} {self.p1:02X} {self.p2:02X}, "
            f"{len(self.data)} data bytes, le={self.le})"
        )

    @property
    def secure(self) -> bool:
        """Whether the class byte announces secure messaging (bits 4 and 3 set)."""
        return self.cla & 0x0C == 0x0C

    @property
    def header(self) -> bytes:
        """``CLA INS P1 P2``."""
        return bytes([self.cla, self.ins, self.p1, self.p2])

    def encode(self) -> bytes:
        """The APDU bytes, short when everything fits, extended otherwise."""
        le = self.le
        extended = len(self.data) > 255 or (le is not None and le > 256)
        out = self.header
        if extended:
            if self.data:
                out += b"\x00" + len(self.data).to_bytes(2, "big") + self.data
            if le is not None:
                out += (b"" if self.data else b"\x00") + (le % 65536).to_bytes(2, "big")
            return out
        if self.data:
            out += bytes([len(self.data)]) + self.data
        if le is not None:
            out += bytes([le % 256])
        return out

    @classmethod
    def parse(cls, apdu: bytes) -> Command:
        """Parse the four ISO cases, short and extended; raise CardProtocolError if malformed."""
        if len(apdu) < 4:
            raise CardProtocolError("a command APDU has at least four bytes")
        cla, ins, p1, p2 = apdu[:4]
        body = apdu[4:]
        if not body:
            return cls(cla, ins, p1, p2)
        if len(body) == 1:
            return cls(cla, ins, p1, p2, le=body[0] or 256)
        if body[0] == 0 and len(body) >= 3:
            if len(body) == 3:
                return cls(cla, ins, p1, p2, le=int.from_bytes(body[1:], "big") or 65536)
            lc = int.from_bytes(body[1:3], "big")
            rest = body[3:]
            if len(rest) == lc:
                return cls(cla, ins, p1, p2, rest)
            if len(rest) == lc + 2:
                return cls(cla, ins, p1, p2, rest[:lc], int.from_bytes(rest[lc:], "big") or 65536)
            raise CardProtocolError("extended APDU length does not match Lc")
        lc = body[0]
        rest = body[1:]
        if len(rest) == lc:
            return cls(cla, ins, p1, p2, rest)
        if len(rest) == lc + 1:
            return cls(cla, ins, p1, p2, rest[:lc], rest[lc] or 256)
        raise CardProtocolError("APDU length does not match Lc")


def split_response(response: bytes) -> tuple[bytes, int]:
    """``(data, sw)`` of a response APDU."""
    if len(response) < 2:
        raise CardProtocolError("a response APDU ends with two status bytes")
    return response[:-2], int.from_bytes(response[-2:], "big")


def response(data: bytes, sw: int) -> bytes:
    """A response APDU: data followed by SW1 SW2."""
    return data + sw.to_bytes(2, "big")
