"""SHA-256 digests of what a verdict depends on: the catalog files and the help texts.

Read as the installed harness reads them (``skc.model``'s ``rules/``, ``register/`` and
``seeds/``), so a results file and a certification package say which catalog and which texts a
run judged by, and ``skc verify`` can tell when they have changed since.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path
from typing import Final

_FOLDERS: Final = {"rules": "*.yaml", "register": "*.yaml", "seeds": "*.txt"}


def sha256_file(path: Path) -> str:
    """The SHA-256 hex digest of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def catalog_digests() -> dict[str, dict[str, str]]:
    """Per folder (rules, register, seeds), each file's SHA-256."""
    model = resources.files("skc.model")
    out: dict[str, dict[str, str]] = {}
    for folder, pattern in _FOLDERS.items():
        directory = Path(str(model.joinpath(folder)))
        out[folder] = {p.name: sha256_file(p) for p in sorted(directory.glob(pattern))}
    return out


def combined(digests: dict[str, str]) -> str:
    """One digest for a set of files: SHA-256 over their sorted ``digest  name`` lines."""
    lines = "".join(f"{digest}  {name}\n" for name, digest in sorted(digests.items()))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def file_digest(path: str | None) -> str | None:
    """The SHA-256 of an input file given by path; None when none was given or it is gone."""
    if path is None or not Path(path).is_file():
        return None
    return sha256_file(Path(path))


__all__ = ["catalog_digests", "combined", "file_digest", "sha256_file"]
