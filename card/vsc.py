"""Find vsmartcard's ``virtualsmartcard`` library, which Debian installs outside the import path.

Debian's ``python3-virtualsmartcard`` puts its package under
``/usr/lib/python3/site-packages/virtualsmartcard/`` (``dpkg -L python3-virtualsmartcard``),
a directory no Python searches by default. ``ensure_virtualsmartcard`` adds it once.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

ENV_VAR = "SKC_VIRTUALSMARTCARD_DIR"
_CANDIDATES = (
    "/usr/lib/python3/site-packages/virtualsmartcard",
    "/usr/lib/python3/dist-packages/virtualsmartcard",
    "/usr/local/lib/python3/site-packages/virtualsmartcard",
)


def ensure_virtualsmartcard() -> Path | None:
    """Make ``import virtualsmartcard`` work; return the directory added (None if already
    importable). Raise CardSetupError saying how to install it when it is missing."""
    if importlib.util.find_spec("virtualsmartcard") is not None:
        return None
    override = os.environ.get(ENV_VAR)
    for candidate in (override, *_CANDIDATES) if override else _CANDIDATES:
        if candidate and (Path(candidate) / "virtualsmartcard" / "VirtualSmartcard.py").is_file():
            sys.path.append(candidate)
            return Path(candidate)
    from skc.card.errors import CardSetupError

    raise CardSetupError(
        "vsmartcard's Python library is missing: install the Debian package with "
        "'apt-get install python3-virtualsmartcard' (./dev does it), or set "
        f"{ENV_VAR} to the directory that contains its 'virtualsmartcard' package"
    )
