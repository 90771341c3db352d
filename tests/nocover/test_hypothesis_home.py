"""``skc run`` leaves no ``.hypothesis/`` folder in the working directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from skc.conformance import hypothesis_home

pytestmark = pytest.mark.slow


def _run(tmp_path: Path, **env: str) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    base = {k: v for k, v in os.environ.items() if not k.startswith("HYPOTHESIS")}
    proc = subprocess.run(
        [sys.executable, "-m", "skc", "run", "--land", "berlin", "--suite", "lifecycle",
         "--no-progress", "--out", "out"],
        cwd=work, env={**base, "XDG_CACHE_HOME": str(tmp_path / "cache"), **env},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return work


def test_run_keeps_hypothesis_caches_out_of_the_working_directory_when_started_there(
    tmp_path: Path,
) -> None:
    work = _run(tmp_path)
    assert sorted(p.name for p in work.iterdir()) == ["out"]
    assert (tmp_path / "cache" / "skc" / "hypothesis" / "constants").is_dir()


def test_run_uses_the_users_hypothesis_directory_when_the_variable_names_one(
    tmp_path: Path,
) -> None:
    # also the control: this suite does write Hypothesis caches, so the test above can fail
    work = _run(tmp_path, HYPOTHESIS_STORAGE_DIRECTORY="chosen")
    assert (work / "chosen" / "constants").is_dir()
    # (the compiled field rules' cache may live in cache/skc; Hypothesis' must not)
    assert not (tmp_path / "cache" / "skc" / "hypothesis").exists()


def test_cache_home_follows_xdg_when_the_variable_is_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv(hypothesis_home.ENVIRONMENT_VARIABLE, raising=False)
    assert hypothesis_home.use_cache_home() == tmp_path / "skc" / "hypothesis"
    assert os.environ[hypothesis_home.ENVIRONMENT_VARIABLE] == str(tmp_path / "skc" / "hypothesis")
    assert hypothesis_home.use_cache_home() is None  # now the variable is set: left alone
