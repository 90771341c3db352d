"""The built and installed wheel, shared by the packaging tests (built once per session).

Import the fixture into a test module: ``from wheel_env import Installed, installed``.

The wheel is built from a copy of the source tree (``pip wheel --no-deps --no-build-isolation
--no-index``: no network, no build artefacts in the working tree) and installed with
``--no-deps --no-index`` into a fresh virtual environment without pip. That environment reuses
the development environment's dependencies through a ``.pth`` file naming its site-packages (a
plain path line: the development environment's own editable-install hook is not run), so nothing
is downloaded and the harness imports from the wheel, not from the repository.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".mypy_cache")


@dataclass(frozen=True)
class Installed:
    """A fresh virtual environment with the project's wheel installed."""

    wheel: Path
    venv: Path

    @property
    def bin(self) -> Path:
        """The environment's scripts directory."""
        return self.venv / "bin"

    @property
    def python(self) -> Path:
        """The environment's interpreter."""
        return self.bin / "python"


def _copy_source(target: Path) -> Path:
    """The files a wheel build reads: ``skc/`` (its links kept), what they point at, metadata."""
    target.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, target / name)
    shutil.copytree(REPO / "skc", target / "skc", symlinks=True, ignore=_IGNORE)
    for link in (REPO / "skc").iterdir():
        if link.is_symlink():
            pointed = (link.parent / link.readlink()).resolve()
            shutil.copytree(pointed, target / pointed.name, ignore=_IGNORE)
    return target


def _run(*args: str | Path, cwd: Path | None = None) -> None:
    proc = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, f"{args}\n{proc.stdout}\n{proc.stderr}"


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel, built once per session and installed into a fresh virtual environment."""
    return _build(tmp_path_factory.getbasetemp() / "wheel")


@cache  # one build per session even when several test modules import the fixture
def _build(root: Path) -> Installed:
    root.mkdir()
    source = _copy_source(root / "source")
    dist = root / "dist"
    pip = (sys.executable, "-m", "pip")
    _run(*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index", "-w", dist,
         source)  # fmt: skip
    (wheel,) = dist.glob("*.whl")
    venv = root / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    new_python = venv / "bin" / "python"
    purelib = subprocess.run(
        [new_python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    (Path(purelib) / "_skc_dev_dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    _run(*pip, "--python", new_python, "install", "-q", "--no-deps", "--no-index", wheel)
    return Installed(wheel=wheel, venv=venv)
