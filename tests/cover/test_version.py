"""``skc --version`` and ``python -m skc --version`` print the installed version."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

from typer.testing import CliRunner

import skc
from skc.conformance.cli import app


def test_version_option_prints_the_distribution_version_when_asked() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"skc {metadata.version('servicekonto-conformance')}\n"
    assert skc.__version__ == metadata.version("servicekonto-conformance")


def test_module_entry_point_prints_the_version_when_run_with_python_m() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "skc", "--version"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"skc {skc.__version__}\n"
