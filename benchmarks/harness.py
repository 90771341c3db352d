"""Benchmarks of the conformance harness: suite time per Land, state-machine steps per second,
and how long the suites take to find each seeded fault.

Targets (issue 3): the full suite per Land in-process in the CI profile in 60 s at most, all
five Länder in 5 minutes at most. Figures are printed with their ratios, never asserted.
"""

from __future__ import annotations

import statistics
import time

from skc.conformance.adapters import InProcessAdapter
from skc.conformance.faults import shipped_faults
from skc.conformance.lockstep import Lockstep
from skc.conformance.runner import RunConfig, run
from skc.conformance.suites.base import CheckContext
from skc.conformance.suites.stateful import stateful_checks
from skc.model.lands import LANDS

LAND_TARGET_S = 60.0
ALL_TARGET_S = 300.0


def bench_suites(seed: int = 1) -> None:
    """Wall time of the full CI-profile suite per Land and for all five."""
    print("\nfull conformance suite, in-process, CI profile:")
    total = 0.0
    for land in LANDS:
        started = time.perf_counter()
        summary = run(RunConfig(lands=(land,), seed=seed, out=None))
        took = time.perf_counter() - started
        total += took
        print(
            f"  {land:17} {took:6.1f} s  ratio {took / LAND_TARGET_S:.2f} of {LAND_TARGET_S:.0f} s"
            f"  ({sum(summary.counts.values())} results, {summary.counts.get('fail', 0)} fail)"
        )
    ratio = total / ALL_TARGET_S
    print(f"  {'all five':17} {total:6.1f} s  ratio {ratio:.2f} of {ALL_TARGET_S:.0f} s")


def bench_steps(seed: int = 1) -> None:
    """Steps per second of each state machine (portal and model both run every step)."""
    print("\nstate machines, steps per second (each step runs on portal and model):")
    counted: list[int] = []
    original = Lockstep.run

    def counting(self: Lockstep, step: object) -> object:
        counted.append(1)
        return original(self, step)  # type: ignore[arg-type]

    Lockstep.run = counting  # type: ignore[assignment,method-assign]
    try:
        for check in stateful_checks("hamburg"):
            counted.clear()
            started = time.perf_counter()
            check.run(CheckContext(InProcessAdapter("hamburg"), seed))
            took = time.perf_counter() - started
            rate = len(counted) / took
            print(f"  hamburg {check.suite:14} {rate:8.0f} steps/s ({len(counted)} steps)")
    finally:
        Lockstep.run = original  # type: ignore[method-assign]


def bench_detection(seed: int = 1) -> None:
    """Time until the first finding on each fault's rule, running only the checks citing it
    (what ``./dev quality`` does)."""
    print("\ntime to detect each seeded fault (checks citing its rule, stop at the first finding):")
    times: list[float] = []
    missed: list[str] = []
    for fault in shipped_faults().values():
        config = RunConfig(
            lands=(fault.land,), seed=seed, fault=fault, out=None,
            only_rules=frozenset({fault.rule}), stop_at_first_failure=True,
        )  # fmt: skip
        started = time.perf_counter()
        report = run(config)
        took = time.perf_counter() - started
        if any(r.rule == fault.rule for r in report.findings()):
            times.append(took)
        else:
            missed.append(fault.name)
    tally = f"{len(times)}/{len(times) + len(missed)} faults found"
    spread = (
        f"median {statistics.median(times) * 1000:.0f} ms, max {max(times):.2f} s" if times else ""
    )
    print(f"  {tally}; {spread}" + (f"; missed: {', '.join(missed)}" if missed else ""))


def main() -> None:
    """Run the harness benchmarks."""
    bench_suites()
    bench_steps()
    bench_detection()
