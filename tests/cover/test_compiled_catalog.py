"""The field catalog's cache: keyed by the rule files' digests, never trusted when stale or
corrupt, and where the user's environment puts it."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from skc.model import compiled_catalog
from skc.model.compiled_catalog import (
    cache_key,
    cache_path,
    field_catalog,
    load_field_catalog,
    source_files,
)


def _tampered(path: Path, key: str) -> None:
    """Write a cache under ``key`` whose data says the Berlin password needs 99 characters."""
    data = orjson.loads(path.read_bytes().partition(b"\n")[2])
    data["rules"]["password"][0]["lands"]["berlin"]["min"] = 99
    payload = orjson.dumps(data)
    path.write_bytes(f"{key} {hashlib.sha256(payload).hexdigest()}\n".encode() + payload)


def _berlin_min(path: Path, files: list[Path]) -> object:
    return load_field_catalog(path, files).rules["password"][0].lands["berlin"]["min"]


def test_cache_is_written_and_read_back_when_its_files_are_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "cache.json"
    first = load_field_catalog(path, source_files())
    assert path.exists()
    assert load_field_catalog(path, source_files()) == first == field_catalog()
    _tampered(path, cache_key(source_files()))  # the key decides: a current cache is used
    assert _berlin_min(path, source_files()) == 99


def test_cache_is_rebuilt_when_a_rule_file_changes(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(Path(compiled_catalog.__file__).resolve().parent / "rules", model / "rules")
    shutil.copytree(
        Path(compiled_catalog.__file__).resolve().parent / "register", model / "register"
    )
    files, path = source_files(model), tmp_path / "cache.json"
    load_field_catalog(path, files)
    before = cache_key(files)
    _tampered(path, before)
    with (model / "rules" / "fields.yaml").open("a", encoding="utf-8") as rules:
        rules.write("# edited\n")
    assert cache_key(files) != before
    assert _berlin_min(path, files) == 8
    assert path.read_bytes().startswith(cache_key(files).encode())


@pytest.mark.parametrize(
    "spoil",
    [
        lambda data: b"not a cache",
        lambda data: data[:-20],  # truncated: the payload digest no longer matches
        lambda data: data.replace(b'"min":8', b'"min":9', 1),  # edited without a new digest
        lambda data: data.partition(b" ")[0] + b" " + hashlib.sha256(b"{}").hexdigest().encode()
        + b"\n{}",  # current key, right digest, wrong shape
    ],
    ids=["garbage", "truncated", "edited", "wrong-shape"],
)  # fmt: skip
def test_corrupt_cache_is_rebuilt_never_trusted_when_read(
    tmp_path: Path, spoil: Callable[[bytes], bytes]
) -> None:
    path = tmp_path / "cache.json"
    load_field_catalog(path, source_files())
    path.write_bytes(spoil(path.read_bytes()))
    assert _berlin_min(path, source_files()) == 8
    assert load_field_catalog(path, source_files()) == field_catalog()


def test_catalog_is_still_served_when_the_cache_cannot_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    assert _berlin_min(blocker / "skc" / "cache.json", source_files()) == 8
    assert not (blocker / "skc").exists()


def test_cache_lives_where_the_environment_says_when_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SKC_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_path() == tmp_path / "mine" / "field-catalog.json"
    monkeypatch.delenv("SKC_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_path() == tmp_path / "xdg" / "skc" / "field-catalog.json"
