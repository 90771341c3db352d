"""The eID application's data groups: encoding a profile into them and decoding them back.

Encodings after BSI TR-03110 Part 4 appendix A / TR-03127 and the layout of BSI PersoSim's
profiles: each data group is ``[APPLICATION n]`` (tag 0x60+n, constructed) around one value;
ICAO strings are PrintableString, names UTF8String, dates NumericString ``YYYYMMDD``, places a
GeneralPlace (structured ``30 {AA street, AB city, AC state, AD country, AE zip}``, free text
``A1``, or ``A2`` "no place"), the community id an OCTET STRING of BCD digits.
"""

from __future__ import annotations

from datetime import date

from skc.card import tlv
from skc.card.access import DATA_GROUPS
from skc.card.errors import CardProtocolError
from skc.card.profile import Address, CardProfile

PRINTABLE, UTF8, NUMERIC, OCTETS = 0x13, 0x0C, 0x12, 0x04
_KIND: dict[str, int] = {
    "document_type": PRINTABLE,
    "issuing_state": PRINTABLE,
    "nationality": PRINTABLE,
    "date_of_expiry": NUMERIC,
    "date_of_birth": NUMERIC,
    "community_id": OCTETS,
}
_PLACE_TAGS = (("street", 0xAA), ("city", 0xAB), ("state", 0xAC), ("country", 0xAD), ("zip", 0xAE))


def _tag(dg: int) -> int:
    return 0x60 + dg


def _place(address: Address) -> bytes:
    if address.no_place is not None:
        return tlv.encode(0xA2, tlv.encode(UTF8, address.no_place.encode()))
    body = b""
    for field, tag in _PLACE_TAGS:
        value = getattr(address, field)
        if value is not None:
            kind = PRINTABLE if field in ("country", "zip") else UTF8
            body += tlv.encode(tag, tlv.encode(kind, value.encode()))
    return tlv.encode(0x30, body)


def _value(profile: CardProfile, name: str) -> bytes | None:
    if name == "date_of_expiry":
        return tlv.encode(NUMERIC, profile.expiry.strftime("%Y%m%d").encode())
    if name == "address":
        return _place(profile.address)
    if name == "place_of_birth":
        return tlv.encode(0xA1, tlv.encode(UTF8, profile.place_of_birth.encode()))
    raw = getattr(profile, name)
    if raw is None:
        return None
    if isinstance(raw, date):
        return tlv.encode(NUMERIC, raw.strftime("%Y%m%d").encode())
    kind = _KIND.get(name, UTF8)
    return tlv.encode(kind, bytes.fromhex(raw) if kind == OCTETS else str(raw).encode())


def encode_all(profile: CardProfile) -> dict[int, bytes]:
    """Data group number -> file content, for every attribute the profile has."""
    files: dict[int, bytes] = {}
    for name, dg in DATA_GROUPS.items():
        value = _value(profile, name)
        if value is not None:
            files[dg] = tlv.encode(_tag(dg), value)
    return files


def _text(kind_and_value: bytes) -> str:
    (kind, value), *_ = tlv.parse(kind_and_value)
    return value.hex().upper() if kind == OCTETS else value.decode("utf-8")


def decode(dg: int, content: bytes) -> str:
    """A data group's value as text: dates ``YYYYMMDD``, structured places as
    ``street, zip city, country`` (the way AusweisApp2 shows them)."""
    inner = tlv.require(content, _tag(dg))
    if not inner:
        raise CardProtocolError(f"data group {dg} is empty")
    (tag, value), *_ = tlv.parse(inner)
    if tag in (0xA1, 0xA2):
        return _text(value)
    if tag == 0x30:
        parts = {t: _text(v) for t, v in tlv.parse(value)}
        street, city, zip_code = parts.get(0xAA, ""), parts.get(0xAB, ""), parts.get(0xAE, "")
        town = f"{zip_code} {city}".strip()
        return ", ".join(p for p in (street, town, parts.get(0xAD, "")) if p)
    return _text(inner)
