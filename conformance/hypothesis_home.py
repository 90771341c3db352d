"""Keep Hypothesis' files out of the user's working directory during a conformance run.

Hypothesis writes to ``./.hypothesis/`` even with ``database=None`` (the harness's settings):
a cache of the constants it finds in local modules (``constants/``, for every module outside
site-packages, such as a vendor's adapter) and the Unicode category table behind
``st.characters()`` (``unicode_data/``). ``skc run`` and ``pytest --skc-target ...`` therefore
move Hypothesis' home to a per-user cache directory, ``$XDG_CACHE_HOME/skc/hypothesis``
(``~/.cache/skc/hypothesis``), so the caches survive between runs and the working directory
stays as it was. An explicit ``HYPOTHESIS_STORAGE_DIRECTORY`` wins.

This module is also a small pytest plugin (entry point ``skc-hypothesis-home``): it acts only
when ``--skc-target`` is given, so a user's own Hypothesis tests keep their usual home.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

ENVIRONMENT_VARIABLE = "HYPOTHESIS_STORAGE_DIRECTORY"


def cache_home() -> Path:
    """The directory the harness gives Hypothesis: ``$XDG_CACHE_HOME/skc/hypothesis``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "skc" / "hypothesis"


def use_cache_home() -> Path | None:
    """For this process (``skc run``): point Hypothesis at :func:`cache_home` through its
    environment variable, read when Hypothesis first stores something, so the commands that
    never use Hypothesis do not pay for importing it. None: the user chose a directory."""
    if os.environ.get(ENVIRONMENT_VARIABLE):
        return None
    home = cache_home()
    os.environ[ENVIRONMENT_VARIABLE] = str(home)
    return home


def pytest_configure(config: pytest.Config) -> None:
    """With ``--skc-target``, keep Hypothesis' caches out of the working directory (for this
    pytest session only: the environment of the user's own tests is left alone)."""
    if not config.getoption("--skc-target", default=None) or os.environ.get(ENVIRONMENT_VARIABLE):
        return
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(cache_home())


__all__ = ["cache_home", "pytest_configure", "use_cache_home"]
