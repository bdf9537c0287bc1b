"""How an index derived from the chunks follows the manifest, file by file.

An index (the lexical index, the sentence index) keeps per source the digest of the chunk
ids it indexed and the manifest generation it last caught up with. Catching up drops the
sources whose digest changed or that are gone and indexes those that are new or changed —
all in one SQLite transaction, so a crash leaves the old index or the new one, never a mix.

A damaged index file (``is_damage``: garbled, truncated, not a database) is rebuilt whole
(``rebuild_in_place``): into a file of its own beside it first, then copied over it with
SQLite's backup API, a write like any other under the file's lock, so every process that has
the file open reads the rebuilt index next (none is left reading a file that was replaced).
"""

from __future__ import annotations

import logging
import os
import secrets
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from assistant.index.manifest import FileEntry

logger = logging.getLogger(__name__)
T = TypeVar("T")

# The tables every following index has (beside its own).
FOLLOW_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS source (name TEXT PRIMARY KEY, digest TEXT NOT NULL)",
)


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one catch-up with the manifest changed."""

    generation: str
    sources_added: int
    sources_removed: int
    chunks_added: int
    missing: tuple[str, ...] = ()


# Drops what an index holds of one source.
Drop = Callable[[sqlite3.Connection, str], None]
# Indexes one file: returns how many chunks it indexed and the ids the store did not have.
Add = Callable[[sqlite3.Connection, FileEntry], tuple[int, Sequence[str]]]


def generation_of(db: sqlite3.Connection) -> str:
    row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    return str(row[0]) if row else ""


def catch_up(
    db: sqlite3.Connection,
    generation: str,
    entries: Mapping[str, FileEntry],
    *,
    drop: Drop,
    add: Add,
    after: Callable[[sqlite3.Connection], None] | None = None,
) -> SyncReport | None:
    """Bring the index in ``db`` to the manifest ``entries`` of ``generation`` (None: it is
    there already). Files being written are left out until their record is complete."""
    with transaction(db, immediate=True):
        if generation_of(db) == generation:
            return None
        have = {str(n): str(d) for n, d in db.execute("SELECT name, digest FROM source")}
        wanted = {s: e for s, e in entries.items() if e.state != "writing"}
        stale = [s for s, d in have.items() if s not in wanted or wanted[s].digest != d]
        for source in stale:
            drop(db, source)
            db.execute("DELETE FROM source WHERE name = ?", (source,))
        fresh = [e for s, e in wanted.items() if s in stale or s not in have]
        added, missing = 0, list[str]()
        for entry in fresh:
            count, lost = add(db, entry)
            added += count
            missing.extend(lost)
            db.execute("INSERT OR REPLACE INTO source VALUES (?, ?)", (entry.source, entry.digest))
        if after is not None:
            after(db)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (generation,))
    return SyncReport(
        generation, len(fresh), len([s for s in stale if s not in wanted]), added, tuple(missing)
    )


def open_database(path: Path) -> sqlite3.Connection:
    """A derived index's SQLite file, opened for one process's threads (they take the index's
    own lock): write-ahead log, a minute's wait for another process's writer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    return db


@contextmanager
def transaction(db: sqlite3.Connection, *, immediate: bool = False) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


# -- damage ---------------------------------------------------------------------------------

# SQLite's primary result codes for a damaged file (a busy, full or read-only one is not).
_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26


def is_damage(exc: BaseException) -> bool:
    """Whether ``exc`` says an index file is damaged — garbled or truncated pages, not a
    database at all, not an index of ours — rather than busy, full or not writable."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:  # raised by an index: an unknown version, a failed check
        return type(exc) is sqlite3.DatabaseError
    return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)


def _not_a_database(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == _SQLITE_NOTADB


def one_line(exc: BaseException) -> str:
    """An exception's message as one line (SQLite's checks report one problem a line)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return "; ".join(lines[:2]) + (f" (and {len(lines) - 2} more)" if len(lines) > 2 else "")


def check_file(db: sqlite3.Connection, fts_table: str) -> None:
    """Raise ``sqlite3.DatabaseError`` when the file is damaged (one problem a line): SQLite's
    quick_check, then FTS5's own check of ``fts_table``."""
    found = [
        line
        for (row,) in db.execute("PRAGMA quick_check").fetchall()
        for line in str(row).splitlines()
        if line.strip() and not line.startswith("*** in database")
    ]
    if found != ["ok"]:
        raise sqlite3.DatabaseError("quick_check: " + "\n".join(found or ["?"]))
    db.execute(f"INSERT INTO {fts_table}({fts_table}) VALUES ('integrity-check')")


def rebuild_in_place(path: Path, build: Callable[[Path], T]) -> T:
    """Replace the index at ``path`` by the one ``build(into)`` writes at ``into`` (and
    closes): copied over it with SQLite's backup API, so that connections other processes
    have open read the new index next. A file whose very header is gone (no process can read
    it) is replaced instead, its journal removed first so that nothing replays into the new
    one. Builds left by a process that ended meanwhile are removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_builds(path)
    into = path.with_name(f".{path.name}.build-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        result = build(into)
        _install(into, path)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{into}{suffix}").unlink(missing_ok=True)
    return result


def _install(build: Path, path: Path) -> None:
    source = sqlite3.connect(build)
    try:
        target = sqlite3.connect(path, timeout=60, isolation_level=None)
        try:
            source.backup(target)
            return
        except sqlite3.DatabaseError as exc:
            if not _not_a_database(exc):
                raise
        finally:
            target.close()
    finally:
        source.close()
    logger.info("%s is not a database: replacing the file", path)  # the rebuild said so
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(build, path)


def _remove_abandoned_builds(path: Path) -> None:
    """Builds beside ``path`` left by processes that ended during a rebuild."""
    for build in path.parent.glob(f".{path.name}.build-*"):
        pid = build.name.split(".build-", 1)[1].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            build.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process
    return True
