"""Start a Portal Test API server from a test: in a thread, or as a ``skc serve`` process.

:func:`serving` runs an ASGI app on uvicorn in a daemon thread on a free loopback port and
yields its base URL; :func:`serve_process` starts ``python -m skc serve`` and waits until it
answers (:func:`wait_until_up`), so a test can kill and restart it. Readiness is awaited by
asking the server, with a deadline, never by sleeping a fixed time.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from skc.model.errors import AdapterError


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(base_url: str, *, timeout_s: float = 30.0, process: Any = None) -> None:
    """Ask ``GET /profile`` until it answers 200; AdapterError after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AdapterError(f"the server at {base_url} exited with {process.returncode}")
        try:
            if httpx.get(f"{base_url}/profile", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            threading.Event().wait(0.05)  # the server is still binding: ask again shortly
    raise AdapterError(f"the server at {base_url} did not answer within {timeout_s:g} s")


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve ``app`` on uvicorn in a daemon thread; yield ``http://127.0.0.1:PORT``."""
    sock = socket.socket()
    # accepted sockets inherit it: without it, Nagle and delayed ACKs add 40 ms per answer
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=1
    )  # a request that hangs on purpose must not hold the shutdown
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base_url)
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def serve_process(
    land: str, db: Path, *, port: int | None = None, token: str = "", extra: Sequence[str] = ()
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``python -m skc serve`` on a free port (test hooks when ``token``); yield (url, process);
    the process is killed at the end if still running."""
    port = port if port is not None else free_port()
    command = [sys.executable, "-m", "skc", "serve", "--land", land, "--port", str(port),
               "--db", str(db), *extra]  # fmt: skip
    env = None
    if token:
        command.append("--test-hooks")
        env = {**os.environ, "SKC_TEST_TOKEN": token}
    process = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base_url, process=process)
        yield base_url, process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


__all__ = ["free_port", "serve_process", "serving", "wait_until_up"]
