"""The events of a conformance run, and the handlers that turn them into reports.

A run emits, in order::

    RunStarted(header)
    ├── CheckStarted(land, check, index, total)       once per planned check
    │   └── StepRan(land, check, step)                 each step, as it runs (optional)
    └── CheckFinished(land, check, results, ledger)    its verdicts, secrets already scrubbed
    UnexpectedPassFound(entry)                         an expected failure that did not fail
    RunFinished(summary)                               always, also when interrupted

Every report is a :class:`Handler`: the JSONL stream, JUnit XML, the HTML page, the console,
the pytest plugin and the benchmarks each take the events they need. A handler never sees a
secret: the runner scrubs results before it emits them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeAlias

from skc.conformance.adapters.identities import LedgerEntry
from skc.conformance.results import Result, RunHeader, RunSummary, UnexpectedPass
from skc.model.lands import LandId


@dataclass(frozen=True, slots=True)
class RunStarted:
    """A run begins."""

    header: RunHeader


@dataclass(frozen=True, slots=True)
class CheckStarted:
    """A check is about to run on one Land."""

    land: LandId
    check: str
    index: int
    total: int


@dataclass(frozen=True, slots=True)
class StepRan:
    """One step ran on the portal and the model (rendered: secrets described, never shown)."""

    land: LandId
    check: str
    step: str


@dataclass(frozen=True, slots=True)
class CheckFinished:
    """A check ended with these results and these created accounts."""

    land: LandId
    check: str
    results: tuple[Result, ...]
    ledger: tuple[LedgerEntry, ...] = ()
    duration_s: float = 0.0


@dataclass(frozen=True, slots=True)
class UnexpectedPassFound:
    """An expected-failures entry matched no failure."""

    entry: UnexpectedPass


@dataclass(frozen=True, slots=True)
class RunFinished:
    """The run ended (finished, interrupted or stopped by a harness error)."""

    summary: RunSummary


Event: TypeAlias = (
    RunStarted | CheckStarted | StepRan | CheckFinished | UnexpectedPassFound | RunFinished
)


class Handler(Protocol):
    """Takes the events of a run; ``close`` is called once, after ``RunFinished`` or a crash.

    A handler that also wants a :class:`StepRan` per step sets ``wants_steps = True`` (steps are
    many; the runner renders them only when someone listens).
    """

    def handle(self, event: Event) -> None:
        """React to one event."""
        ...

    def close(self) -> None:
        """Release files; write what must be written at the end."""
        ...


class Broadcast:
    """Sends each event to every handler in order; closes them all, even if one fails."""

    def __init__(self, handlers: Sequence[Handler]) -> None:
        self.handlers = tuple(handlers)

    @property
    def wants_steps(self) -> bool:
        """Tell whether any handler listens for steps."""
        return any(getattr(handler, "wants_steps", False) for handler in self.handlers)

    def handle(self, event: Event) -> None:
        """Send the event to every handler."""
        for handler in self.handlers:
            handler.handle(event)

    def close(self) -> None:
        """Close every handler; re-raise the first failure after all were closed."""
        first: BaseException | None = None
        for handler in self.handlers:
            try:
                handler.close()
            except Exception as exc:
                first = first or exc
        if first is not None:
            raise first


__all__ = [
    "Broadcast",
    "CheckFinished",
    "CheckStarted",
    "Event",
    "Handler",
    "RunFinished",
    "RunStarted",
    "StepRan",
    "UnexpectedPassFound",
]
