"""A virtual clock: the only source of time in the simulation, moved explicitly by the caller.

Instants are kept in UTC so that durations stay exact across daylight-saving changes; ``now()``
shows them in Berlin time, and calendar days ("am nächsten Tag") are Berlin calendar days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

BERLIN: Final = ZoneInfo("Europe/Berlin")
DEFAULT_START: Final = datetime(2024, 3, 4, 9, 0, tzinfo=BERLIN)


class VirtualClock:
    """A clock that never reads the real time; ``advance`` is the only way it moves."""

    __slots__ = ("_instant",)

    def __init__(self, start: datetime | None = None) -> None:
        start = DEFAULT_START if start is None else start
        if start.tzinfo is None:
            start = start.replace(tzinfo=BERLIN)
        self._instant = start.astimezone(UTC)

    def __repr__(self) -> str:
        return f"VirtualClock({self.now().isoformat()})"

    def now(self) -> datetime:
        """The current time in Europe/Berlin."""
        return self._instant.astimezone(BERLIN)

    def instant(self) -> datetime:
        """The current time in UTC (what the simulation stores and subtracts)."""
        return self._instant

    def today(self) -> date:
        """The current Berlin calendar day."""
        return self.now().date()

    def advance(
        self,
        delta: timedelta | None = None,
        *,
        days: float = 0,
        hours: float = 0,
        minutes: float = 0,
        seconds: float = 0,
    ) -> datetime:
        """Move the clock forward and return the new Berlin time; it never moves back."""
        step = (delta or timedelta()) + timedelta(
            days=days, hours=hours, minutes=minutes, seconds=seconds
        )
        if step < timedelta():
            raise ValueError(f"the virtual clock only moves forward; got a step of {step}")
        try:
            self._instant += step
        except OverflowError:
            raise ValueError(
                f"a step of {step} moves the virtual clock past the year 9999"
            ) from None
        return self.now()


def start_of_next_day(instant: datetime) -> datetime:
    """00:00 Berlin time of the calendar day after ``instant``, as a UTC instant."""
    next_day = instant.astimezone(BERLIN).date() + timedelta(days=1)
    return datetime.combine(next_day, time(), tzinfo=BERLIN).astimezone(UTC)


__all__ = ["BERLIN", "VirtualClock", "start_of_next_day"]
