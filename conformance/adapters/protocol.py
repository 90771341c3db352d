"""The adapter protocol: a small, typed seam with plain values.

Every portal, whether in-process, over HTTP or in a browser, is driven through ``call`` with an
operation name from :data:`~skc.conformance.adapters.operations.OPERATIONS` and plain arguments,
and answers with an :class:`~skc.model.sim.outcome.Outcome`: accepted (with a value: an id, a
count, a status) or rejected with the rule ids of the field errors the portal showed (the
vocabulary is documented in :mod:`skc.conformance.adapters.operations`). Clock control and mail
capture are capabilities: a connection without them raises
:class:`~skc.model.errors.AdapterError` from ``advance_clock`` / ``captured_token``, and the
suites consult the profile before they ask.

The harness never calls a connection directly: it wraps each one in a
:class:`~skc.conformance.adapters.guard.GuardedConnection`, which runs every call (also
``connect``, ``close``, ``advance_clock``, ``captured_token``) in a worker thread under the
profile's ``call_timeout_s`` and ``rate_limit_per_s``, and closes it at the end of its example.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Protocol, TypeAlias

from skc.conformance.profile import PortalProfile
from skc.model.sim.outcome import Outcome

Value: TypeAlias = str | int | bool | date | Sequence[str] | Mapping[str, str] | None


class Connection(Protocol):
    """One portal under test, seen by one example (its own accounts, clock and mailbox)."""

    def call(self, operation: str, arguments: Mapping[str, Value]) -> Outcome:
        """Perform one operation and report what the portal showed."""
        ...

    def advance_clock(self, delta: timedelta) -> None:
        """Move the portal's clock forward (capability ``clock_control``)."""
        ...

    def captured_token(self, address: str, kind: str) -> str | None:
        """The link token of the newest e-mail of ``kind`` to ``address`` (``mail_capture``):
        ``""`` when that mail carries no link (a notice), ``None`` when no such mail came."""
        ...

    def close(self) -> None:
        """Release the connection (the harness deletes its test accounts before)."""
        ...


class Adapter(Protocol):
    """A way to reach one portal implementation, described by its profile."""

    name: str
    profile: PortalProfile

    def connect(self) -> Connection:
        """Open a connection for one example."""
        ...


__all__ = ["Adapter", "Connection", "Value"]
