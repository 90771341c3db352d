"""Elliptic-curve arithmetic on brainpoolP256r1 with plain Python integers.

PACE's generic mapping computes a new generator ``G' = s*G + H`` and then does Diffie-Hellman over
``G'``; ``cryptography`` only offers keys over the standard generator and ECDH returns only the x
coordinate, so whole points are computed here (Jacobian coordinates, no inversion in the loop):
``multiply`` with a 4-bit window, ``multiply_plain`` by double-and-add as the reference. Both
are tested against each other and against the ICAO 9303-11 worked example. ``public_key``
(``k*G``) adds from a fixed-base table built on first use; ``shared_x`` (the ECDH secret) is
computed by ``cryptography``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ec

from skc.card.errors import CardProtocolError

# RFC 5639 section 3.4, brainpoolP256r1.
P = 0xA9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377
A = 0x7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9
B = 0x26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6
N = 0xA9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7
GX = 0x8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262
GY = 0x547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997
SIZE = 32


@dataclass(frozen=True, slots=True)
class Point:
    """An affine point of brainpoolP256r1 (never the point at infinity)."""

    x: int
    y: int

    def encode(self) -> bytes:
        """Uncompressed SEC 1 encoding: ``04 || x || y``."""
        return b"\x04" + self.x.to_bytes(SIZE, "big") + self.y.to_bytes(SIZE, "big")


G = Point(GX, GY)
_CURVE = ec.BrainpoolP256R1()
_Jacobian = tuple[int, int, int]


def on_curve(point: Point) -> bool:
    """Whether ``point`` satisfies the curve equation with coordinates in the field."""
    x, y = point.x, point.y
    return 0 <= x < P and 0 <= y < P and (y * y - (x * x * x + A * x + B)) % P == 0


def decode(data: bytes) -> Point:
    """Parse an uncompressed point; raise CardProtocolError unless it lies on the curve."""
    if len(data) != 1 + 2 * SIZE or data[0] != 0x04:
        raise CardProtocolError("expected an uncompressed brainpoolP256r1 point (65 bytes, 04..)")
    point = Point(
        int.from_bytes(data[1 : 1 + SIZE], "big"), int.from_bytes(data[1 + SIZE :], "big")
    )
    if not on_curve(point):
        raise CardProtocolError("the point is not on brainpoolP256r1")
    return point


def _double(p: _Jacobian) -> _Jacobian:
    x, y, z = p
    if y == 0 or z == 0:
        return (1, 1, 0)
    yy = y * y % P
    s = 4 * x * yy % P
    zz = z * z % P
    m = (3 * x * x + A * zz * zz) % P
    x3 = (m * m - 2 * s) % P
    y3 = (m * (s - x3) - 8 * yy * yy) % P
    z3 = 2 * y * z % P
    return (x3, y3, z3)


def _add_affine(p: _Jacobian, q: Point) -> _Jacobian:
    x1, y1, z1 = p
    if z1 == 0:
        return (q.x, q.y, 1)
    z1z1 = z1 * z1 % P
    u2 = q.x * z1z1 % P
    s2 = q.y * z1 * z1z1 % P
    h = (u2 - x1) % P
    r = (s2 - y1) % P
    if h == 0:
        return _double(p) if r == 0 else (1, 1, 0)
    hh = h * h % P
    hhh = h * hh % P
    v = x1 * hh % P
    x3 = (r * r - hhh - 2 * v) % P
    y3 = (r * (v - x3) - y1 * hhh) % P
    z3 = z1 * h % P
    return (x3, y3, z3)


def _to_affine(p: _Jacobian) -> Point | None:
    x, y, z = p
    if z == 0:
        return None
    zi = pow(z, -1, P)
    zi2 = zi * zi % P
    return Point(x * zi2 % P, y * zi2 * zi % P)


def add(p: Point, q: Point) -> Point:
    """``p + q``; raise CardProtocolError if the sum is the point at infinity."""
    result = _to_affine(_add_affine((p.x, p.y, 1), q))
    if result is None:
        raise CardProtocolError("the sum of the points is the point at infinity")
    return result


def multiply_plain(k: int, point: Point) -> Point:
    """``k * point`` by double-and-add over plain integers (the reference implementation)."""
    k %= N
    acc: _Jacobian = (1, 1, 0)
    for bit in bin(k)[2:] if k else "":
        acc = _double(acc)
        if bit == "1":
            acc = _add_affine(acc, point)
    result = _to_affine(acc)
    if result is None:
        raise CardProtocolError("the scalar multiple is the point at infinity")
    return result


def multiply(k: int, point: Point) -> Point:
    """``k * point`` with a fixed 4-bit window (15 precomputed multiples, 64 additions)."""
    k %= N
    if k == 0:
        raise CardProtocolError("the scalar multiple is the point at infinity")
    table = [point]
    acc: _Jacobian = (point.x, point.y, 1)
    for _ in range(14):
        acc = _add_affine(acc, point)
        multiple = _to_affine(acc)
        if multiple is None:  # only for points of tiny order, never on this curve's group
            return multiply_plain(k, point)
        table.append(multiple)
    acc = (1, 1, 0)
    for shift in range(252, -1, -4):
        if acc[2]:
            for _ in range(4):
                acc = _double(acc)
        digit = k >> shift & 15
        if digit:
            acc = _add_affine(acc, table[digit - 1])
    result = _to_affine(acc)
    if result is None:
        raise CardProtocolError("the scalar multiple is the point at infinity")
    return result


@functools.cache
def _base_table() -> tuple[tuple[Point, ...], ...]:
    """``d * 16**i * G`` for every 4-bit digit d and position i (computed once, ~1000 points)."""
    rows: list[tuple[Point, ...]] = []
    base = G
    for _ in range(64):
        row = [base]
        acc: _Jacobian = (base.x, base.y, 1)
        for _ in range(14):
            acc = _add_affine(acc, base)
            point = _to_affine(acc)
            assert point is not None
            row.append(point)
        rows.append(tuple(row))
        after = _to_affine(_add_affine(acc, base))  # 16 * base
        assert after is not None
        base = after
    return tuple(rows)


def public_key(k: int) -> Point:
    """``k * G`` with a fixed-base table: 64 additions and no doubling."""
    k %= N
    if k == 0:
        raise CardProtocolError("the scalar multiple is the point at infinity")
    acc: _Jacobian = (1, 1, 0)
    for row in _base_table():
        digit = k & 15
        if digit:
            acc = _add_affine(acc, row[digit - 1])
        k >>= 4
    result = _to_affine(acc)
    assert result is not None
    return result


def shared_x(k: int, point: Point) -> bytes:
    """The x coordinate of ``k * point``, 32 bytes: the ECDH shared secret (TR-03111 4.3.1),
    computed by ``cryptography``."""
    private = ec.derive_private_key(k % N, _CURVE)
    public = ec.EllipticCurvePublicKey.from_encoded_point(_CURVE, point.encode())
    return private.exchange(ec.ECDH(), public)
