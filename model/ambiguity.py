"""The ambiguity register: where the help texts are unclear, the readings, and the chosen one.

Each entry in ``model/register/ambiguities.yaml`` asks one question, lists candidate readings
(each may carry parameters the rules use), names the default, and says which rules it touches.
A :class:`Readings` value is the switchboard: the default reading of every entry unless a
profile or the command line chose another.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from skc.model.catalog import ParamValue
from skc.model.errors import CatalogError, UnknownNameError
from skc.model.lands import LandId
from skc.model.yaml_file import load_data_yaml


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Reading(_Frozen):
    """One way to read an ambiguous passage, with the parameters that reading implies."""

    id: str
    description: str
    params: dict[str, ParamValue] = Field(default_factory=dict)


class Source(_Frozen):
    """A sentence of one Land's help text that the question is about."""

    land: LandId
    quote: str


class Ambiguity(_Frozen):
    """A question the texts leave open, its candidate readings and the default."""

    id: str = Field(pattern=r"^[a-z_]+(\.[a-z0-9_]+)+$")
    question: str
    lands: tuple[LandId, ...]
    rules: tuple[str, ...]
    sources: tuple[Source, ...] = ()
    readings: tuple[Reading, ...] = Field(min_length=2)
    default: str
    rationale: str

    @model_validator(mode="after")
    def _default_is_a_reading(self) -> Ambiguity:
        if self.default not in self.reading_ids:
            raise ValueError(f"default {self.default!r} is not one of {self.reading_ids}")
        return self

    @property
    def reading_ids(self) -> tuple[str, ...]:
        """The ids of the candidate readings."""
        return tuple(reading.id for reading in self.readings)

    def reading(self, reading_id: str) -> Reading:
        """Return a reading by id, or raise an error listing the valid ones."""
        for reading in self.readings:
            if reading.id == reading_id:
                return reading
        raise UnknownNameError(f"reading of {self.id}", reading_id, self.reading_ids)


class _RegisterFile(_Frozen):
    ambiguities: tuple[Ambiguity, ...]


@cache
def load_register() -> Mapping[str, Ambiguity]:
    """Load the ambiguity register bundled with the model (cached), keyed by id."""
    name = "model/register/ambiguities.yaml"
    text = resources.files("skc.model").joinpath("register", "ambiguities.yaml").read_text("utf-8")
    try:
        parsed = _RegisterFile.model_validate(load_data_yaml(text))
    except (yaml.YAMLError, ValidationError) as exc:
        raise CatalogError(f"{name}: {exc}") from exc
    register: dict[str, Ambiguity] = {}
    for entry in parsed.ambiguities:
        if entry.id in register:
            raise CatalogError(f"{name}: ambiguity {entry.id!r} is listed twice")
        register[entry.id] = entry
    return register


class Readings(Mapping[str, str]):
    """The chosen reading for every register entry: defaults, overridden where asked.

    Immutable and hashable, so validators can cache work per set of readings.
    """

    __slots__ = ("_chosen", "_hash")

    def __init__(self, overrides: Mapping[str, str] | None = None) -> None:
        register = load_register()
        chosen = {aid: entry.default for aid, entry in register.items()}
        for aid, rid in (overrides or {}).items():
            if aid not in register:
                raise UnknownNameError("ambiguity", aid, register)
            register[aid].reading(rid)  # raises with the valid readings listed
            chosen[aid] = rid
        self._chosen = chosen
        self._hash = hash(tuple(sorted(chosen.items())))

    @classmethod
    def parse(cls, pairs: list[str]) -> Readings:
        """Build readings from ``ID=READING`` strings, as given on the command line."""
        overrides: dict[str, str] = {}
        for pair in pairs:
            aid, sep, rid = pair.partition("=")
            if not sep:
                raise UnknownNameError(
                    "reading switch (expected ID=READING)", pair, load_register()
                )
            overrides[aid.strip()] = rid.strip()
        return cls(overrides)

    def __getitem__(self, ambiguity_id: str) -> str:
        return self._chosen[ambiguity_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._chosen)

    def __len__(self) -> int:
        return len(self._chosen)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Readings) and self._chosen == other._chosen

    def __repr__(self) -> str:
        return f"Readings({self.overrides()!r})"

    def overrides(self) -> dict[str, str]:
        """Return only the choices that differ from the register's defaults."""
        register = load_register()
        return {k: v for k, v in self._chosen.items() if v != register[k].default}

    def reading(self, ambiguity_id: str) -> Reading:
        """Return the chosen reading of one register entry."""
        return load_register()[ambiguity_id].reading(self._chosen[ambiguity_id])

    def param(self, ambiguity_id: str, name: str) -> ParamValue:
        """Return a parameter of the chosen reading of one register entry."""
        return self.reading(ambiguity_id).params[name]

    def alternatives(self, ambiguity_id: str) -> Iterator[Readings]:
        """Yield these readings with each other candidate reading of one entry chosen instead."""
        for rid in load_register()[ambiguity_id].reading_ids:
            if rid != self._chosen[ambiguity_id]:
                yield Readings({**self._chosen, ambiguity_id: rid})


DEFAULT_READINGS_CACHE: dict[str, Readings] = {}


def default_readings() -> Readings:
    """Return the default readings (one shared instance)."""
    if "default" not in DEFAULT_READINGS_CACHE:
        DEFAULT_READINGS_CACHE["default"] = Readings()
    return DEFAULT_READINGS_CACHE["default"]
