"""A function adapter: a portal given as one handler, in the spirit of httpx's MockTransport.

A test that needs a misbehaving portal, or the documentation's example, passes a handler
``(operation, arguments) -> Outcome`` instead of writing connection classes::

    from skc.conformance.adapters.function import FunctionAdapter
    from skc.model.sim.outcome import Outcome

    def handler(operation: str, arguments: Mapping[str, Value]) -> Outcome:
        if operation == "login":
            return Outcome(accepted=False)          # rejects, naming no rule
        return Outcome(accepted=True)

    adapter = FunctionAdapter(handler, land="berlin")

The test hooks arrive as operations too: ``advance_clock`` with ``{"seconds": int}`` and
``captured_token`` with ``{"address": ..., "kind": ...}`` (an accepted outcome whose ``value``
is the token; a rejected one means no such mail). Each ``connect()`` calls ``on_connect`` (if
given), so a handler can keep state per connection by building a fresh one there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from types import TracebackType
from typing import TypeAlias

from skc.conformance.adapters.protocol import Value
from skc.conformance.profile import PortalProfile, reference_profile
from skc.model.errors import AdapterError
from skc.model.lands import LandId
from skc.model.sim.outcome import Outcome

Handler: TypeAlias = Callable[[str, Mapping[str, Value]], Outcome]


class FunctionConnection:
    """A connection whose every call goes to one handler."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.closed = False

    def __enter__(self) -> FunctionConnection:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def call(self, operation: str, arguments: Mapping[str, Value]) -> Outcome:
        """Hand the operation to the handler."""
        return self.handler(operation, arguments)

    def advance_clock(self, delta: timedelta) -> None:
        """``advance_clock`` with the seconds; a rejection is an adapter error."""
        outcome = self.handler("advance_clock", {"seconds": int(delta.total_seconds())})
        if not outcome.accepted:
            raise AdapterError(f"the handler refused to move the clock: {outcome.rules}")

    def captured_token(self, address: str, kind: str) -> str | None:
        """``captured_token``: the accepted outcome's value (``""``: a mail without a link), or
        None."""
        outcome = self.handler("captured_token", {"address": address, "kind": kind})
        return outcome.value if outcome.accepted and isinstance(outcome.value, str) else None

    def close(self) -> None:
        """Mark the connection closed."""
        self.closed = True


class FunctionAdapter:
    """An adapter over one handler ``(operation, arguments) -> Outcome``."""

    name = "function"

    def __init__(
        self,
        handler: Handler,
        *,
        land: LandId,
        profile: PortalProfile | None = None,
        on_connect: Callable[[], Handler] | None = None,
    ) -> None:
        self.handler = handler
        self.profile = profile if profile is not None else reference_profile(land)
        self.on_connect = on_connect

    def __repr__(self) -> str:
        return f"FunctionAdapter({self.handler!r}, land={self.profile.land!r})"

    def connect(self) -> FunctionConnection:
        """A connection to the handler (a fresh handler from ``on_connect`` if given)."""
        return FunctionConnection(self.on_connect() if self.on_connect else self.handler)


__all__ = ["FunctionAdapter", "FunctionConnection", "Handler"]
