"""A live ``skc serve`` (no test hooks): each portal's clock follows the real time.

The wall clock is injected, so nothing here waits.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from skc.service.instances import DEFAULT, Portals
from skc.service.store import Store


class FakeWall:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_portal_clock_moves_with_the_real_time_between_requests_when_live() -> None:
    wall = FakeWall()
    portals = Portals("berlin", Store(":memory:"), readings=None, real_time=True, wall=wall)
    instance = portals.create()
    start = instance.portal.clock.instant()
    wall.now += 1500.5
    found = portals.get(instance.id)
    assert found is instance
    assert instance.portal.clock.instant() - start == timedelta(seconds=1500.5)
    wall.now -= 100  # a wall clock set back never moves the portal's clock back
    portals.get(instance.id)
    assert instance.portal.clock.instant() - start == timedelta(seconds=1500.5)


def test_portal_clock_counts_the_time_the_server_was_down_when_restarted(tmp_path: Path) -> None:
    wall = FakeWall()
    database = tmp_path / "portal.db"
    first = Portals("hamburg", Store(database), readings=None, real_time=True, wall=wall)
    instance = first.create()
    start = instance.portal.clock.instant()
    first.save(instance)
    first.store.close()
    wall.now += 3600
    second = Portals("hamburg", Store(database), readings=None, real_time=True, wall=wall)
    reloaded = second.get(instance.id)
    assert reloaded is not None
    assert reloaded.portal.clock.instant() - start == timedelta(hours=1)


def test_portal_clock_stays_virtual_when_test_hooks_move_it() -> None:
    wall = FakeWall()
    portals = Portals("berlin", Store(":memory:"), readings=None, wall=wall)
    instance = portals.get(DEFAULT)
    assert instance is not None
    start = instance.portal.clock.instant()
    wall.now += 86_400
    portals.get(DEFAULT)
    assert instance.portal.clock.instant() == start
