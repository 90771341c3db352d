"""A user's own ``model``, ``conformance`` and ``fixtures`` packages never meet ours.

The installed plugin runs from a user directory whose packages of those names raise when
imported; the user's ``conftest.py`` is a local module, so Hypothesis would cache its constants
in ``./.hypothesis/`` unless the harness moves Hypothesis' home (the control case shows it would).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from wheel_env import Installed, installed

__all__ = ["installed"]  # the fixture, imported for pytest

pytestmark = pytest.mark.slow

USER_PACKAGES = ("conformance", "fixtures", "model")


def _user_directory(tmp_path: Path) -> Path:
    user = tmp_path / "project"
    for name in USER_PACKAGES:
        (user / name).mkdir(parents=True)
        (user / name / "__init__.py").write_text(
            f"raise ImportError('the harness imported the user\\'s own {name} package')\n",
            encoding="utf-8",
        )
    (user / "conftest.py").write_text(
        '"""The user\'s own conftest: a local module."""\n\nLIMIT = 31337\nGREETING = "servus"\n',
        encoding="utf-8",
    )
    return user


def _plugin_run(installed: Installed, tmp_path: Path, *extra: str) -> tuple[Path, str]:
    user = _user_directory(tmp_path)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("HYPOTHESIS")},
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    proc = subprocess.run(
        [installed.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra,
         "--skc-target", "inprocess", "--skc-land", "berlin",
         "--skc-suite", "scenarios", "--skc-suite", "lifecycle",
         "--skc-hypothesis-profile", "live"],
        cwd=user, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    return user, output


def test_plugin_passes_without_importing_user_packages_when_their_names_collide(
    installed: Installed, tmp_path: Path
) -> None:
    user, output = _plugin_run(installed, tmp_path)
    assert re.search(r"\b\d+ passed\b", output), output
    assert "ImportError" not in output
    assert sorted(p.name for p in user.iterdir()) == sorted([*USER_PACKAGES, "conftest.py"])
    assert (tmp_path / "cache" / "skc" / "hypothesis").is_dir()


def test_hypothesis_writes_into_the_user_directory_when_the_harness_leaves_its_home_alone(
    installed: Installed, tmp_path: Path
) -> None:
    user, _output = _plugin_run(installed, tmp_path, "-p", "no:skc-hypothesis-home")
    assert (user / ".hypothesis").is_dir()
