"""Deadlines and rate limits for adapter calls: a hung portal never hangs the run.

Every call the harness makes on a portal under test (``connect``, ``call``, ``advance_clock``,
``captured_token``, ``close``) goes through a :class:`CallGuard`. The guard runs it in a worker
thread and stops waiting after the profile's ``call_timeout_s`` (default 30 s): the call is
abandoned (Python cannot kill a thread; the daemon worker is left behind and a new one serves
the next call) and :class:`~skc.model.errors.AdapterTimeoutError` says which call and which
limit, so the check's verdict is ``error`` and the run goes on. Before each call the guard
waits as long as the profile's ``rate_limit_per_s`` requires. Any other exception an adapter
raises becomes an :class:`~skc.model.errors.AdapterError` naming the call.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Mapping
from datetime import timedelta
from types import TracebackType
from typing import Final, Generic, NoReturn, TypeVar

from skc.conformance.adapters.protocol import Adapter, Connection, Value
from skc.conformance.profile import PortalProfile, guard_number
from skc.model.errors import AdapterError, AdapterTimeoutError, InputError
from skc.model.sim.outcome import Outcome

T = TypeVar("T")
DEFAULT_TIMEOUT_S: Final = 30.0


class _Job(Generic[T]):
    __slots__ = ("done", "error", "fn", "result")

    def __init__(self, fn: Callable[[], T]) -> None:
        self.fn = fn
        self.done = threading.Event()
        self.result: T | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.fn()
        except BaseException as exc:  # handed to the waiting thread, which decides
            self.error = exc
        finally:
            self.done.set()


class _Worker:
    """One daemon thread running jobs in order; abandoned (not joined) after a timeout."""

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[_Job[object] | None] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._loop, name="skc-adapter-call", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while (job := self.jobs.get()) is not None:
            job.run()

    def stop(self) -> None:
        """Let the thread end once its current job returns (if it ever does)."""
        self.jobs.put(None)


def _number(params: Mapping[str, object], name: str, default: float) -> float:
    try:
        return guard_number(name, params.get(name, default))
    except ValueError as exc:  # a profile built in code, past the file's validation
        raise InputError(f"profile parameter {exc}") from exc


class CallGuard:
    """Runs adapter calls with a deadline and a rate limit (one per run or per check).

    ``clock`` and ``sleep`` are injectable so tests can check the rate limit without waiting.
    """

    def __init__(
        self,
        timeout_s: float | None = None,
        rate_limit_per_s: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.configured = timeout_s is not None or rate_limit_per_s is not None
        self.timeout_s = DEFAULT_TIMEOUT_S if timeout_s is None else float(timeout_s)
        self.rate_limit_per_s = rate_limit_per_s
        self._clock = clock
        self._sleep = sleep
        self._next_start = 0.0
        self._worker: _Worker | None = None
        self.abandoned = 0

    def __repr__(self) -> str:
        return f"CallGuard(timeout_s={self.timeout_s:g}, rate_limit_per_s={self.rate_limit_per_s})"

    def configure(self, profile: PortalProfile) -> None:
        """Take ``call_timeout_s`` and ``rate_limit_per_s`` from the profile, unless given."""
        if self.configured:
            return
        params = profile.parameters
        self.timeout_s = _number(params, "call_timeout_s", DEFAULT_TIMEOUT_S)
        rate = _number(params, "rate_limit_per_s", 0.0)
        self.rate_limit_per_s = rate or None
        self.configured = True

    def _wait_for_rate(self) -> None:
        if not self.rate_limit_per_s:
            return
        now = self._clock()
        if self._next_start > now:
            self._sleep(self._next_start - now)
            now = self._next_start
        self._next_start = now + 1.0 / self.rate_limit_per_s

    def run(self, what: str, fn: Callable[[], T], *, inline: bool = False) -> T:
        """Run ``fn`` in the worker under the deadline; adapter failures become AdapterErrors.

        ``inline`` runs it in this thread without a deadline: for the in-process reference
        portal, which cannot hang and would pay a thread handoff on every call.
        """
        self._wait_for_rate()
        if inline:
            try:
                return fn()
            except BaseException as exc:
                return self._failed(what, exc)
        if self._worker is None:
            self._worker = _Worker()
        job = _Job(fn)
        self._worker.jobs.put(job)  # type: ignore[arg-type]
        if not job.done.wait(self.timeout_s):
            self._worker.stop()
            self._worker = None
            self.abandoned += 1
            raise AdapterTimeoutError(
                f"{what} took more than the {self.timeout_s:g} s limit (call_timeout_s) and "
                "was abandoned; raise the profile's call_timeout_s if the portal is just slow"
            )
        return self._outcome(what, job)

    @classmethod
    def _outcome(cls, what: str, job: _Job[T]) -> T:
        if job.error is None:
            return job.result  # type: ignore[return-value]
        return cls._failed(what, job.error)

    @staticmethod
    def _failed(what: str, error: BaseException) -> NoReturn:
        """Raise what a failed call becomes: adapter errors as they are, timeouts as adapter
        timeouts, other exceptions as adapter errors naming the call."""
        if isinstance(error, AdapterError):
            raise error
        if isinstance(error, TimeoutError):
            raise AdapterTimeoutError(f"{what} timed out: {error}") from error
        if isinstance(error, Exception):
            raise AdapterError(f"{what} raised {type(error).__name__}: {error}") from error
        raise error

    def close(self) -> None:
        """Let the worker thread end."""
        if self._worker is not None:
            self._worker.stop()
            self._worker = None


class GuardedConnection:
    """A connection whose every method runs under a :class:`CallGuard` (a context manager)."""

    def __init__(self, inner: Connection, guard: CallGuard, *, inline: bool = False) -> None:
        self.inner = inner
        self.guard = guard
        self.inline = inline
        self.closed = False
        self.abandoned: str | None = None  # why, once a call on it timed out

    def _run(self, what: str, fn: Callable[[], T]) -> T:
        if self.abandoned is not None:
            raise AdapterError(f"{what} not sent: {self.abandoned}")
        try:
            return self.guard.run(what, fn, inline=self.inline)
        except AdapterTimeoutError:
            # a connection with a call still hanging is not used again (not even closed)
            self.abandoned = f"the connection was abandoned after {what} timed out"
            raise

    @classmethod
    def open(cls, adapter: Adapter, guard: CallGuard) -> GuardedConnection:
        """``adapter.connect()`` under the deadline (inline for an adapter whose own class says
        it runs in this process and cannot hang, ``runs_in_process = True``; a subclass, which
        may well hang, does not inherit that; a profile that sets ``call_timeout_s`` gets its
        deadline all the same)."""
        inline = (
            type(adapter).__dict__.get("runs_in_process", False) is True
            and "call_timeout_s" not in adapter.profile.parameters
        )
        return cls(guard.run("connect", adapter.connect, inline=inline), guard, inline=inline)

    def __repr__(self) -> str:
        return f"GuardedConnection({self.inner!r})"

    def __enter__(self) -> GuardedConnection:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def call(self, operation: str, arguments: Mapping[str, Value]) -> Outcome:
        """``call`` under the deadline; anything but an Outcome is an adapter error."""
        outcome = self._run(operation, lambda: self.inner.call(operation, arguments))
        if not isinstance(outcome, Outcome):
            raise AdapterError(f"{operation} returned {type(outcome).__name__}, not an Outcome")
        return outcome

    def advance_clock(self, delta: timedelta) -> None:
        """``advance_clock`` under the deadline."""
        self._run("advance_clock", lambda: self.inner.advance_clock(delta))

    def captured_token(self, address: str, kind: str) -> str | None:
        """``captured_token`` under the deadline."""
        return self._run("captured_token", lambda: self.inner.captured_token(address, kind))

    def close(self) -> None:
        """``close`` under the deadline, once (not at all on an abandoned connection)."""
        if not self.closed:
            self.closed = True
            if self.abandoned is None:
                self._run("close", self.inner.close)


__all__ = ["DEFAULT_TIMEOUT_S", "CallGuard", "GuardedConnection"]
