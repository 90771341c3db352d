"""Benchmark of the HTTP adapter against ``skc serve`` (issue 12).

1. The adapter's overhead per operation: the same operations sent to the same server (a ``skc
   serve`` process with test hooks, on loopback) by raw httpx requests (one client, a JSON body,
   the JSON answer parsed) and by the HTTP adapter (``HttpConnection.call``: argument encoding,
   the answer turned into an Outcome), in alternating rounds so the machine's load hits both
   alike; the median per call of each, and their ratio (target: at most 1.2). The harness's
   own path adds the call guard's worker thread (deadline and rate limit): shown beside it.
2. A full conformance run per Land over HTTP (every suite, CI profile): ``skc serve`` for that
   Land, ``run()`` with ``--target http://...``; the time and the conclusion.

Figures are printed, never asserted.

    python -m benchmarks.http [overhead|runs|all] [ROUNDS]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from skc.conformance.adapters.guard import CallGuard, GuardedConnection
from skc.conformance.adapters.http import HttpAdapter
from skc.conformance.runner import RunConfig, run
from skc.model.lands import LANDS
from skc.service.testing import serve_process

TARGET_RATIO = 1.2
TOKEN = "bench-token"
# (operation, arguments): a query answered from memory and an action the portal rejects
CALLS = (
    ("account_status", {"account_id": "acc-1"}),
    ("login", {"email": "nobody@example.org", "password": "Falsch-123"}),
)


def _median_ms(fn: Callable[[], object], calls: int) -> float:
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def overhead(rounds: int = 20, calls: int = 25) -> None:
    """Print the median per call of raw httpx, the adapter and the guarded adapter."""
    os.environ["SKC_TEST_TOKEN"] = TOKEN
    with (
        tempfile.TemporaryDirectory() as tmp,
        serve_process("berlin", Path(tmp) / "bench.sqlite3", token=TOKEN) as (url, _),
    ):
        adapter = HttpAdapter(url, land="berlin")
        connection = adapter.connect()
        guarded = GuardedConnection(connection, CallGuard(timeout_s=30))
        raw = httpx.Client(base_url=url, timeout=30)
        print(f"\nHTTP adapter overhead per operation ({rounds} alternating rounds x {calls} "
              f"calls, median per call, skc serve on loopback):")  # fmt: skip
        for name, arguments in CALLS:
            path = f"/portals/{connection.portal}/operations/{name}"

            def send_raw(path: str = path, arguments: dict[str, str] = arguments) -> object:
                return raw.post(path, json=arguments).json()

            def send_adapter(name: str = name, arguments: dict[str, str] = arguments) -> object:
                return connection.call(name, arguments)

            def send_guarded(name: str = name, arguments: dict[str, str] = arguments) -> object:
                return guarded.call(name, arguments)

            results: dict[str, list[float]] = {"raw": [], "adapter": [], "guarded": []}
            for _ in range(rounds):
                results["raw"].append(_median_ms(send_raw, calls))
                results["adapter"].append(_median_ms(send_adapter, calls))
                results["guarded"].append(_median_ms(send_guarded, calls))
            raw_ms, adapter_ms, guarded_ms = (statistics.median(results[k]) for k in results)
            print(f"  {name:15} raw httpx {raw_ms:6.2f} ms   adapter {adapter_ms:6.2f} ms "
                  f"(ratio {adapter_ms / raw_ms:.2f}, target <= {TARGET_RATIO})   "
                  f"with the call guard {guarded_ms:6.2f} ms "
                  f"(ratio {guarded_ms / raw_ms:.2f})")  # fmt: skip
        connection.close()
        raw.close()


def runs(lands: tuple[str, ...] = LANDS) -> None:
    """Print the time of a full conformance run per Land over HTTP."""
    os.environ["SKC_TEST_TOKEN"] = TOKEN
    print("\nfull conformance run per Land over HTTP (every suite, CI profile, skc serve):")
    total = 0.0
    for land in lands:
        with (
            tempfile.TemporaryDirectory() as tmp,
            serve_process(land, Path(tmp) / "bench.sqlite3", token=TOKEN) as (url, _),
        ):
            started = time.perf_counter()
            report = run(RunConfig(lands=(land,), seed=1, target=url, out=None))  # type: ignore[arg-type]
            took = time.perf_counter() - started
        total += took
        print(f"  {land:17} {took:7.1f} s  {report.summary.status.value}, "
              f"{report.summary.checks_run} checks")  # fmt: skip
    print(f"  {'all':17} {total:7.1f} s")


def main(argv: list[str]) -> None:
    """``overhead``, ``runs`` or ``all`` (default ``overhead``); then the rounds."""
    what = argv[0] if argv else "overhead"
    rounds = int(argv[1]) if len(argv) > 1 else 20
    if what in ("overhead", "all"):
        overhead(rounds)
    if what in ("runs", "all"):
        runs()


if __name__ == "__main__":
    main(sys.argv[1:])
