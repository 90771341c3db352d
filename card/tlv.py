"""A small BER-TLV encoder and parser for the APDU data of PACE, RI and the data groups."""

from __future__ import annotations

from skc.card.errors import CardProtocolError


def _tag_bytes(tag: int) -> bytes:
    return tag.to_bytes((tag.bit_length() + 7) // 8 or 1, "big")


def _length_bytes(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    body = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def encode(tag: int, value: bytes) -> bytes:
    """One TLV object."""
    return _tag_bytes(tag) + _length_bytes(len(value)) + value


def parse(data: bytes) -> list[tuple[int, bytes]]:
    """The top-level ``(tag, value)`` pairs of ``data``; raise CardProtocolError if malformed."""
    items: list[tuple[int, bytes]] = []
    i = 0
    while i < len(data):
        if data[i] in (0x00, 0xFF):  # padding between objects (ISO 7816-4 5.2.2)
            i += 1
            continue
        start = i
        i += 1
        if data[start] & 0x1F == 0x1F:
            while i < len(data) and data[i] & 0x80:
                i += 1
            i += 1
        if i > len(data):
            raise CardProtocolError("truncated TLV tag")
        tag = int.from_bytes(data[start:i], "big")
        if i >= len(data):
            raise CardProtocolError("TLV object without a length")
        first = data[i]
        i += 1
        if first < 0x80:
            length = first
        else:
            count = first & 0x7F
            if count == 0 or count > 3 or i + count > len(data):
                raise CardProtocolError("bad TLV length")
            length = int.from_bytes(data[i : i + count], "big")
            i += count
        if i + length > len(data):
            raise CardProtocolError(f"TLV object {tag:X} is longer than the data")
        items.append((tag, data[i : i + length]))
        i += length
    return items


def find(data: bytes, tag: int) -> bytes | None:
    """The value of the first top-level object with ``tag``, or None."""
    return next((value for t, value in parse(data) if t == tag), None)


def require(data: bytes, tag: int) -> bytes:
    """The value of the first top-level object with ``tag``; CardProtocolError when absent."""
    value = find(data, tag)
    if value is None:
        raise CardProtocolError(f"expected a TLV object with tag {tag:X}")
    return value
