"""The field rules and the ambiguity register as plain data, cached between processes.

``skc check`` runs once per value in shell scripts, so it must not pay for parsing the YAML
catalog and validating it with pydantic on every start. :func:`field_catalog` returns the part
of the catalog the validators need (every field rule with its per-Land parameters and messages,
and every register entry with its readings) as frozen plain data. It comes from a cache file
keyed by the SHA-256 digests of the rule and register files: when a file changes the key
changes and the cache is rebuilt from :func:`~skc.model.catalog.load_catalog` and
:func:`~skc.model.ambiguity.load_register`, the checked sources. A cache file whose key does not
match, whose payload digest does not match, or whose content does not have the expected shape is
never trusted: it is rebuilt. The file lives in ``$SKC_CACHE_DIR`` if set, else
``$XDG_CACHE_HOME/skc`` (``~/.cache/skc``); when it cannot be written the data is still used.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final, TypeAlias

import orjson

CACHE_ENV: Final = "SKC_CACHE_DIR"
"""Environment variable naming the directory of the catalog cache."""

_FORMAT: Final = b"skc-field-catalog-1"
_MODEL_DIR: Final = Path(__file__).resolve().parent

Params: TypeAlias = dict[str, Any]


@dataclass(frozen=True, slots=True)
class FieldRule:
    """One field rule: its id, messages, linked register entries and each Land's parameters."""

    id: str
    title: str
    message_de: str | None
    message_en: str | None
    ambiguities: tuple[str, ...]
    lands: dict[str, Params]


@dataclass(frozen=True, slots=True)
class Entry:
    """One register entry: the Länder it concerns, its default and each reading's parameters."""

    lands: frozenset[str]
    default: str
    readings: dict[str, Params]


@dataclass(frozen=True, slots=True)
class FieldCatalog:
    """The field rules in catalog order, grouped by field, and the register by id."""

    fields: tuple[str, ...]
    rules: dict[str, tuple[FieldRule, ...]]
    register: dict[str, Entry]

    def defaults(self) -> dict[str, str]:
        """The default reading of every register entry."""
        return {aid: entry.default for aid, entry in self.register.items()}


def source_files(model_dir: Path = _MODEL_DIR) -> list[Path]:
    """The files the cache is derived from: every rule file and the ambiguity register."""
    rules = sorted((model_dir / "rules").glob("*.yaml"))
    return [*rules, model_dir / "register" / "ambiguities.yaml"]


def cache_key(files: list[Path]) -> str:
    """A digest of the cache format and every source file's name and SHA-256 digest."""
    digest = hashlib.sha256(_FORMAT)
    for path in files:
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def cache_path() -> Path:
    """Where the cache file lives: ``$SKC_CACHE_DIR``, else the user's cache directory."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen) / "field-catalog.json"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "skc" / "field-catalog.json"


def _build_data() -> dict[str, Any]:
    from skc.model.ambiguity import load_register
    from skc.model.catalog import load_catalog

    catalog = load_catalog()
    rules: dict[str, list[dict[str, Any]]] = {}
    for field in catalog.fields:
        rules[field] = [
            {"id": r.id, "title": r.title, "message_de": r.message_de,
             "message_en": r.message_en, "ambiguities": list(r.ambiguities),
             "lands": {land: dict(s.params) for land, s in r.lands.items()}}
            for r in catalog.for_field(field)
        ]  # fmt: skip
    register = {
        aid: {"lands": list(e.lands), "default": e.default,
              "readings": {x.id: dict(x.params) for x in e.readings}}
        for aid, e in load_register().items()
    }  # fmt: skip
    return {"fields": list(catalog.fields), "rules": rules, "register": register}


def _from_data(data: dict[str, Any]) -> FieldCatalog:
    rules = {
        field: tuple(
            FieldRule(r["id"], r["title"], r["message_de"], r["message_en"],
                      tuple(r["ambiguities"]), dict(r["lands"]))
            for r in data["rules"][field]
        )
        for field in data["fields"]
    }  # fmt: skip
    register = {
        aid: Entry(frozenset(e["lands"]), e["default"], dict(e["readings"]))
        for aid, e in data["register"].items()
    }
    return FieldCatalog(tuple(data["fields"]), rules, register)


def _read_cache(path: Path, key: str) -> FieldCatalog | None:
    try:
        header, _, payload = path.read_bytes().partition(b"\n")
        stored_key, _, stored_digest = header.decode("ascii").partition(" ")
        if stored_key != key or stored_digest != hashlib.sha256(payload).hexdigest():
            return None
        return _from_data(orjson.loads(payload))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # missing, stale or corrupt: rebuilt by the caller


def _write_cache(path: Path, key: str, payload: bytes) -> None:
    header = f"{key} {hashlib.sha256(payload).hexdigest()}\n".encode("ascii")
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(header + payload)
        os.replace(tmp, path)  # atomic: a reader sees the old file or the new one
    except OSError:  # a cache directory that cannot be written only costs speed
        with contextlib.suppress(OSError):
            tmp.unlink()


def load_field_catalog(path: Path, files: list[Path]) -> FieldCatalog:
    """Read the field catalog from ``path`` if its key matches ``files``; else rebuild it from
    the checked catalog and write it there."""
    key = cache_key(files)
    cached = _read_cache(path, key)
    if cached is not None:
        return cached
    payload = orjson.dumps(_build_data())
    _write_cache(path, key, payload)
    return _from_data(orjson.loads(payload))


@cache
def field_catalog() -> FieldCatalog:
    """The field catalog of the bundled rule files (from the cache when it is current)."""
    return load_field_catalog(cache_path(), source_files())


__all__ = [
    "CACHE_ENV", "Entry", "FieldCatalog", "FieldRule", "cache_key", "cache_path", "field_catalog",
    "load_field_catalog", "source_files",
]  # fmt: skip
