"""Finding vsmartcard's library outside the import path, and the error when it is missing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from skc.card import CardSetupError, vsc


def test_missing_library_raises_an_error_saying_how_to_install_it_when_nothing_is_found(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr(vsc, "_CANDIDATES", ())
    monkeypatch.setenv(vsc.ENV_VAR, str(tmp_path))
    with pytest.raises(CardSetupError, match="apt-get install python3-virtualsmartcard"):
        vsc.ensure_virtualsmartcard()


def test_library_directory_is_added_to_the_path_when_the_variable_names_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    package = tmp_path / "virtualsmartcard"
    package.mkdir()
    (package / "VirtualSmartcard.py").write_text("")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setenv(vsc.ENV_VAR, str(tmp_path))
    assert vsc.ensure_virtualsmartcard() == tmp_path
    assert str(tmp_path) in sys.path


def test_nothing_is_added_when_the_library_is_already_importable() -> None:
    vsc.ensure_virtualsmartcard()  # adds the Debian directory unless an earlier test did
    before = list(sys.path)
    assert vsc.ensure_virtualsmartcard() is None
    assert sys.path == before
