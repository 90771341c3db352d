"""``skc simulate``: simulate a population on a Land's reference portal and write its tables.

The command line only parses; this module runs the population (in this process, or on Dask
when ``--workers`` or ``--scheduler`` is given), shows a progress bar over the blocks, prints
the KPIs and writes ``journeys``, ``events`` and ``kpis`` as Parquet or CSV.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from skc.analysis._population import Population, Simulation, TableFormat, simulate
from skc.model.errors import InputError

_SHOWN = (
    ("citizens", "{:,.0f}"),
    ("activation_rate", "{:.1%}"),
    ("expired_link_share", "{:.1%}"),
    ("session_loss_rate", "{:.1%}"),
    ("sessions_lost", "{:,.0f}"),
    ("payment_failure_rate", "{:.1%}"),
    ("lockouts", "{:,.0f}"),
)
_ORG_SHOWN = (
    ("organisations", "{:,.0f}"),
    ("admin_activation_rate", "{:.1%}"),
    ("user_activation_rate", "{:.1%}"),
)


def run_simulate_command(
    *,
    lands: list[str],
    citizens: int,
    seed: int,
    organisations: int = 0,
    out: Path | None,
    fmt: str,
    workers: int,
    scheduler: str | None,
    readings: dict[str, str],
    console: Console,
    progress: bool = True,
) -> Simulation:
    """Run ``skc simulate``; raise InputError (exit 2) for bad arguments."""
    if citizens < 0 or organisations < 0:
        raise InputError(f"--citizens and --organisations must be 0 or more, got {citizens}, "
                         f"{organisations}")  # fmt: skip
    if fmt not in ("parquet", "csv"):
        raise InputError(f"--format must be parquet or csv, got {fmt!r}")
    if workers < 0:
        raise InputError(f"--workers must be 0 (this process) or more, got {workers}")
    try:
        population = Population.of(
            lands or ["all"], citizens, seed, readings=readings, organisations=organisations
        )
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    console.print(f"simulating {citizens:,} citizens and {organisations:,} organisations per "
                  f"Land in {', '.join(population.lands)}, seed {seed}")  # fmt: skip
    columns = (
        TextColumn("blocks"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
    )  # fmt: skip
    with Progress(*columns, console=console, disable=not progress, transient=True) as bar:
        task = bar.add_task("blocks", total=len(population.blocks()))

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        if workers or scheduler:
            from skc.analysis._distributed import simulate_dask

            result = simulate_dask(
                population, scheduler=scheduler, workers=workers or 2, on_block=advance
            )
        else:
            result = simulate(population, on_block=advance)
    console.print(_kpi_table(result))
    if out is not None:
        table_format: TableFormat = "csv" if fmt == "csv" else "parquet"
        for path in result.write(out, table_format):
            console.print(f"wrote {path}")
    return result


def _kpi_table(result: Simulation) -> Table:
    kpis = result.kpis
    table = Table(title="KPIs per Land")
    table.add_column("KPI", no_wrap=True)
    for land in kpis.index:
        table.add_column(str(land), justify="right", overflow="fold")
    shown = _SHOWN + (_ORG_SHOWN if result.population.organisations else ())
    for name, pattern in shown:
        cells = []
        for land in kpis.index:
            value = kpis.loc[land, name]
            cells.append("n/a" if value != value else pattern.format(value))  # NaN: no data
        table.add_row(name, *cells)
    return table


__all__ = ["run_simulate_command"]
