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
from skc.fixtures.providers import german_faker
from skc.model.ambiguity import Readings
from skc.model.lands import LANDS, LandId, parse_land

DEFAULT_BLOCK_SIZE: Final = 1_000
JOURNEY_COLUMNS: Final = tuple(f.name for f in dataclasses.fields(Journey))
EVENT_COLUMNS: Final = ("land", "citizen", "step", "at", "accepted", "rule")
TableFormat = Literal["parquet", "csv"]
_row = operator.attrgetter(*JOURNEY_COLUMNS)


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

    def __post_init__(self) -> None:
        if self.citizens < 0 or self.block_size < 1:
            raise ValueError("citizens must be >= 0 and block_size >= 1")
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
        other fields (``behaviour=``, ``limits=``, ``readings=``, ``block_size=``)."""
        names = [lands] if isinstance(lands, str) else list(lands)
        chosen = LANDS if names == ["all"] else tuple(parse_land(n) for n in names)
        return cls(chosen, citizens, seed, **options)

    def blocks(self) -> list[Block]:
        """The population cut into blocks, Land by Land, in a fixed order."""
        out = []
        for land in self.lands:
            for number in range(math.ceil(self.citizens / self.block_size)):
                start = number * self.block_size
                stop = min(start + self.block_size, self.citizens)
                out.append(Block(self, land, number, start, stop))
        return out


@dataclass(frozen=True)
class Block:
    """Citizens ``start`` to ``stop - 1`` of one Land: the unit of work (and of seeding)."""

    population: Population
    land: LandId
    number: int
    start: int
    stop: int

    @property
    def seed_text(self) -> str:
        """The text that seeds this block's Faker and generator."""
        return f"skc-simulate/{self.population.seed}/{self.land}/{self.number}"

    def __len__(self) -> int:
        return self.stop - self.start


@dataclass(frozen=True)
class BlockTables:
    """What one block produced."""

    land: LandId
    number: int
    journeys: pd.DataFrame
    events: pd.DataFrame


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
    for citizen in range(block.start, block.stop):
        # Each citizen draws from an own generator: what one citizen meets (an expired link,
        # a lost session) never shifts the draws of the next, so sweeps compare like with like.
        own = random.Random(rng.getrandbits(64))
        persona = make_persona(fake, own, block.land, citizen, readings)
        rows.append(walk(block.land, rules, population.behaviour, persona, own, events))
    journeys = pd.DataFrame([_row(journey) for journey in rows], columns=JOURNEY_COLUMNS)
    journeys.insert(0, "land", block.land)
    return BlockTables(block.land, block.number, journeys, _events_frame(block.land, events))


def _events_frame(land: LandId, events: Sequence[Event]) -> pd.DataFrame:
    frame = pd.DataFrame(list(events), columns=["citizen", "step", "seconds", "accepted", "rule"])
    frame.insert(0, "land", land)
    frame.insert(3, "at", pd.Timestamp(START) + pd.to_timedelta(frame.pop("seconds"), unit="s"))
    return frame


def _categorical(frame: pd.DataFrame, lands: Sequence[str]) -> pd.DataFrame:
    frame["land"] = pd.Categorical(frame["land"], categories=list(lands))
    if "step" in frame.columns:
        frame["step"] = pd.Categorical(frame["step"], categories=list(STEPS))
    return frame


@dataclass(frozen=True)
class Simulation:
    """The tables of one simulated population."""

    population: Population
    journeys: pd.DataFrame
    events: pd.DataFrame

    @property
    def kpis(self) -> pd.DataFrame:
        """The KPIs per Land (see :func:`kpis`)."""
        return kpis(self.journeys, self.population)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The three tables by name: ``journeys``, ``events``, ``kpis``."""
        return {"journeys": self.journeys, "events": self.events, "kpis": self.kpis}

    def write(self, out: str | Path, fmt: TableFormat = "parquet") -> list[Path]:
        """Write the tables to ``out`` as Parquet (needs pyarrow) or CSV; return the files."""
        return write_tables(self.tables(), out, fmt)


def assemble(population: Population, parts: Iterable[BlockTables]) -> Simulation:
    """Put block tables together in block order (whatever order they were computed in)."""
    order = {(b.land, b.number): i for i, b in enumerate(population.blocks())}
    ordered = sorted(parts, key=lambda part: order[(part.land, part.number)])
    if ordered:
        journeys = pd.concat([p.journeys for p in ordered], ignore_index=True)
        events = pd.concat([p.events for p in ordered], ignore_index=True)
    else:
        journeys = pd.DataFrame(columns=["land", *JOURNEY_COLUMNS])
        events = pd.DataFrame(columns=list(EVENT_COLUMNS))
    lands = population.lands or LANDS
    return Simulation(population, _categorical(journeys, lands), _categorical(events, lands))


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


def effective_limits(population: Population, land: LandId) -> dict[str, float | None]:
    """The time limits the population's portals of ``land`` apply, in minutes (None: none)."""
    rules = WhatIfRules(land, _readings(tuple(sorted(population.readings.items()))),
                        population.limits)  # fmt: skip
    out: dict[str, float | None] = {}
    for rule in LIMIT_RULES:
        limit = rules.duration(rule)
        out[rule] = None if limit is None else limit.total_seconds() / 60
    return out


def _share(part: float, whole: float) -> float:
    return part / whole if whole else math.nan


def kpis(journeys: pd.DataFrame, population: Population | None = None) -> pd.DataFrame:
    """Per-Land KPIs of a journeys table.

    ``activation_rate`` is activated / registered; ``expired_link_share`` the registered
    citizens who clicked at least one expired link; ``session_loss_rate`` the citizens who
    logged in and lost at least one session to the idle timeout; ``payment_failure_rate`` the
    payments the window closed on (NaN where no payment ran: the Land states no window);
    ``lockout_rate`` the security-question resets that ended locked out. With ``population``
    given, the limits in force are added as columns (minutes).
    """
    rows = []
    lands = list(journeys["land"].cat.categories if hasattr(journeys["land"], "cat")
                 else dict.fromkeys(journeys["land"]))  # fmt: skip
    for land in lands:
        j = journeys[journeys["land"] == land]
        registered = int(j["registered"].sum())
        logged_in = int((j["logins"] > 0).sum())
        paid = j[j["payment"].isin(["succeeded", "declined", "window"])]
        answered = j[j["reset"].isin(["question", "locked", "gave up"])]
        row: dict[str, Any] = {
            "land": land,
            "citizens": len(j),
            "password_rejected_share": _share(int(j["password_rejected"].sum()), len(j)),
            "registered": registered,
            "activated": int(j["activated"].sum()),
            "activation_rate": _share(int(j["activated"].sum()), registered),
            "expired_link_share": _share(int((j["activation_expired"] > 0).sum()), registered),
            "logged_in": logged_in,
            "sessions_lost": int(j["sessions_lost"].sum()),
            "session_loss_rate": _share(int((j["sessions_lost"] > 0).sum()), logged_in),
            "payments": len(paid),
            "payments_failed_window": int((paid["payment"] == "window").sum()),
            "payment_failure_rate": _share(int((paid["payment"] == "window").sum()), len(paid)),
            "password_resets": int(j["forgot_password"].sum()),
            "lockouts": int(j["locked_out"].sum()),
            "lockout_rate": _share(int(j["locked_out"].sum()), len(answered)),
        }
        if population is not None:
            limits = effective_limits(population, land)
            row["idle_timeout_min"] = limits["session.idle_timeout"]
            row["link_lifetime_min"] = limits["registration.activation_link_lifetime"]
            row["payment_window_min"] = limits["payment.window"]
        rows.append(row)
    return pd.DataFrame(rows).set_index("land")


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
    "effective_limits",
    "kpis",
    "run_block",
    "simulate",
    "sweep",
    "write_tables",
]
