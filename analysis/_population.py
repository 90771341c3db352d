"""Populations of citizens simulated on the reference portals: tables of journeys, events, KPIs.

A :class:`Population` says who (how many citizens per Land), how they behave
(:class:`~skc.analysis._behaviour.Behaviour`), under which limits (the catalog's, or what-if values)
and with which seed. It is cut into fixed-size :class:`Block` s; each block seeds its own Faker
and its own generator from (seed, Land, block number), so a block's tables depend on nothing
else, and running the blocks in one process or spread over Dask workers gives the same tables.

``simulate`` returns a :class:`Simulation`: ``journeys`` (one row per citizen), ``events`` (one
row per portal operation, with the deciding rule of a rejection) and ``kpis`` (one row per
Land). Nothing reads the wall clock: each citizen's portal runs on its own virtual clock.
"""

from __future__ import annotations

import dataclasses
import math
import operator
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal

import pandas as pd
from faker import Faker

from skc.analysis._behaviour import Behaviour
from skc.analysis._journey import (
    LIMIT_RULES,
    START,
    STEPS,
    Event,
    Journey,
    WhatIfRules,
    make_persona,
    walk,
)
from skc.analysis._kpis import kpis
from skc.analysis._organisation import OrgJourney, walk_organisation
from skc.fixtures.providers import german_faker
from skc.model.ambiguity import Readings
from skc.model.lands import LANDS, LandId, parse_land

DEFAULT_BLOCK_SIZE: Final = 1_000
JOURNEY_COLUMNS: Final = tuple(f.name for f in dataclasses.fields(Journey))
ORGANISATION_COLUMNS: Final = tuple(f.name for f in dataclasses.fields(OrgJourney))
EVENT_COLUMNS: Final = ("land", "kind", "actor", "step", "at", "accepted", "rule")
TableFormat = Literal["parquet", "csv"]
Kind = Literal["citizen", "organisation"]
_row = operator.attrgetter(*JOURNEY_COLUMNS)
_org_row = operator.attrgetter(*ORGANISATION_COLUMNS)


@dataclass(frozen=True)
class Population:
    """Who is simulated, how they behave, under which limits, with which seed."""

    lands: tuple[LandId, ...]
    citizens: int
    seed: int = 0
    behaviour: Behaviour = field(default_factory=Behaviour)
    limits: Mapping[str, timedelta | None] = field(default_factory=dict)
    """What-if limits replacing the catalog's (rule id -> limit, None: no limit)."""
    readings: Mapping[str, str] = field(default_factory=dict)
    """Readings of ambiguous passages other than the register's defaults (ID -> READING)."""
    block_size: int = DEFAULT_BLOCK_SIZE
    organisations: int = 0
    """Organisations per Land (an administrator registering, adding users)."""

    def __post_init__(self) -> None:
        if self.citizens < 0 or self.organisations < 0 or self.block_size < 1:
            raise ValueError("citizens and organisations must be >= 0, block_size >= 1")
        unknown = sorted(set(self.limits) - set(LIMIT_RULES))
        if unknown:
            raise ValueError(f"cannot change {unknown}; the limits a population may change: "
                             f"{', '.join(LIMIT_RULES)}")  # fmt: skip
        Readings(self.readings)  # raises, naming the valid ids and readings

    @classmethod
    def of(
        cls,
        lands: str | Iterable[str],
        citizens: int,
        seed: int = 0,
        **options: Any,
    ) -> Population:
        """Build a population from Land ids (``"all"`` for every Land); ``options`` are the
        other fields (``behaviour=``, ``limits=``, ``readings=``, ``block_size=``,
        ``organisations=``)."""
        names = [lands] if isinstance(lands, str) else list(lands)
        chosen = LANDS if names == ["all"] else tuple(parse_land(n) for n in names)
        return cls(chosen, citizens, seed, **options)

    def blocks(self) -> list[Block]:
        """The population cut into blocks, Land by Land (citizens, then organisations)."""
        out = []
        sizes: tuple[tuple[Kind, int], ...] = (
            ("citizen", self.citizens),
            ("organisation", self.organisations),
        )
        for land in self.lands:
            for kind, size in sizes:
                for number in range(math.ceil(size / self.block_size)):
                    start = number * self.block_size
                    stop = min(start + self.block_size, size)
                    out.append(Block(self, land, number, start, stop, kind))
        return out


@dataclass(frozen=True)
class Block:
    """Citizens (or organisations) ``start`` to ``stop - 1`` of one Land: the unit of work
    and of seeding."""

    population: Population
    land: LandId
    number: int
    start: int
    stop: int
    kind: Kind = "citizen"

    @property
    def seed_text(self) -> str:
        """The text that seeds this block's Faker and generator."""
        kind = "" if self.kind == "citizen" else "/organisations"
        return f"skc-simulate/{self.population.seed}/{self.land}{kind}/{self.number}"

    def __len__(self) -> int:
        return self.stop - self.start


@dataclass(frozen=True)
class BlockTables:
    """What one block produced."""

    land: LandId
    number: int
    kind: Kind
    journeys: pd.DataFrame
    events: pd.DataFrame
    organisations: pd.DataFrame


@cache
def _faker() -> Faker:
    """One Faker per process, reseeded for each block (building one costs about 30 ms)."""
    return german_faker(0)


@cache
def _readings(pairs: tuple[tuple[str, str], ...]) -> Readings:
    return Readings(dict(pairs))


def run_block(block: Block) -> BlockTables:
    """Simulate one block of citizens; the same block always gives the same tables."""
    population = block.population
    readings = _readings(tuple(sorted(population.readings.items())))
    rules = WhatIfRules(block.land, readings, population.limits)
    fake = _faker()
    fake.seed_instance(block.seed_text)
    rng = random.Random(block.seed_text)
    events: list[Event] = []
    rows: list[Journey] = []
    orgs: list[OrgJourney] = []
    for index in range(block.start, block.stop):
        # Each one draws from an own generator: what one citizen meets (an expired link, a
        # lost session) never shifts the draws of the next, so sweeps compare like with like.
        own = random.Random(rng.getrandbits(64))
        if block.kind == "organisation":
            behaviour = population.behaviour
            orgs.append(walk_organisation(
                block.land, rules, behaviour, fake, readings, index, own, events
            ))  # fmt: skip
            continue
        persona = make_persona(fake, own, block.land, index, readings)
        rows.append(walk(block.land, rules, population.behaviour, persona, own, events))
    journeys = pd.DataFrame([_row(journey) for journey in rows], columns=JOURNEY_COLUMNS)
    journeys.insert(0, "land", block.land)
    organisations = pd.DataFrame([_org_row(o) for o in orgs], columns=ORGANISATION_COLUMNS)
    organisations.insert(0, "land", block.land)
    frame = _events_frame(block.land, block.kind, events)
    return BlockTables(block.land, block.number, block.kind, journeys, frame, organisations)


def _events_frame(land: LandId, kind: Kind, events: Sequence[Event]) -> pd.DataFrame:
    frame = pd.DataFrame(list(events), columns=["actor", "step", "seconds", "accepted", "rule"])
    frame.insert(0, "land", land)
    frame.insert(1, "kind", kind)
    frame.insert(4, "at", pd.Timestamp(START) + pd.to_timedelta(frame.pop("seconds"), unit="s"))
    return frame


def _categorical(frame: pd.DataFrame, lands: Sequence[str]) -> pd.DataFrame:
    frame["land"] = pd.Categorical(frame["land"], categories=list(lands))
    if "step" in frame.columns:
        frame["step"] = pd.Categorical(frame["step"], categories=list(STEPS))
        frame["kind"] = pd.Categorical(frame["kind"], categories=["citizen", "organisation"])
    return frame


@dataclass(frozen=True)
class Simulation:
    """The tables of one simulated population."""

    population: Population
    journeys: pd.DataFrame
    events: pd.DataFrame
    organisations: pd.DataFrame

    @property
    def kpis(self) -> pd.DataFrame:
        """The KPIs per Land (see :func:`kpis`)."""
        return kpis(self.journeys, self.population, self.organisations)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name: ``journeys``, ``events``, ``kpis`` and, when the population
        has organisations, ``organisations``."""
        tables = {"journeys": self.journeys, "events": self.events, "kpis": self.kpis}
        if self.population.organisations:
            tables["organisations"] = self.organisations
        return tables

    def write(self, out: str | Path, fmt: TableFormat = "parquet") -> list[Path]:
        """Write the tables to ``out`` as Parquet (needs pyarrow) or CSV; return the files."""
        return write_tables(self.tables(), out, fmt)


def assemble(population: Population, parts: Iterable[BlockTables]) -> Simulation:
    """Put block tables together in block order (whatever order they were computed in)."""
    order = {(b.land, b.kind, b.number): i for i, b in enumerate(population.blocks())}
    ordered = sorted(parts, key=lambda part: order[(part.land, part.kind, part.number)])
    citizens = [p.journeys for p in ordered if p.kind == "citizen"]
    orgs = [p.organisations for p in ordered if p.kind == "organisation"]
    journeys = _concat(citizens, ["land", *JOURNEY_COLUMNS])
    events = _concat([p.events for p in ordered], list(EVENT_COLUMNS))
    organisations = _concat(orgs, ["land", *ORGANISATION_COLUMNS])
    lands = population.lands or LANDS
    return Simulation(
        population,
        _categorical(journeys, lands),
        _categorical(events, lands),
        _categorical(organisations, lands),
    )


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [frame for frame in frames if len(frame)]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)


def simulate(
    population: Population, *, on_block: Callable[[int, int], None] | None = None
) -> Simulation:
    """Simulate the population in this process; ``on_block(done, total)`` reports progress."""
    blocks = population.blocks()
    parts = []
    for done, block in enumerate(blocks, start=1):
        parts.append(run_block(block))
        if on_block is not None:
            on_block(done, len(blocks))
    return assemble(population, parts)


def sweep(
    population: Population,
    rule: str,
    values: Sequence[float | None],
    unit: Literal["minutes", "hours", "days"] = "minutes",
    *,
    runner: Callable[[Population], Simulation] = simulate,
) -> pd.DataFrame:
    """KPIs per Land for each value of one time limit (the same citizens and seed each time).

    ``rule`` is one of ``session.idle_timeout``, ``registration.activation_link_lifetime``,
    ``payment.window``; ``None`` in ``values`` means no limit. ``runner`` may be a Dask runner.
    """
    frames = []
    for value in values:
        limit = None if value is None else timedelta(**{unit: value})
        changed = dataclasses.replace(population, limits={**population.limits, rule: limit})
        table = runner(changed).kpis.reset_index()
        table.insert(0, f"{rule} ({unit})", value)
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def write_tables(
    tables: Mapping[str, pd.DataFrame], out: str | Path, fmt: TableFormat = "parquet"
) -> list[Path]:
    """Write each table as ``out/NAME.parquet`` or ``out/NAME.csv``; return the paths."""
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"unknown table format {fmt!r}; use parquet or csv")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        path = folder / f"{name}.{fmt}"
        if fmt == "parquet":
            frame.to_parquet(path, index=name == "kpis")
        else:
            frame.to_csv(path, index=name == "kpis")
        written.append(path)
    return written


__all__ = [
    "DEFAULT_BLOCK_SIZE",
    "EVENT_COLUMNS",
    "JOURNEY_COLUMNS",
    "Block",
    "BlockTables",
    "Population",
    "Simulation",
    "assemble",
    "kpis",
    "run_block",
    "simulate",
    "sweep",
    "write_tables",
]
