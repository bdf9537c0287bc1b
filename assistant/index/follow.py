"""How an index derived from the chunks follows the manifest, file by file.

An index (the lexical index, the sentence index) keeps per source the digest of the chunk
ids it indexed and the manifest generation it last caught up with. Catching up drops the
sources whose digest changed or that are gone and indexes those that are new or changed —
all in one SQLite transaction, so a crash leaves the old index or the new one, never a mix.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from assistant.manifest import FileEntry

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


@contextmanager
def transaction(db: sqlite3.Connection, *, immediate: bool = False) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
