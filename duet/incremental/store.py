"""The build cache: values keyed by what made them, in two SQLite files.

`memo.sqlite3` holds results of pure steps (a page's checked front matter, a
compiled body's facts, a body's HTML, a page's link facts), each under a key
that digests everything the step read, so an entry can never be stale: a
changed input is a different key. It is written without waiting for the disk:
an entry lost to a crash is only made again, and a damaged file is replaced by
an empty one.

`folders.sqlite3` holds, for each output folder and spare folder a build
wrote, what is in it (see spare.py), keyed by the folder's identity on disk.
These records say what is on disk, so each is written with the disk waited
for, before the folder it describes changes. A build that publishes keeps its
own record and its two folders' and forgets the rest (folders removed by hand,
records of other engine versions).

Values are pickled. A build reads what it needs as it goes and writes what it
made in one transaction at its end; entries no build used for a while are
dropped when the memo has grown to twice what the last build used.

`model.pickle` holds one large value, read and written whole: the site model
the last command-line build made (kept.py).
"""

from __future__ import annotations

import contextlib
import copyreg
import os
import pickle
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

MEMO_FILE = "memo.sqlite3"
FOLDERS_FILE = "folders.sqlite3"
LARGE_FILE = "model.pickle"
SCHEMA_VERSION = 3
BATCH = 500
"""Keys asked for in one query (SQLite allows a few hundred parameters at least)."""


class Database:
    """One SQLite file with one table of pickled values by key; opened again in a forked
    worker, and made anew when it is damaged or of another schema."""

    def __init__(self, path: Path, table: str, synchronous: str) -> None:
        self.path = path
        self.table = table
        self.synchronous = synchronous
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
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(f"PRAGMA synchronous={self.synchronous}")
        if connection.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            connection.executescript(
                f"DROP TABLE IF EXISTS {self.table};"
                # a rowid table: values are kilobytes, which WITHOUT ROWID stores slowly
                f"CREATE TABLE {self.table} (key TEXT PRIMARY KEY, value BLOB);"
                f"PRAGMA user_version={SCHEMA_VERSION};")
        return connection

    def close(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None


class Store:
    """A memo of pure results and a record of output folders, in `folder/`.

    Memo reads go through a dictionary in memory, so a process that builds
    again (the dev server) asks SQLite only for what it has not seen."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.large = folder / LARGE_FILE
        self.large_used = False
        """This build read or wrote the large file (its memo entries are in `used`)."""
        self.memo = Database(folder / MEMO_FILE, "memo", "OFF")
        self.folders = Database(folder / FOLDERS_FILE, "folders", "FULL")
        self.known: dict[str, Any] = {}
        self.new: dict[str, Any] = {}
        self.used: set[str] = set()

    # -- the memo ------------------------------------------------------------

    def get(self, key: str) -> Any | None:
        """The value stored under `key`, or None."""
        self.used.add(key)
        if key in self.known:
            return self.known[key]
        row = self.memo.connection().execute(
            "SELECT value FROM memo WHERE key = ?", (key,)).fetchone()
        value = pickle.loads(row[0]) if row else None
        if value is not None:
            self.known[key] = value
        return value

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """The values stored under those of `keys` that are stored."""
        keys = list(keys)
        self.used.update(keys)
        found = {key: self.known[key] for key in keys if key in self.known}
        missing = [key for key in keys if key not in found]
        connection = self.memo.connection()
        for start in range(0, len(missing), BATCH):
            batch = missing[start:start + BATCH]
            marks = ",".join("?" * len(batch))
            for key, blob in connection.execute(
                    f"SELECT key, value FROM memo WHERE key IN ({marks})", batch):
                found[key] = self.known[key] = pickle.loads(blob)
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

    def commit(self) -> None:
        """Write the new entries; drop old ones once the memo is twice what was used."""
        connection = self.memo.connection()
        with _transaction(connection):
            connection.executemany(
                "INSERT OR REPLACE INTO memo VALUES (?, ?)",
                ((key, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
                 for key, value in self.new.items()))
            stored = connection.execute("SELECT count(*) FROM memo").fetchone()[0]
            if stored > 2 * len(self.used) + 100:
                connection.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY)")
                connection.execute("DELETE FROM used")
                connection.executemany("INSERT OR IGNORE INTO used VALUES (?)",
                                       ((key,) for key in self.used))
                connection.execute("DELETE FROM memo WHERE key NOT IN (SELECT key FROM used)")
                if not self.large_used:  # it may need what was just dropped
                    self.large.unlink(missing_ok=True)
                self.known = {key: value for key, value in self.known.items()
                              if key in self.used}
        self.new = {}
        self.used = set()
        self.large_used = False

    # -- the large value ------------------------------------------------------

    def write_large(self, head: Any, value: Any,
                    reducers: dict[type, Callable[[Any], tuple[Any, ...]]]) -> None:
        """Keep `value` in the large file, `head` stored before it (`read_large` reads the
        head alone first); `reducers` pickle those types their own way. Written beside
        the file, then renamed over it. A value that cannot be written (a full disk, an
        object of the site's code that cannot be pickled) is not kept: the next build
        makes it anew."""
        written = self.large.with_name(f"{LARGE_FILE}.{os.getpid()}")
        try:
            with open(written, "wb") as stream:
                pickler = pickle.Pickler(stream, pickle.HIGHEST_PROTOCOL)
                pickler.dispatch_table = {**copyreg.dispatch_table, **reducers}
                pickler.dump(head)
                pickler.dump(value)  # the same pickler: what the head holds is not stored twice
            os.replace(written, self.large)
            self.large_used = True
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            written.unlink(missing_ok=True)

    def read_large(self, wanted: Callable[[Any], bool]) -> Any | None:
        """The value in the large file, if `wanted(its head)`; None when there is none, or
        the file is damaged or of other code."""
        try:
            stream = open(self.large, "rb")  # noqa: SIM115  (closed below)
        except OSError:  # none, or unreadable: done without
            return None
        with stream:
            unpickler = pickle.Unpickler(stream)
            head = _unpickled(unpickler)
            value = _unpickled(unpickler) if head is not None and wanted(head) else None
        self.large_used = value is not None
        return value

    # -- output folders ------------------------------------------------------

    def folder(self, identity: str) -> Any | None:
        row = self.folders.connection().execute(
            "SELECT value FROM folders WHERE key = ?", (identity,)).fetchone()
        return pickle.loads(row[0]) if row else None

    def set_folder(self, identity: str, value: Any | None) -> None:
        """Record (or, with None, forget) what a folder holds, on disk when this returns."""
        connection = self.folders.connection()
        if value is None:
            connection.execute("DELETE FROM folders WHERE key = ?", (identity,))
        else:
            connection.execute("INSERT OR REPLACE INTO folders VALUES (?, ?)",
                               (identity, pickle.dumps(value, pickle.HIGHEST_PROTOCOL)))

    def keep_folders(self, identities: set[str]) -> None:
        """Forget the records of every folder but these: folders gone since, and records
        of other engine versions, which no build reads again."""
        marks = ", ".join("?" * len(identities))
        self.folders.connection().execute(
            f"DELETE FROM folders WHERE key NOT IN ({marks})", tuple(identities))

    def close(self) -> None:
        self.memo.close()
        self.folders.close()


def _unpickled(unpickler: pickle.Unpickler) -> Any | None:
    """The next value, or None if it cannot be read back (whatever is wrong with a cache
    entry, the build does without it)."""
    try:
        return unpickler.load()
    except Exception:
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
