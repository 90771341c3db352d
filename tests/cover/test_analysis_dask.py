from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from dask.distributed import Client
from rich.console import Console

from skc.analysis import Population, simulate, sweep
from skc.analysis._command import run_simulate_command
from skc.analysis._distributed import LOOPBACK, dask_client, simulate_on

# One small local cluster for the module: the machine is shared, so few and small tests.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with dask_client(workers=2) as dask:
        yield dask


def test_dask_gives_the_single_process_tables_when_the_seed_is_the_same(client: Client) -> None:
    population = Population.of(["berlin", "hamburg"], 50, seed=9, block_size=20)
    local = simulate(population)
    progress: list[tuple[int, int]] = []
    spread = simulate_on(client, population, on_block=lambda done, total: progress.append((done,
                         total)))  # fmt: skip
    pd.testing.assert_frame_equal(local.journeys, spread.journeys)
    pd.testing.assert_frame_equal(local.events, spread.events)
    assert progress[-1] == (6, 6)


def test_dask_sweep_equals_the_local_sweep_when_given_as_runner(client: Client) -> None:
    population = Population.of("hamburg", 30, seed=4, block_size=10)
    local = sweep(population, "payment.window", [20, 120])
    spread = sweep(population, "payment.window", [20, 120],
                   runner=lambda p: simulate_on(client, p))  # fmt: skip
    pd.testing.assert_frame_equal(local, spread)


def test_local_cluster_listens_on_loopback_only_when_started(client: Client) -> None:
    info = client.scheduler_info()
    assert info["address"].startswith(f"tcp://{LOOPBACK}:")
    workers = list(info["workers"])
    assert len(workers) == 2
    assert all(address.startswith(f"tcp://{LOOPBACK}:") for address in workers)
    http_host = client.run_on_scheduler(_http_host)  # type: ignore[no-untyped-call]
    assert http_host == LOOPBACK


def _http_host(dask_scheduler: object) -> str:
    server = getattr(dask_scheduler, "http_server", None)
    return str(getattr(server, "address", ""))


def test_dask_client_closes_its_cluster_when_the_block_ends() -> None:
    with dask_client(workers=1) as dask:
        assert dask.status == "running"
        cluster = dask.cluster
        assert cluster is not None
    assert dask.status == "closed"
    assert cluster.status.name == "closed"


def test_dask_client_refuses_a_cluster_without_workers_when_asked_for_zero() -> None:
    with pytest.raises(ValueError, match="at least one worker"), dask_client(workers=0):
        pass


def test_skc_simulate_uses_the_given_scheduler_when_scheduler_is_set(
    client: Client, tmp_path: Path
) -> None:
    address = client.scheduler_info()["address"]
    console = Console(file=io.StringIO(), width=120)
    spread = run_simulate_command(
        lands=["berlin"], citizens=30, seed=3, out=tmp_path, fmt="csv", workers=0,
        scheduler=address, readings={}, console=console, progress=False,
    )  # fmt: skip
    local = simulate(Population.of(["berlin"], 30, seed=3))
    pd.testing.assert_frame_equal(local.journeys, spread.journeys)
    assert (tmp_path / "kpis.csv").is_file()
