"""Benchmarks of the field suite and of value generation (issue 16).

``bench_field_suite`` times the field suite of one Land in the CI profile (in-process, the
median of a few runs, wall and CPU time); ``bench_generation`` prints the cost of one drawn
example of each field's strategies as a ratio to a plain ``st.text`` draw; ``compare_trees``
times the field suite against another checkout's (``--against``). Figures are printed, never
asserted. Run ``python -m benchmarks.fields`` for these alone.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from skc.conformance.runner import RunConfig, run
from skc.model.lands import LandId
from skc.model.strategies import fields_for, invalid_values, valid_values

ROUNDS = 3
EXAMPLES = 300


def _field_suite_once(land: LandId, seed: int) -> tuple[float, float, int]:
    wall, cpu = time.perf_counter(), time.process_time()
    summary = run(RunConfig(lands=(land,), seed=seed, suites=("fields",), out=None))
    results = sum(summary.counts.values())
    return time.perf_counter() - wall, time.process_time() - cpu, results


def bench_field_suite(land: LandId = "berlin", seed: int = 1, rounds: int = ROUNDS) -> None:
    """Median wall and CPU time of the field suite of ``land`` in the CI profile (and the
    least CPU time: the figure other processes on the machine disturb least)."""
    runs = [_field_suite_once(land, seed) for _ in range(rounds)]
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    least = min(r[1] for r in runs)
    print(f"\nfield suite, {land}, in-process, CI profile, seed {seed} ({rounds} runs):")
    print(f"  median {wall:6.2f} s wall, {cpu:6.2f} s CPU; least {least:6.2f} s CPU "
          f"({runs[0][2]} results)")  # fmt: skip


def _per_example(strategy: SearchStrategy[str], examples: int) -> float:
    """Seconds per example Hypothesis generates from ``strategy`` (no shrinking, no database)."""
    seen: list[str] = []

    @settings(
        max_examples=examples, database=None, deadline=None, phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    @given(strategy)
    def draw(value: str) -> None:
        seen.append(value)

    started = time.process_time()
    draw()
    return (time.process_time() - started) / max(len(seen), 1)


def _least(strategy: SearchStrategy[str], examples: int, rounds: int = ROUNDS) -> float:
    """The least time per example over a few rounds (what other processes disturb least)."""
    return min(_per_example(strategy, examples) for _ in range(rounds))


def bench_generation(land: LandId = "berlin", examples: int = EXAMPLES) -> None:
    """CPU time per generated example of each field's valid and invalid values (Hypothesis'
    engine included), as a ratio to a plain ``st.text(max_size=20)`` draw in the same run."""
    _per_example(st.text(max_size=20), examples)  # warms Hypothesis up
    base = _least(st.text(max_size=20), examples)
    print(f"\ngeneration per example, {land} ({examples} examples, least of {ROUNDS} rounds; "
          f"plain st.text {base * 1e6:.0f} µs = 1.0):")  # fmt: skip
    rows: list[tuple[str, Callable[[], SearchStrategy[str]]]] = []
    for field in fields_for(land):
        rows.append((f"{field} valid", lambda f=field: valid_values(land, f)))  # type: ignore[misc]
        rows.append((f"{field} invalid", lambda f=field: invalid_values(land, f)))  # type: ignore[misc]
    for name, build in rows:
        try:
            strategy = build()
        except LookupError:
            continue
        took = _least(strategy, examples)
        print(f"  {name:22} {took * 1e6:8.0f} µs  ratio {took / base:5.1f}")


_ONE_SUITE = """
import sys, time
import skc
assert skc.__file__.startswith(sys.argv[2]), (skc.__file__, sys.argv[2])
from skc.conformance.runner import RunConfig, run
started = time.process_time()
run(RunConfig(lands=(sys.argv[1],), seed=1, suites=("fields",), out=None))
print(time.process_time() - started)
"""


def _suite_cpu(tree: Path, land: LandId, hash_seed: int) -> float:
    """CPU seconds of the field suite with the code of ``tree`` in a new process."""
    # run in the tree: ``python -c`` puts the working directory first on the path
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": str(hash_seed)}
    done = subprocess.run(
        [sys.executable, "-c", _ONE_SUITE, land, str(tree)], env=env, capture_output=True,
        text=True, check=True, timeout=600, cwd=tree,
    )  # fmt: skip
    return float(done.stdout.split()[-1])


def compare_trees(before: Path, land: LandId = "berlin", pairs: int = 6) -> None:
    """The field suite with this tree's code against another checkout's (``before``), in
    alternating processes, each pair under its own hash seed: the median of the pairs' ratios
    (on a shared machine one process may run 40 % slower than the next with the same work)."""
    here = Path(__file__).resolve().parent.parent
    ratios = []
    print(f"\nfield suite, {land}, CI profile, seed 1: {here} against {before}")
    for hash_seed in range(21, 21 + pairs):
        old = _suite_cpu(before, land, hash_seed)
        new = _suite_cpu(here, land, hash_seed)
        ratios.append(new / old)
        print(
            f"  hash seed {hash_seed}: {old:6.2f} s before, {new:6.2f} s now, ratio {new / old:.2f}"
        )
    print(f"  median ratio of the {pairs} pairs: {statistics.median(ratios):.2f}")


def main() -> None:
    """Run the field-suite and generation benchmarks."""
    bench_generation()
    bench_field_suite()


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--against":
        # python -m benchmarks.fields --against CHECKOUT [PAIRS]: this tree against another
        compare_trees(Path(sys.argv[2]), pairs=int(sys.argv[3]) if len(sys.argv) > 3 else 6)
    elif len(sys.argv) > 1:  # python -m benchmarks.fields ROUNDS: the field suite alone
        bench_field_suite(rounds=int(sys.argv[1]))
    else:
        main()
