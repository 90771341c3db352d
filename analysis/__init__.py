"""The analysts' API: the catalog, conformance runs and population simulations as DataFrames.

Import it in a notebook as ``from skc import analysis``:

* the catalog: :func:`rules_frame` (tidy: rule × Land × parameter, with quote and seed),
  :func:`land_matrix` (wide: rules × Länder, ``differs`` marked), :func:`ambiguities_frame`;
* conformance runs: :func:`load_run`, :func:`certification`, :func:`uncovered`,
  :func:`compare_runs` and :func:`run_matrix` (runs × Länder × rules, like wpt.fyi);
* rich display: :class:`RuleCard`, :class:`VerdictCard`, :class:`FindingCard`,
  :class:`DiffCard` (each has ``_repr_html_``);
* simulation: :class:`Population` (citizens and organisations per Land) and
  :class:`Behaviour`, :func:`simulate` (one process), :func:`simulate_dask` (a local or remote
  Dask cluster, same tables), :func:`sweep`, :func:`kpis`, :func:`effective_limits`.

Every path argument takes ``str`` or ``Path``. Nothing here reads the wall clock or global
randomness: the seed and the virtual clock decide everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from skc.analysis._behaviour import (
    Behaviour,
    Constant,
    Distribution,
    Exponential,
    LogNormal,
    Uniform,
)
from skc.analysis._catalog import (
    ambiguities_frame,
    highlight_differences,
    land_matrix,
    param_table,
    rules_frame,
)
from skc.analysis._display import DiffCard, FindingCard, RuleCard, VerdictCard
from skc.analysis._journey import LIMIT_RULES, REALISTIC_PASSWORDS, STEPS
from skc.analysis._kpis import effective_limits
from skc.analysis._passwords import password_frame, password_length_edges
from skc.analysis._population import (
    Population,
    Simulation,
    kpis,
    run_block,
    simulate,
    sweep,
    write_tables,
)
from skc.analysis._results import (
    Run,
    certification,
    certification_counts,
    compare_runs,
    load_run,
    run_matrix,
    style_matrix,
    uncovered,
)

if TYPE_CHECKING:
    from skc.analysis._distributed import simulate_dask

__all__ = [
    "LIMIT_RULES",
    "REALISTIC_PASSWORDS",
    "STEPS",
    "Behaviour",
    "Constant",
    "DiffCard",
    "Distribution",
    "Exponential",
    "FindingCard",
    "LogNormal",
    "Population",
    "RuleCard",
    "Run",
    "Simulation",
    "Uniform",
    "VerdictCard",
    "ambiguities_frame",
    "certification",
    "certification_counts",
    "compare_runs",
    "effective_limits",
    "highlight_differences",
    "kpis",
    "land_matrix",
    "load_run",
    "param_table",
    "password_frame",
    "password_length_edges",
    "rules_frame",
    "run_block",
    "run_matrix",
    "simulate",
    "simulate_dask",
    "style_matrix",
    "sweep",
    "uncovered",
    "write_tables",
]


def __getattr__(name: str) -> object:
    """Import the Dask runner (and with it dask.distributed) only when it is asked for."""
    if name == "simulate_dask":
        from skc.analysis._distributed import simulate_dask

        return simulate_dask
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
