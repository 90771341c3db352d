from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from skc.model.sim.clock import BERLIN, VirtualClock, start_of_next_day


def test_clock_moves_only_when_advanced_when_created() -> None:
    clock = VirtualClock(datetime(2024, 5, 1, 12, 0))
    assert clock.now() == datetime(2024, 5, 1, 12, 0, tzinfo=BERLIN)
    assert clock.now() == clock.now()
    clock.advance(minutes=25)
    assert clock.now().minute == 25


def test_clock_refuses_to_go_back_when_step_is_negative() -> None:
    with pytest.raises(ValueError, match="only moves forward"):
        VirtualClock().advance(timedelta(seconds=-1))


def test_durations_stay_exact_when_daylight_saving_starts() -> None:
    clock = VirtualClock(datetime(2024, 3, 30, 12, 0))
    start = clock.instant()
    clock.advance(hours=24)
    assert clock.instant() - start == timedelta(hours=24)
    assert clock.now().hour == 13  # the wall clock jumped forward by one hour overnight


def test_next_day_is_berlin_midnight_when_late_in_the_evening() -> None:
    late = datetime(2024, 6, 1, 23, 30, tzinfo=BERLIN)
    assert start_of_next_day(late) == datetime(2024, 6, 2, 0, 0, tzinfo=BERLIN).astimezone(UTC)
