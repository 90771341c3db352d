"""Durable state of ``skc serve``: one snapshot per portal instance in SQLite (WAL).

What is stored, and why a snapshot rather than a journal: the server keeps each portal
instance (a :class:`~skc.model.sim.portal.ReferencePortal` with its virtual clock) in memory
and, after every request that changed it, writes a pickled snapshot of that instance in one
transaction. A journal of operations replayed on start would have to keep every password,
security answer and PIN in clear to replay them; a snapshot holds only what the simulation
keeps, and the simulation keeps secrets as salted digests (``World.digest``). Two things are
left out of a snapshot on purpose (:mod:`skc.service.snapshot`): the Land's rules (rebuilt
from the Land, readings and seeded fault when loaded, so a fault survives a restart) and the
new password a "new password by mail" e-mail carries (a clear password; the mail has been
delivered when the snapshot is written, and what a sink received stays there).

The write is ``synchronous=NORMAL`` under WAL: a killed or crashed server loses nothing that
was answered; only a power failure may lose the last transactions. The test-hook token is kept
as an argon2 hash (``meta``), so the file holds no credential in clear. Snapshots are pickles:
the database is the server's own file, never one received from elsewhere.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS portals (
    id TEXT PRIMARY KEY,
    land TEXT NOT NULL,
    fault TEXT,
    snapshot BLOB NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True, slots=True)
class StoredPortal:
    """One stored portal instance: its id, Land, seeded fault (if any) and snapshot."""

    id: str
    land: str
    fault: str | None
    snapshot: bytes


class Store:
    """The SQLite file of one server (``:memory:`` for a throw-away server)."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def __repr__(self) -> str:
        return f"Store({self.path!r})"

    def save(self, portal: StoredPortal) -> None:
        """Insert or replace a portal's snapshot in one transaction."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(
                    "INSERT INTO portals (id, land, fault, snapshot) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(id) DO UPDATE SET snapshot = excluded.snapshot, "
                    "version = version + 1",
                    (portal.id, portal.land, portal.fault, portal.snapshot),
                )
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def load(self, portal_id: str) -> StoredPortal | None:
        """The stored portal with that id, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT id, land, fault, snapshot FROM portals WHERE id = ?", (portal_id,)
            ).fetchone()
        return StoredPortal(row[0], row[1], row[2], bytes(row[3])) if row else None

    def ids(self) -> Iterator[str]:
        """The ids of every stored portal."""
        with self._lock:
            rows = self._db.execute("SELECT id FROM portals ORDER BY id").fetchall()
        return iter([str(row[0]) for row in rows])

    def delete(self, portal_id: str) -> bool:
        """Remove a portal; tell whether it existed."""
        with self._lock:
            cursor = self._db.execute("DELETE FROM portals WHERE id = ?", (portal_id,))
        return cursor.rowcount > 0

    def meta(self, key: str) -> str | None:
        """A value of the ``meta`` table, or None."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Set a value of the ``meta`` table."""
        with self._lock:
            self._db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()


__all__ = ["Store", "StoredPortal"]
