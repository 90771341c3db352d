"""The wheel carries every data file, installs into a fresh environment and finds a fault there."""

from __future__ import annotations

import json
import os
import subprocess
import tomllib
import zipfile
from pathlib import Path

import pytest
from wheel_env import REPO, Installed, installed

__all__ = ["installed"]  # the fixture, imported for pytest

pytestmark = pytest.mark.slow

# A fault only the scenarios suite finds: a wheel without scenarios/*.yaml would miss it.
SCENARIO_FAULT = "berlin-payment-window-60-minutes"
SCENARIO_FAULT_RULE = "payment.window"
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["version"]


def _data_files() -> set[str]:
    """Every non-Python file the library reads, as ``skc/...`` paths (links followed)."""
    found: set[str] = set()
    for directory, _dirs, files in os.walk(REPO / "skc", followlinks=True):
        for name in files:
            path = Path(directory) / name
            relative = path.relative_to(REPO)
            if "__pycache__" in relative.parts or name.endswith((".py", ".pyc", ".md")):
                continue
            found.add(relative.as_posix())
    return found


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}


def test_wheel_carries_every_data_file_and_the_license_when_built(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    expected = _data_files()
    assert {"skc/py.typed", "skc/conformance/faults.yaml"} <= expected
    assert len([n for n in expected if n.startswith("skc/scenarios/")]) >= 30
    assert not expected - names, sorted(expected - names)
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(installed.wheel).read(metadata).decode("utf-8")
    assert "License-Expression: MIT" in text.splitlines()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def test_installed_wheel_finds_a_shipped_fault_when_run_from_an_empty_directory(
    installed: Installed, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    proc = subprocess.run(
        [installed.bin / "skc", "run", "--fault", SCENARIO_FAULT, "--suite", "scenarios",
         "--no-progress", "--out", "out"],
        cwd=work, env=_env(tmp_path), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    records = [json.loads(line) for line in (work / "out" / "results.jsonl").open(encoding="utf-8")]
    failed = {(r["suite"], r["rule"]) for r in records if r.get("verdict") == "fail"}
    assert ("scenarios", SCENARIO_FAULT_RULE) in failed
    assert sorted(p.name for p in work.iterdir()) == ["out"]  # no .hypothesis/ left behind


def test_installed_wheel_imports_from_the_environment_when_the_repository_is_elsewhere(
    installed: Installed, tmp_path: Path
) -> None:
    proc = subprocess.run(
        [installed.python, "-c", "import skc.model.catalog as c, skc; print(c.__file__)"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert Path(proc.stdout.strip()).is_relative_to(installed.venv)


@pytest.mark.parametrize("command", [["skc"], ["python", "-m", "skc"]], ids=["script", "module"])
def test_installed_wheel_prints_its_version_when_asked(
    installed: Installed, tmp_path: Path, command: list[str]
) -> None:
    proc = subprocess.run(
        [installed.bin / command[0], *command[1:], "--version"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"skc {VERSION}\n"
