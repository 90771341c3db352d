"""The symmetric cryptography of PACE and secure messaging (AES-128, CMAC), on ``cryptography``.

References: ICAO Doc 9303 Part 11 (8th ed.) section 9.7.1 (key derivation), 9.8.6 (AES secure
messaging), 4.4.3.4 (authentication token); BSI TR-03110 Part 3 A.2.3 and F (secure messaging).
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives import cmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from skc.card.errors import CardProtocolError

BLOCK = 16
KEY_ENC = 1
KEY_MAC = 2
KEY_PI = 3


def kdf(secret: bytes, counter: int) -> bytes:
    """AES-128 key from a shared secret: ``SHA-1(secret || counter)[:16]`` (9303-11 9.7.1)."""
    return hashlib.sha1(secret + counter.to_bytes(4, "big")).digest()[:BLOCK]


def password_key(password: bytes) -> bytes:
    """``K_pi`` from the encoded password (PIN, CAN, PUK as ASCII; MRZ as its SHA-1)."""
    return kdf(password, KEY_PI)


def mrz_password(document_number: str, birth: str, expiry: str) -> bytes:
    """The MRZ password ``SHA-1(doc no + check || birth + check || expiry + check)`` (9.7.3)."""

    def with_check(field: str) -> str:
        weights = (7, 3, 1)
        values = [
            int(c) if c.isdigit() else (ord(c) - 55 if c.isalpha() else 0) for c in field.upper()
        ]
        check = sum(v * weights[i % 3] for i, v in enumerate(values)) % 10
        return field + str(check)

    info = with_check(document_number) + with_check(birth) + with_check(expiry)
    return hashlib.sha1(info.encode("ascii")).digest()


def _aes(key: bytes, iv: bytes | None) -> Cipher[modes.CBC] | Cipher[modes.ECB]:
    if iv is None:
        return Cipher(algorithms.AES(key), modes.ECB())
    return Cipher(algorithms.AES(key), modes.CBC(iv))


def cbc_encrypt(key: bytes, data: bytes, iv: bytes = bytes(BLOCK)) -> bytes:
    """AES-CBC over whole blocks (the caller pads)."""
    encryptor = _aes(key, iv).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def cbc_decrypt(key: bytes, data: bytes, iv: bytes = bytes(BLOCK)) -> bytes:
    """AES-CBC decryption over whole blocks."""
    if len(data) % BLOCK:
        raise CardProtocolError("ciphertext is not a whole number of AES blocks")
    decryptor = _aes(key, iv).decryptor()
    return decryptor.update(data) + decryptor.finalize()


def ecb_block(key: bytes, block: bytes) -> bytes:
    """One AES block in ECB mode (the SM send-sequence-counter IV, 9303-11 9.8.6.1)."""
    encryptor = _aes(key, None).encryptor()
    return encryptor.update(block) + encryptor.finalize()


def mac8(key: bytes, data: bytes) -> bytes:
    """AES-CMAC truncated to 8 bytes (9303-11 9.8.6.2)."""
    signer = cmac.CMAC(algorithms.AES(key))
    signer.update(data)
    return signer.finalize()[:8]


def pad(data: bytes) -> bytes:
    """ISO/IEC 9797-1 padding method 2: ``80`` then zeros up to a block boundary."""
    data += b"\x80"
    return data + bytes(-len(data) % BLOCK)


def unpad(data: bytes) -> bytes:
    """Remove ISO/IEC 9797-1 padding method 2; raise CardProtocolError when it is missing."""
    stripped = data.rstrip(b"\x00")
    if not stripped.endswith(b"\x80"):
        raise CardProtocolError("secure-messaging padding is missing")
    return stripped[:-1]
