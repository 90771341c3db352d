"""The output directory of a run: checked before the run, locked during it, never mixed.

Before a run starts, :func:`check_output_dir` refuses a path that is a file, a symbolic link or
read-only (exit 2, with the reason). While it runs, :class:`OutputDir` holds an exclusive lock
on ``OUT/.skc-run.lock``, so a second run into the same directory is refused instead of
interleaving its lines with the first; and it removes the report files (and the ``replay/``
folder) an earlier run left, so a run's reports are never read beside another run's. Replay
commands write into ``OUT/replay/LAND-CHECK``, so a replay never overwrites the full run.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import stat
from pathlib import Path
from types import TracebackType
from typing import IO, Final

from skc.model.errors import InputError

LOCK_FILE: Final = ".skc-run.lock"
REPLAY_DIR: Final = "replay"


def check_output_dir(path: Path) -> None:
    """Raise InputError when ``path`` cannot hold a run's reports, saying why."""
    for part in (path, *path.parents):
        if part.is_symlink():
            raise InputError(
                f"{path}: {'it' if part == path else part} is a symbolic link; "
                "give the real directory with --out so reports cannot land elsewhere"
            )
        if part.exists():
            break
    if path.exists() and not path.is_dir():
        raise InputError(f"{path}: is a file, not a directory; choose another --out")
    existing = next((p for p in (path, *path.parents) if p.exists()), None)
    if existing is None:
        return
    mode = existing.stat().st_mode
    writable_bits = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
    if not os.access(existing, os.W_OK | os.X_OK) or not mode & writable_bits:
        raise InputError(f"{existing}: is read-only; choose a writable --out")


class OutputDir:
    """An output directory locked for one run; previous report files removed on entry."""

    def __init__(self, path: Path, report_files: tuple[str, ...]) -> None:
        self.path = path
        self.report_files = report_files
        self._lock: IO[str] | None = None

    def __enter__(self) -> OutputDir:
        check_output_dir(self.path)
        self.path.mkdir(parents=True, exist_ok=True)
        lock = (self.path / LOCK_FILE).open("a+", encoding="utf-8")
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            lock.close()
            raise InputError(
                f"{self.path}: another run ({holder}) is writing its reports here; "
                "wait for it or choose another --out"
            ) from exc
        lock.seek(0)
        lock.truncate()
        lock.write(f"pid {os.getpid()}\n")
        lock.flush()
        self._lock = lock
        for name in self.report_files:
            (self.path / name).unlink(missing_ok=True)
        replays = self.path / REPLAY_DIR
        if replays.is_dir() and not replays.is_symlink():
            shutil.rmtree(replays)  # replays of an earlier run describe that run, not this one
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._lock is not None:
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None  # the file stays: unlinking it would let two runs lock two files


__all__ = ["LOCK_FILE", "REPLAY_DIR", "OutputDir", "check_output_dir"]
