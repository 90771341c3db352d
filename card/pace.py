"""PACE with ECDH generic mapping on brainpoolP256r1 and AES-128 (id-PACE-ECDH-GM-AES-CBC-CMAC-128).

Both halves as small state machines: ``ChipPace`` answers the four General Authenticate steps,
``TerminalPace`` builds them. References: ICAO Doc 9303 Part 11 (8th ed.) section 4.4 (protocol),
4.4.3.3.1 (generic mapping ``G' = s*G + H``), 4.4.3.4 (authentication token over the public-key
data object 7F49); BSI TR-03110 Part 3 B.1 and B.11 (APDUs). The test vector is 9303-11
Appendix G.1 ("ECDH based example"), reproduced in ``tests/cover/test_card_pace.py``.

Ephemeral private keys and the nonce come from ``secrets`` unless a test passes them in.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from skc.card import crypto, ec, tlv
from skc.card.errors import CardProtocolError

# id-PACE-ECDH-GM-AES-CBC-CMAC-128: 0.4.0.127.0.7.2.2.4.2.2 (TR-03110-3 A.1.1.1)
PACE_OID = bytes.fromhex("04007F00070202040202")
# Standardized domain parameter 13: brainpoolP256r1 (TR-03110-3 A.2.1.1, Table 4)
PARAMETER_ID = 13


def random_scalar() -> int:
    """A private key in [1, n-1]."""
    return secrets.randbelow(ec.N - 1) + 1


def encrypt_nonce(k_pi: bytes, nonce: bytes) -> bytes:
    """``z = E(K_pi, s)`` with AES-CBC and a zero IV (9303-11 4.4.3.1)."""
    return crypto.cbc_encrypt(k_pi, nonce)


def decrypt_nonce(k_pi: bytes, z: bytes) -> bytes:
    """``s = D(K_pi, z)``."""
    return crypto.cbc_decrypt(k_pi, z)


def map_generator(nonce: bytes, h: ec.Point) -> ec.Point:
    """Generic mapping: ``G' = s*G + H`` (9303-11 4.4.3.3.1)."""
    return ec.add(ec.public_key(int.from_bytes(nonce, "big")), h)


def ephemeral_public(eph_key: int, nonce: bytes, map_key: int, other_map: ec.Point) -> ec.Point:
    """``eph * G'`` without computing ``G'`` itself.

    ``G' = s*G + H`` with ``H = map_key * PK_map_other``, so
    ``eph*G' = (eph*s)*G + (eph*map_key)*PK_map_other``: one fixed-base multiplication and one
    general one, instead of two general ones (for ``H`` and for ``eph*G'``).
    """
    s = int.from_bytes(nonce, "big")
    return ec.add(
        ec.public_key(eph_key * s % ec.N), ec.multiply(eph_key * map_key % ec.N, other_map)
    )


def session_keys(shared_secret: bytes) -> tuple[bytes, bytes]:
    """``(KS_enc, KS_mac)`` from the shared secret's x coordinate (9303-11 9.7.1)."""
    return crypto.kdf(shared_secret, crypto.KEY_ENC), crypto.kdf(shared_secret, crypto.KEY_MAC)


def public_key_object(point: ec.Point) -> bytes:
    """The public-key data object ``7F49 { 06 OID, 86 point }`` (TR-03110-3 D.3.3)."""
    return tlv.encode(0x7F49, tlv.encode(0x06, PACE_OID) + tlv.encode(0x86, point.encode()))


def auth_token(ks_mac: bytes, other_public: ec.Point) -> bytes:
    """``T = MAC(KS_mac, PK_other)`` over the public-key data object (9303-11 4.4.3.4)."""
    return crypto.mac8(ks_mac, public_key_object(other_public))


def dynamic_data(tag: int, value: bytes) -> bytes:
    """General Authenticate data: ``7C { tag value }`` (an empty 7C when ``value`` is empty)."""
    return tlv.encode(0x7C, tlv.encode(tag, value) if value or tag else b"")


def dynamic_value(data: bytes, tag: int) -> bytes:
    """The object ``tag`` inside a ``7C`` dynamic authentication data object."""
    return tlv.require(tlv.require(data, 0x7C), tag)


@dataclass(frozen=True, slots=True)
class SessionKeys:
    """The result of a successful PACE: the secure-messaging keys (never printed)."""

    enc: bytes
    mac: bytes

    def __repr__(self) -> str:
        return "SessionKeys(<hidden>)"


class ChipPace:
    """The card's side of one PACE run; call the steps in order."""

    __slots__ = (
        "_eph_key",
        "_k_pi",
        "_map_key",
        "_nonce",
        "_own_eph",
        "_terminal_eph",
        "_terminal_map",
        "keys",
    )

    def __init__(
        self,
        password: bytes,
        *,
        nonce: bytes | None = None,
        map_key: int | None = None,
        eph_key: int | None = None,
    ) -> None:
        self._k_pi = crypto.password_key(password)
        self._nonce = nonce if nonce is not None else secrets.token_bytes(16)
        self._map_key = map_key if map_key is not None else random_scalar()
        self._eph_key = eph_key if eph_key is not None else random_scalar()
        self._terminal_eph: ec.Point | None = None
        self._terminal_map: ec.Point | None = None
        self._own_eph: ec.Point | None = None
        self.keys: SessionKeys | None = None

    def __repr__(self) -> str:
        return "ChipPace(<secrets hidden>)"

    def encrypted_nonce(self) -> bytes:
        """Step 1: the encrypted nonce ``z``."""
        return encrypt_nonce(self._k_pi, self._nonce)

    def map_nonce(self, terminal_map_public: ec.Point) -> ec.Point:
        """Step 2: keep the terminal's mapping key; return the chip's mapping public key."""
        self._terminal_map = terminal_map_public
        return ec.public_key(self._map_key)

    def agree(self, terminal_eph_public: ec.Point) -> ec.Point:
        """Step 3: the chip's ephemeral public key over ``G'``; derive the session keys."""
        if self._terminal_map is None:
            raise CardProtocolError("PACE steps out of order: map the nonce first")
        own_public = ephemeral_public(self._eph_key, self._nonce, self._map_key, self._terminal_map)
        if terminal_eph_public == own_public:
            raise CardProtocolError("the terminal's ephemeral key equals the chip's")
        self._terminal_eph = terminal_eph_public
        enc, mac = session_keys(ec.shared_x(self._eph_key, terminal_eph_public))
        self.keys = SessionKeys(enc, mac)
        self._own_eph = own_public
        return own_public

    def verify(self, terminal_token: bytes) -> bytes | None:
        """Step 4: the chip's token if the terminal's token is right, else None."""
        if self.keys is None or self._own_eph is None or self._terminal_eph is None:
            raise CardProtocolError("PACE steps out of order: key agreement first")
        expected = auth_token(self.keys.mac, self._own_eph)
        if not hmac.compare_digest(expected, terminal_token):
            return None
        return auth_token(self.keys.mac, self._terminal_eph)


class TerminalPace:
    """The terminal's side of one PACE run."""

    __slots__ = ("_eph_key", "_k_pi", "_map_key", "_nonce", "_own_eph", "keys")

    def __init__(
        self, password: bytes, *, map_key: int | None = None, eph_key: int | None = None
    ) -> None:
        self._k_pi = crypto.password_key(password)
        self._map_key = map_key if map_key is not None else random_scalar()
        self._eph_key = eph_key if eph_key is not None else random_scalar()
        self._nonce = b""
        self._own_eph: ec.Point | None = None
        self.keys: SessionKeys | None = None

    def __repr__(self) -> str:
        return "TerminalPace(<secrets hidden>)"

    def receive_nonce(self, z: bytes) -> ec.Point:
        """Decrypt the nonce; return the terminal's mapping public key."""
        self._nonce = decrypt_nonce(self._k_pi, z)
        return ec.public_key(self._map_key)

    def map_nonce(self, chip_map_public: ec.Point) -> ec.Point:
        """Return the terminal's ephemeral public key over the mapped generator ``G'``."""
        self._own_eph = ephemeral_public(self._eph_key, self._nonce, self._map_key, chip_map_public)
        return self._own_eph

    def agree(self, chip_eph_public: ec.Point) -> bytes:
        """Derive the session keys; return the terminal's authentication token."""
        if self._own_eph is None:
            raise CardProtocolError("PACE steps out of order: map the nonce first")
        if chip_eph_public == self._own_eph:
            raise CardProtocolError("the chip's ephemeral key equals the terminal's")
        enc, mac = session_keys(ec.shared_x(self._eph_key, chip_eph_public))
        self.keys = SessionKeys(enc, mac)
        return auth_token(mac, chip_eph_public)

    def check_chip_token(self, token: bytes) -> bool:
        """Whether the chip's token proves it derived the same keys."""
        if self.keys is None or self._own_eph is None:
            raise CardProtocolError("PACE steps out of order: key agreement first")
        return hmac.compare_digest(auth_token(self.keys.mac, self._own_eph), token)
