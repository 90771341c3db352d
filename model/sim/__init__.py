"""The reference portal simulation: a deterministic state machine per Land.

It implements the flows of the five help texts (registration, activation, sessions, password
reset, e-mail change, profile, deletion, mailbox, organisations) and obeys every lifecycle,
timing, mailbox and organisation rule of the catalog. It is pure: a :class:`VirtualClock` is
the only time, nothing is random, nothing does I/O. Conformance suites compare real portals
against :class:`ReferencePortal`.
"""

from __future__ import annotations

from skc.model.sim.clock import VirtualClock
from skc.model.sim.outbox import Mail, Outbox
from skc.model.sim.outcome import Outcome, ok, rejected
from skc.model.sim.portal import ReferencePortal
from skc.model.sim.state import IdCard

__all__ = [
    "IdCard",
    "Mail",
    "Outbox",
    "Outcome",
    "ReferencePortal",
    "VirtualClock",
    "ok",
    "rejected",
]
