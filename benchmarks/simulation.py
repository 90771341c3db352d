"""Simulated citizen journeys per second for one Land: in one process and on a local Dask
cluster of two worker processes (loopback only).

Target (issue 11): 100,000 journeys in at most 20 s on the 2-core development machine. The
Dask figure is given twice: the run alone, and with starting and stopping the cluster. Figures
are printed with their ratio to the target, never asserted. Run with
``python -m benchmarks.simulation [CITIZENS] [LAND]`` or as part of ``./dev bench``.
"""

from __future__ import annotations

import sys
import time

from skc.analysis import Population, simulate
from skc.analysis._distributed import dask_client, simulate_on

JOURNEYS = 100_000
TARGET_S = 20.0
WORKERS = 2


def _line(label: str, journeys: int, seconds: float) -> str:
    ratio = seconds / TARGET_S * JOURNEYS / journeys
    return (f"  {label:38} {journeys:>8,} journeys in {seconds:6.2f} s = {journeys / seconds:7,.0f}"
            f"/s; {JOURNEYS:,} would take {ratio:.2f} of the {TARGET_S:.0f} s budget")  # fmt: skip


def bench_simulation(journeys: int = JOURNEYS, land: str = "hamburg", seed: int = 1) -> None:
    """Print journeys per second in one process and on a 2-worker local Dask cluster."""
    population = Population.of(land, journeys, seed=seed)
    simulate(Population.of(land, 200, seed=seed))  # warm the caches (catalog, validators)
    print(f"\nsimulated citizen journeys, {land}, seed {seed}:")
    started = time.perf_counter()
    single = simulate(population)
    print(_line("one process", journeys, time.perf_counter() - started))
    started = time.perf_counter()
    with dask_client(workers=WORKERS) as client:
        ready = time.perf_counter()
        spread = simulate_on(client, population)
        ran = time.perf_counter() - ready
    total = time.perf_counter() - started
    print(_line(f"Dask, {WORKERS} local workers (run)", journeys, ran))
    print(_line(f"Dask, {WORKERS} workers incl. start/stop", journeys, total))
    same = single.journeys.equals(spread.journeys) and single.events.equals(spread.events)
    print(f"  same tables in one process and on Dask: {same}; {len(single.events):,} events")
    if not same:
        raise SystemExit("the Dask tables differ from the single-process ones")


def main(argv: list[str] | None = None) -> None:
    """Run the simulation benchmark: ``[CITIZENS] [LAND]``."""
    args = sys.argv[1:] if argv is None else argv
    journeys = int(args[0]) if args else JOURNEYS
    land = args[1] if len(args) > 1 else "hamburg"
    bench_simulation(journeys, land)


if __name__ == "__main__":
    main()
