"""Access rights of an authentication terminal: the CHAT, and the holder's choice that narrows it.

The Certificate Holder Authorization Template (BSI TR-03110 Part 4, C.4.2 "Authentication
Terminals") is ``7F4C { 06 id-AT, 53 five bytes }``; bit 0 is the least significant bit of the
last byte. An eID service asks for attributes, some required ("Pflichtfelder", preselected) and
some optional; the holder may deselect optional ones, never the required ones, and for a login
the pseudonym (Restricted Identification) is required. The client sends the narrowed CHAT in
MSE:Set AT, and the card releases only what it allows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from skc.card import tlv
from skc.card.errors import CardProtocolError, RequiredAttributeError, UnknownAttributeError

# id-AT: 0.4.0.127.0.7.3.1.2.2 (TR-03110-4 C.4.2)
ID_AT: Final = bytes.fromhex("04007F000703010202")

# Special functions (TR-03110-4 C.4.2.2, bits 0-7).
AGE_VERIFICATION: Final = 0
COMMUNITY_ID_VERIFICATION: Final = 1
RESTRICTED_IDENTIFICATION: Final = 2
CAN_ALLOWED: Final = 4
PIN_MANAGEMENT: Final = 5

# Attribute name -> eID data group number (TR-03110-4 C.4.2.2: read DGn is bit 7+n).
DATA_GROUPS: Final[dict[str, int]] = {
    "document_type": 1,
    "issuing_state": 2,
    "date_of_expiry": 3,
    "given_names": 4,
    "family_names": 5,
    "artistic_name": 6,
    "academic_title": 7,
    "date_of_birth": 8,
    "place_of_birth": 9,
    "nationality": 10,
    "birth_name": 13,
    "address": 17,
    "community_id": 18,
    "residence_permit_1": 19,
    "residence_permit_2": 20,
}
PSEUDONYM: Final = "pseudonym"
ATTRIBUTES: Final = (*DATA_GROUPS, PSEUDONYM)


def read_bit(dg: int) -> int:
    """The CHAT bit that allows reading eID data group ``dg``."""
    return 7 + dg


def attribute_bit(name: str) -> int:
    """The CHAT bit of an attribute name; UnknownAttributeError lists the valid names."""
    if name in DATA_GROUPS:
        return read_bit(DATA_GROUPS[name])
    if name == PSEUDONYM:
        return RESTRICTED_IDENTIFICATION
    raise UnknownAttributeError("eID attribute", name, ATTRIBUTES)


@dataclass(frozen=True, slots=True)
class Chat:
    """The 40 access bits of an authentication terminal's CHAT."""

    bits: int = 0

    @classmethod
    def for_attributes(cls, names: Iterable[str]) -> Chat:
        """A CHAT allowing exactly these attributes."""
        value = 0
        for name in names:
            value |= 1 << attribute_bit(name)
        return cls(value)

    def allows(self, bit: int) -> bool:
        """Whether ``bit`` is set."""
        return bool(self.bits >> bit & 1)

    def allows_reading(self, dg: int) -> bool:
        """Whether data group ``dg`` may be read."""
        return self.allows(read_bit(dg))

    def attributes(self) -> frozenset[str]:
        """The attribute names this CHAT allows."""
        return frozenset(name for name in ATTRIBUTES if self.allows(attribute_bit(name)))

    def encode(self) -> bytes:
        """``7F4C { 06 id-AT, 53 bits }``."""
        return tlv.encode(
            0x7F4C, tlv.encode(0x06, ID_AT) + tlv.encode(0x53, self.bits.to_bytes(5, "big"))
        )

    @classmethod
    def decode(cls, data: bytes) -> Chat:
        """Parse the value of a 7F4C object; CardProtocolError unless it is an id-AT CHAT."""
        if tlv.require(data, 0x06) != ID_AT:
            raise CardProtocolError("only authentication-terminal CHATs (id-AT) are supported")
        bits = tlv.require(data, 0x53)
        if len(bits) != 5:
            raise CardProtocolError("an id-AT CHAT has five bytes of access bits")
        return cls(int.from_bytes(bits, "big"))


@dataclass(frozen=True, slots=True)
class AccessRequest:
    """What an eID service asks for: required attributes and optional ones.

    ``login()`` builds the request of a Servicekonto login: the pseudonym is required.
    """

    required: frozenset[str]
    optional: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for name in self.required | self.optional:
            attribute_bit(name)
        if self.required & self.optional:
            both = ", ".join(sorted(self.required & self.optional))
            raise ValueError(f"attributes both required and optional: {both}; choose one")

    @classmethod
    def login(cls, *optional: str, required: Iterable[str] = ()) -> AccessRequest:
        """A login request: the pseudonym required, plus ``required``; ``optional`` extra."""
        return cls(frozenset({PSEUDONYM, *required}), frozenset(optional))

    def chat(self, deselected: Iterable[str] = ()) -> Chat:
        """The CHAT after the holder deselected ``deselected``.

        Raises RequiredAttributeError when a required attribute (the pseudonym of a login) is
        deselected: the holder can only cancel the whole authentication then.
        """
        dropped = frozenset(deselected)
        refused = dropped & self.required
        if refused:
            raise RequiredAttributeError(
                f"required attributes cannot be deselected: {', '.join(sorted(refused))}; "
                "cancel the authentication instead"
            )
        return Chat.for_attributes(self.required | (self.optional - dropped))
