"""Restricted Identification: a sector-specific pseudonym from the card's secret key.

BSI TR-03110 Part 2 section 3.6 (RI with ECDH): the card holds ``SK_ID``; a sector (a service
provider's group) has a key pair, and the card answers ``I = H(KA(SK_ID, PK_Sector))`` with
SHA-256 (id-RI-ECDH-SHA-256). The same card and sector always give the same pseudonym; other
sectors give unrelated values, and without ``SK_ID`` nobody can link them.

In a test harness the sector keys are derived from the sector name (``sector_public_key``), so
a portal and its test fixtures agree on them without a PKI.
"""

from __future__ import annotations

import functools
import hashlib

from skc.card import ec, tlv

# id-RI-ECDH-SHA-256: 0.4.0.127.0.7.2.2.5.2.3 (TR-03110-3 A.1.1.5)
RI_OID = bytes.fromhex("04007F00070202050203")


def sector_private_key(sector: str) -> int:
    """The (test) sector's private key, derived from its name."""
    digest = hashlib.sha256(b"skc.card sector|" + sector.encode("utf-8")).digest()
    return int.from_bytes(digest, "big") % (ec.N - 1) + 1


@functools.lru_cache(maxsize=256)
def sector_public_key(sector: str) -> ec.Point:
    """``PK_Sector`` of a named sector."""
    return ec.public_key(sector_private_key(sector))


def pseudonym(sk_id: int, pk_sector: ec.Point) -> bytes:
    """``H(KA(SK_ID, PK_Sector))`` with SHA-256: 32 bytes."""
    return hashlib.sha256(ec.shared_x(sk_id, pk_sector)).digest()


def sector_key_object(pk_sector: ec.Point) -> bytes:
    """General Authenticate data for RI: ``7C { A0 { 06 OID, 86 point } }``."""
    inner = tlv.encode(0x06, RI_OID) + tlv.encode(0x86, pk_sector.encode())
    return tlv.encode(0x7C, tlv.encode(0xA0, inner))
