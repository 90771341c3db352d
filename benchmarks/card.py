"""Benchmark of the virtual eID card: one full in-process eID authentication.

One authentication is what a portal login with the eID does: EF.CardAccess, MSE:Set AT with
the CHAT, PACE with the PIN (four General Authenticate steps), the validity check, reading the
requested data groups over secure messaging, and Restricted Identification for the sector.
Target (issue 13): median at most 50 ms on the development machine. Printed, never asserted.

Then the eID login step of a conformance run end to end: ``login_with_eid`` with a card
reference and the PIN on the in-process adapter (its eID client's card session, PACE, data
groups, Restricted Identification, and the reference portal's pseudonym lookup), once on one
connection and once as a lock-step pair (portal and model each run it).

    python -m benchmarks.card [ROUNDS]
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date

from skc.card import AccessRequest, EidClient, ec, pace, virtual_card
from skc.conformance.adapters.inprocess import InProcessAdapter, InProcessConnection
from skc.conformance.steps import SECRETS
from skc.fixtures.eid_accounts import register_activated_eid_citizen

TARGET_MS = 50.0
REQUEST = AccessRequest.login(
    "given_names", "family_names", "date_of_birth", "place_of_birth", "address", "birth_name"
)


def authenticate_once() -> float:
    """Milliseconds for one fresh card and one full eID authentication."""
    started = time.perf_counter()
    card = virtual_card()
    client = EidClient(card)
    client.read_card_access()
    result = client.authenticate(
        "123456", REQUEST, sector="servicekonto.example", today=date(2026, 12, 1)
    )
    took = (time.perf_counter() - started) * 1000
    assert result.pseudonym is not None
    assert len(result.attributes) == 6
    return took


def bench_authentication(rounds: int = 50) -> float:
    """Median and spread of a full authentication; returns the median in ms."""
    authenticate_once()  # warm up imports and caches
    samples = [authenticate_once() for _ in range(rounds)]
    median = statistics.median(samples)
    print(f"\nvirtual eID card, full in-process authentication ({rounds} rounds):")
    print(
        f"  median {median:6.1f} ms  min {min(samples):6.1f} ms  max {max(samples):6.1f} ms"
        f"  ratio {median / TARGET_MS:.2f} of {TARGET_MS:.0f} ms"
    )
    return median


def _registered_connection() -> InProcessConnection:
    return register_activated_eid_citizen(InProcessAdapter("hamburg").connect())


def bench_eid_login_step(rounds: int = 50) -> float:
    """Median of one in-process ``login_with_eid`` step, one connection and a lock-step pair;
    returns the one-connection median in ms."""
    arguments = {"card": "erika-mustermann", "pin": SECRETS["pin"].value}
    pair = (_registered_connection(), _registered_connection())
    for connection in pair:  # warm up: the card opens on first use
        assert connection.call("login_with_eid", arguments).accepted
    single: list[float] = []
    both: list[float] = []
    for _ in range(rounds):
        started = time.perf_counter()
        assert pair[0].call("login_with_eid", arguments).accepted
        middle = time.perf_counter()
        assert pair[1].call("login_with_eid", arguments).accepted
        ended = time.perf_counter()
        single.append((middle - started) * 1000)
        both.append((ended - started) * 1000)
    median = statistics.median(single)
    print(f"\nin-process eID login step, card reference and PIN ({rounds} rounds):")
    print(f"  one connection          median {median:6.1f} ms  max {max(single):6.1f} ms")
    print(f"  portal + model (a pair) median {statistics.median(both):6.1f} ms")
    return median


def bench_scalar_multiplication(rounds: int = 50) -> None:
    """The point multiplication behind PACE's generic mapping, plain integers."""
    point = ec.public_key(pace.random_scalar())
    scalars = [pace.random_scalar() for _ in range(rounds)]
    for name, fn in (
        ("multiply (4-bit window)", ec.multiply),
        ("multiply_plain (double-and-add)", ec.multiply_plain),
    ):
        started = time.perf_counter()
        for k in scalars:
            fn(k, point)
        each = (time.perf_counter() - started) * 1000 / rounds
        print(f"  {name:34} {each:6.2f} ms per point")


def main() -> None:
    """Run the card benchmarks."""
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    bench_authentication(rounds)
    bench_eid_login_step(rounds)
    print("\nbrainpoolP256r1 scalar multiplication:")
    bench_scalar_multiplication()


if __name__ == "__main__":
    main()
