"""One Playwright browser in a thread of its own.

Playwright's sync API is bound to the thread that started it, while the harness's call guard
runs each call in a worker thread of its own (and abandons one that misses its deadline). So the
browser lives in one dedicated thread per adapter, and every browser action is handed to it
(:meth:`Driver.run`) and waited for; Playwright's own timeouts bound each navigation and wait.
Debian's chromium is used, never a downloaded browser.
"""

from __future__ import annotations

import queue
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Final, TypeVar

from skc.model.errors import AdapterError, InputError

CHROMIUM_PATHS: Final = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
T = TypeVar("T")


def chromium_path() -> str:
    """Debian's chromium; InputError saying how to install it when it is missing."""
    for candidate in (*CHROMIUM_PATHS, shutil.which("chromium") or ""):
        if candidate and shutil.which(candidate):
            return candidate
    raise InputError(
        "the browser adapter drives Debian's chromium, which is not installed: "
        "run `apt-get install chromium` (a browser Playwright downloads is never used)"
    )


def _playwright() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise InputError(
            "the browser adapter needs Playwright for Python: pip install -e '.[dev]' "
            "(or pip install playwright; its browser download is not needed)"
        ) from exc
    return sync_playwright


class Driver:
    """A thread owning Playwright and one headless chromium; jobs run there in order."""

    def __init__(self, executable: str | None = None) -> None:
        self.executable = executable or chromium_path()
        self._jobs: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]] | None] = (
            queue.SimpleQueue()
        )
        self._ready: Future[Any] = Future()
        self._thread = threading.Thread(target=self._main, name="skc-browser", daemon=True)
        self._thread.start()
        self.browser: Any = self._ready.result()

    def _main(self) -> None:
        try:
            manager = _playwright()()
            playwright = manager.start()
            browser = playwright.chromium.launch(executable_path=self.executable, headless=True)
        except BaseException as exc:  # handed to the thread that waits
            self._ready.set_exception(exc)
            return
        self._ready.set_result(browser)
        while (job := self._jobs.get()) is not None:
            work, future = job
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(work())
                except BaseException as exc:  # handed to the thread that waits
                    future.set_exception(exc)
        try:
            browser.close()
        finally:
            playwright.stop()

    def run(self, work: Callable[[], T]) -> T:
        """Run ``work`` in the browser's thread and return its result (or raise its error)."""
        if not self._thread.is_alive():
            raise AdapterError("the browser has stopped; start the run again")
        future: Future[T] = Future()
        self._jobs.put((work, future))
        return future.result()

    def stop(self) -> None:
        """Close the browser and end its thread."""
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join(timeout=30)


__all__ = ["CHROMIUM_PATHS", "Driver", "chromium_path"]
