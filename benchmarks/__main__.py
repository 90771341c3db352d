"""Print validation throughput, the ``skc check --batch`` time, the harness figures and the
peak memory of all five Länder against a single Land.

Figures vary with the machine's load; they are printed, never asserted in a test.
Run with ``./dev bench`` (or ``nox -s bench``).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from benchmarks import card, harness, memory, simulation
from skc.model.lands import LandId
from skc.model.validators import field_names, is_valid, validate

PASSWORD_TARGET_PER_S = 100_000
BATCH_LINES = 100_000
BATCH_TARGET_S = 5.0
_ALPHABET = "abcXYZäÖß0189§$%?!+- <>@.{},"


def _corpus(rng: random.Random, size: int) -> list[str]:
    return ["".join(rng.choices(_ALPHABET, k=rng.randint(0, 45))) for _ in range(size)]


def _rate(fn: Callable[[str], object], values: list[str], seconds: float = 0.5) -> float:
    """Return calls per second of ``fn`` over ``values`` (best of three rounds)."""
    best = 0.0
    for _ in range(3):
        calls, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            for value in values:
                fn(value)
            calls += len(values)
        best = max(best, calls / (time.perf_counter() - start))
    return best


def bench_fields(land: LandId) -> None:
    """Print validations per second for every field of one Land."""
    values = _corpus(random.Random(7), 2_000)
    print(f"\nvalidations per second, {land} (best of 3 rounds, 2,000 mixed values):")
    print(f"  {'field':14} {'is_valid':>12} {'validate':>12} {'validate+readings':>18}")
    for field in field_names():
        fast = _rate(partial(is_valid, land, field), values)
        full = _rate(partial(validate, land, field), values)
        explained = _rate(partial(validate, land, field, explain_readings=True), values)
        print(f"  {field:14} {fast:12,.0f} {full:12,.0f} {explained:18,.0f}")
        if field == "password":
            print(f"  {'':14} ratio of validate() to the {PASSWORD_TARGET_PER_S:,}/s target: "
                  f"{full / PASSWORD_TARGET_PER_S:.2f}")  # fmt: skip


def bench_batch() -> None:
    """Time ``skc check --batch`` over 100,000 JSON lines, end to end in a new process."""
    rng = random.Random(11)
    lands = ["sachsen-anhalt", "gemeinsam-online", "hamburg", "berlin", "niedersachsen"]
    fields = list(field_names())
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "batch.jsonl"
        with source.open("w", encoding="utf-8") as out:
            for value in _corpus(rng, BATCH_LINES):
                record = {"land": rng.choice(lands), "field": rng.choice(fields), "value": value}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        skc = [sys.executable, "-m", "skc", "check", "--batch"]
        with source.open("rb") as stdin:
            start = time.perf_counter()
            proc = subprocess.run(skc, stdin=stdin, capture_output=True, check=True)
            elapsed = time.perf_counter() - start
    lines = proc.stdout.count(b"\n")
    print(f"\nskc check --batch: {lines:,} lines in {elapsed:.2f} s "
          f"({lines / elapsed:,.0f} lines/s); target <= {BATCH_TARGET_S:.0f} s, "
          f"ratio {elapsed / BATCH_TARGET_S:.2f} of the budget")  # fmt: skip
    if lines != BATCH_LINES:
        raise SystemExit(f"expected {BATCH_LINES} output lines, got {lines}")


def main() -> None:
    """Run every benchmark and print the figures."""
    bench_fields("hamburg")
    bench_fields("berlin")
    bench_batch()
    harness.main()
    memory.main()
    card.bench_authentication(50)
    simulation.main([])


if __name__ == "__main__":
    main()
