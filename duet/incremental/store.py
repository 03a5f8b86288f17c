"""The build cache: one SQLite file of plain values.

Two tables. `memo` holds results of pure steps (a page file's checked front
matter, a compiled body's facts and its HTML, a rendered page's link facts,
what the templates give), each under a key that digests everything the step
read, so an entry can never be stale: a changed input is a different key.
`records` holds, for each output folder, the record of the last build that
published it (record.py); a record is checked against the folder before it
is trusted, so a record that is lost or out of date only costs work.

Values are plain data (strings, numbers, bytes, lists, tuples, dicts, sets),
written with `marshal`, which refuses anything else: no engine object is ever
stored. The file is written without waiting for the disk; a damaged one is
replaced by an empty one. A build reads what it needs as it goes and writes
what it made in one transaction at its end; memo entries no build used lately
are dropped when the memo has grown to twice what the last build used.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

STORE_FILE = "cache.sqlite3"
SCHEMA_VERSION = 4
BATCH = 500
PAGE_SIZE = 16384
"""Bytes in each page of a new store's file. Most values are a page body of some
kilobytes, which SQLite's default pages of 4 KiB split into overflow pages: with
16 KiB pages a cold build writes its memo in about half the time."""
"""Keys asked for in one query (SQLite allows a few hundred parameters at least)."""


class Store:
    """The memo and the records, in `folder/cache.sqlite3`.

    Memo reads go through a dictionary in memory, so a process that builds
    again (the dev server) asks SQLite only for what it has not seen. A forked
    worker opens the file again."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / STORE_FILE
        self.known: dict[str, Any] = {}
        self.new: dict[str, Any] = {}
        self.used: set[str] = set()
        self._connection: sqlite3.Connection | None = None
        self._pid = -1

    def connection(self) -> sqlite3.Connection:
        if self._connection is None or self._pid != os.getpid():
            try:
                self._connection = self._connect()
            except sqlite3.DatabaseError:  # not a database (damaged): start again
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
                self._connection = self._connect()
            self._pid = os.getpid()
        return self._connection

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, isolation_level=None, timeout=30,
                                     check_same_thread=False)
        # first: a new file takes its page size before anything is written to it
        connection.execute(f"PRAGMA page_size={PAGE_SIZE}")
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=OFF")
        if connection.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            # rowid tables: values are kilobytes, which WITHOUT ROWID stores slowly
            connection.executescript(
                "DROP TABLE IF EXISTS memo; DROP TABLE IF EXISTS records;"
                "CREATE TABLE memo (key TEXT PRIMARY KEY, value BLOB);"
                "CREATE TABLE records (folder TEXT PRIMARY KEY, value BLOB);"
                f"PRAGMA user_version={SCHEMA_VERSION};")
        return connection

    # -- the memo ------------------------------------------------------------

    def get(self, key: str) -> Any | None:
        """The value stored under `key`, or None."""
        self.used.add(key)
        if key in self.known:
            return self.known[key]
        row = self.connection().execute("SELECT value FROM memo WHERE key = ?",
                                        (key,)).fetchone()
        value = _loads(row[0]) if row else None
        if value is not None:
            self.known[key] = value
        return value

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """The values stored under those of `keys` that are stored."""
        keys = list(keys)
        self.used.update(keys)
        found = {key: self.known[key] for key in keys if key in self.known}
        missing = [key for key in keys if key not in found]
        connection = self.connection()
        for start in range(0, len(missing), BATCH):
            batch = missing[start:start + BATCH]
            marks = ",".join("?" * len(batch))
            for key, blob in connection.execute(
                    f"SELECT key, value FROM memo WHERE key IN ({marks})", batch):
                value = _loads(blob)
                if value is not None:
                    found[key] = self.known[key] = value
        return found

    def keep(self, key: str) -> None:
        """Count `key` as used by this build without reading it (it is not pruned)."""
        self.used.add(key)

    def put(self, key: str, value: Any) -> None:
        """Store `value` under `key` (written at `commit`)."""
        self.used.add(key)
        if key not in self.known:
            self.known[key] = value
            self.new[key] = value

    # -- the records -------------------------------------------------------------

    def record(self, folder: str) -> Any | None:
        """The record of the last build into `folder`, or None."""
        row = self.connection().execute("SELECT value FROM records WHERE folder = ?",
                                        (folder,)).fetchone()
        return _loads(row[0]) if row else None

    def commit(self, folder: str | None = None, record: Any = None) -> None:
        """Write the new memo entries and, with `folder`, its record; drop old memo
        entries once the memo is twice what was used."""
        connection = self.connection()
        with _transaction(connection):
            connection.executemany("INSERT OR REPLACE INTO memo VALUES (?, ?)",
                                   ((key, marshal.dumps(value))
                                    for key, value in self.new.items()))
            if folder is not None:
                connection.execute("INSERT OR REPLACE INTO records VALUES (?, ?)",
                                   (folder, marshal.dumps(record)))
            stored = connection.execute("SELECT count(*) FROM memo").fetchone()[0]
            if stored > 2 * len(self.used) + 100:
                connection.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY)")
                connection.execute("DELETE FROM used")
                connection.executemany("INSERT OR IGNORE INTO used VALUES (?)",
                                       ((key,) for key in self.used))
                connection.execute("DELETE FROM memo WHERE key NOT IN (SELECT key FROM used)")
                self.known = {key: value for key, value in self.known.items()
                              if key in self.used}
        self.new = {}
        self.used = set()

    def forget(self) -> None:
        """Drop everything (`--clean`)."""
        self.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        self.known, self.new, self.used = {}, {}, set()

    def close(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None


def _loads(blob: bytes) -> Any | None:
    """A stored value, or None if it cannot be read back (the build does without it)."""
    try:
        return marshal.loads(blob)
    except (EOFError, ValueError, TypeError):
        return None


@contextlib.contextmanager
def _transaction(connection: sqlite3.Connection) -> Iterator[None]:
    connection.execute("BEGIN")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
