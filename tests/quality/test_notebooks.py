"""Every analyst notebook runs top to bottom with nbclient, in under 60 s, and is committed
without outputs; the German sentences its narration quotes are the catalog's own."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from skc.model.ambiguity import load_register
from skc.model.catalog import load_catalog

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
BUDGET_S = 60.0
QUOTE = re.compile(r"„([^“]+)“")

pytestmark = pytest.mark.slow


def _read(path: Path) -> Any:
    return nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]


def _known_quotes() -> str:
    quotes = [q for rule in load_catalog() for s in rule.lands.values() for q in s.quotes]
    quotes += [source.quote for entry in load_register().values() for source in entry.sources]
    return "\n".join(" ".join(q.split()) for q in quotes)


def test_there_are_the_four_analyst_notebooks_when_the_folder_is_listed() -> None:
    assert [p.stem for p in PATHS] == [
        "01_laender_matrix",
        "02_password_policy",
        "03_simulation",
        "04_conformance_results",
    ]


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_is_committed_without_outputs_when_read_from_disk(path: Path) -> None:
    notebook = _read(path)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: strip the outputs before committing"
            assert cell.execution_count is None, f"{path.name}: strip the execution counts"


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_quotes_only_catalog_sentences_when_it_cites_german(path: Path) -> None:
    known = _known_quotes()
    notebook = _read(path)
    cited = [
        " ".join(match.split())
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        for match in QUOTE.findall(cell.source)
    ]
    for quote in cited:
        assert quote in known, f"{path.name}: „{quote}“ is not a sentence of the catalog"


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_executes_without_error_in_under_60_seconds_when_run_top_to_bottom(
    path: Path,
) -> None:
    notebook = _read(path)
    client = NotebookClient(
        notebook,
        timeout=int(BUDGET_S),
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError naming the cell on any error
    elapsed = time.perf_counter() - start
    assert elapsed < BUDGET_S, f"{path.name} took {elapsed:.1f} s (budget {BUDGET_S:.0f} s)"
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert outputs, f"{path.name} produced no output at all"
