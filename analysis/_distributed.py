"""Running a population over Dask (``dask.distributed``): a local cluster or an existing one.

The blocks of a :class:`~skc.analysis._population.Population` are the tasks; each is seeded by
its own (seed, Land, block number), so the assembled tables equal those of
:func:`~skc.analysis._population.simulate` in one process. The local cluster uses worker
processes listening on the loopback interface only (the scheduler's health routes too), with no
dashboard, and is shut down when the run ends (also when it fails).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from dask.distributed import Client, LocalCluster, as_completed

from skc.analysis._population import BlockTables, Population, Simulation, assemble, run_block

LOOPBACK = "127.0.0.1"


@contextmanager
def dask_client(scheduler: str | None = None, workers: int = 2) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler``, or of a new local cluster of ``workers``
    single-threaded worker processes on the loopback interface (closed on exit)."""
    if scheduler is not None:
        client = Client(scheduler)
        try:
            yield client
        finally:
            client.close()
        return
    if workers < 1:
        raise ValueError(f"a local cluster needs at least one worker, got {workers}")
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host=LOOPBACK,
        dashboard_address=None,
        # The scheduler serves health routes over HTTP even without a dashboard; keep that
        # on loopback too, on a free port (8787 may be another cluster's).
        scheduler_kwargs={"dashboard": False, "dashboard_address": f"{LOOPBACK}:0"},
        silence_logs=logging.ERROR,
    )
    try:
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
    finally:
        cluster.close()


def simulate_on(
    client: Client,
    population: Population,
    *,
    on_block: Callable[[int, int], None] | None = None,
) -> Simulation:
    """Simulate the population's blocks as tasks of ``client``; same tables as one process."""
    blocks = population.blocks()
    futures = client.map(run_block, blocks, pure=False)
    parts: list[BlockTables] = []
    for done, future in enumerate(as_completed(futures), start=1):
        parts.append(future.result())
        if on_block is not None:
            on_block(done, len(blocks))
    return assemble(population, parts)


def simulate_dask(
    population: Population,
    *,
    scheduler: str | None = None,
    workers: int = 2,
    client: Client | None = None,
    on_block: Callable[[int, int], None] | None = None,
) -> Simulation:
    """Simulate on Dask: on ``client`` if given, else on the scheduler at ``scheduler``, else
    on a new local cluster of ``workers`` processes (started and shut down here)."""
    if client is not None:
        return simulate_on(client, population, on_block=on_block)
    with dask_client(scheduler, workers) as own:
        return simulate_on(own, population, on_block=on_block)


__all__ = ["LOOPBACK", "dask_client", "simulate_dask", "simulate_on"]
