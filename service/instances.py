"""The portal instances one server holds: in memory, each saved to the store after a change.

Every harness connection (one example) gets its own instance, created by the test hook
``POST /test/portals``: a fresh reference portal of the server's Land (with the server's
seeded fault, if any), its own virtual clock, accounts and outbox. The instance ``default``
exists from the start, for clients without test hooks. An instance is the portal's side only
(:class:`~skc.conformance.adapters.inprocess.ReferenceEndpoint`): it states its eID request and
takes eID results; the card, its PIN and its retry counters stay with the harness. An instance
not in memory (after a restart) is loaded from its snapshot on first use
(:mod:`skc.service.store`).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from skc.conformance.adapters.inprocess import ReferenceEndpoint
from skc.conformance.faults import Fault, faulty_rules
from skc.model.ambiguity import Readings
from skc.model.lands import LandId
from skc.model.sim.portal import ReferencePortal
from skc.model.sim.rules import LandRules
from skc.service import snapshot
from skc.service.store import Store, StoredPortal

DEFAULT: Final = "default"


@dataclass
class Instance:
    """One portal instance: the reference portal's endpoint and its lock."""

    id: str
    connection: ReferenceEndpoint
    delivered: int = 0  # mails of the outbox already handed to the mail transport
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def portal(self) -> ReferencePortal:
        """The simulated portal."""
        return self.connection.portal


class Portals:
    """Every instance of one server (one Land, one optional fault, one store)."""

    def __init__(
        self,
        land: LandId,
        store: Store,
        *,
        fault: Fault | None = None,
        readings: Readings | None,
        real_time: bool = False,
        wall: Callable[[], float] = time.time,
    ) -> None:
        if fault is not None and fault.land != land:
            raise ValueError(f"fault {fault.name!r} is for {fault.land}, not {land}")
        self.land = land
        self.store = store
        self.fault = fault
        self.readings = readings
        # A live server (no test hooks) moves each portal's clock with the real time passed
        # since its last request, also while the server was down (the time is kept in the
        # store); with test hooks only the clock hook moves it.
        self.real_time = real_time
        self._wall = wall
        self._live: dict[str, Instance] = {}
        self._lock = threading.Lock()
        if self.get(DEFAULT) is None:
            self._add(DEFAULT)

    def __repr__(self) -> str:
        return f"Portals({self.land!r}, {len(self._live)} in memory, {self.store!r})"

    def _rules(self) -> LandRules:
        if self.fault is not None:
            return faulty_rules(self.fault, self.readings)
        return LandRules(self.land, self.readings)

    def _instance(self, portal_id: str, portal: ReferencePortal, rules: LandRules) -> Instance:
        return Instance(portal_id, ReferenceEndpoint(portal, rules), delivered=len(portal.outbox))

    def _add(self, portal_id: str) -> Instance:
        rules = self._rules()
        portal = ReferencePortal(self.land, readings=rules.readings, rules=rules)
        instance = self._instance(portal_id, portal, rules)
        self._live[portal_id] = instance
        self._follow_real_time(instance)  # anchors its clock to the wall time
        self.save(instance)
        return instance

    def create(self) -> Instance:
        """A fresh instance with a new random id, saved before it is returned."""
        with self._lock:
            return self._add(f"p-{secrets.token_hex(8)}")

    def get(self, portal_id: str) -> Instance | None:
        """The instance with that id (loaded from the store if need be), or None."""
        with self._lock:
            found = self._live.get(portal_id)
            if found is None:
                stored = self.store.load(portal_id)
                if stored is None or stored.land != self.land:
                    return None
                rules = self._rules()
                found = self._instance(portal_id, snapshot.load(stored.snapshot, rules), rules)
                self._live[portal_id] = found
            self._follow_real_time(found)
            return found

    def _follow_real_time(self, instance: Instance) -> None:
        """Move the portal's clock to its anchor (the wall time and portal time first seen,
        written once) plus the real time passed since; never backwards."""
        if not self.real_time:
            return
        now = self._wall()
        clock = instance.portal.clock
        key = f"wall_anchor:{instance.id}"
        anchor = self.store.meta(key)
        if anchor is None:
            self.store.set_meta(key, f"{now!r} {clock.instant().isoformat()}")
            return
        wall, _, instant = anchor.partition(" ")
        target = datetime.fromisoformat(instant) + timedelta(seconds=now - float(wall))
        if target > clock.instant():
            clock.advance(target - clock.instant())

    def save(self, instance: Instance) -> None:
        """Write the instance's snapshot (one transaction)."""
        fault = self.fault.name if self.fault is not None else None
        data = snapshot.dump(instance.portal)
        self.store.save(StoredPortal(instance.id, self.land, fault, data))

    def delete(self, portal_id: str) -> bool:
        """Forget an instance (memory and store); tell whether it existed."""
        with self._lock:
            known = self._live.pop(portal_id, None) is not None
            return self.store.delete(portal_id) or known


__all__ = ["DEFAULT", "Instance", "Portals"]
