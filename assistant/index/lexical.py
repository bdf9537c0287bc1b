"""The lexical (BM25) index: SQLite FTS5 over stemmed chunk words, updated file by file.

The index follows the manifest (``assistant.index.manifest``): it remembers, per source, the digest
of
the chunk ids it indexed and the manifest generation it last caught up with. Catching up touches
only the sources whose digest changed, so adding or removing one file costs time proportional
to that file. Every catch-up is one SQLite transaction: a crash leaves the old index or the new
one, never a mix; several processes may share the file (WAL, busy timeout).

A damaged file (``is_damage``) is rebuilt whole from the store's texts, in place
(``LexicalIndex.rebuild``, see ``assistant.index.follow.rebuild_in_place``).
"""

from __future__ import annotations

import logging
import math
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.index.follow import (
    FOLLOW_SCHEMA,
    SyncReport,
    catch_up,
    check_file,
    generation_of,
    open_database,
    rebuild_in_place,
)
from assistant.index.follow import transaction as _transaction
from assistant.index.manifest import FileEntry
from assistant.language.lexicon import STOPWORDS

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"\w+", re.UNICODE)
SCHEMA_VERSION = "fts5-1"

_SCHEMA = (
    *FOLLOW_SCHEMA,
    "CREATE TABLE IF NOT EXISTS chunk ("
    " rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, source TEXT NOT NULL,"
    " length INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS chunk_source ON chunk (source)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5("
    " tokens, tokenize = \"unicode61 remove_diacritics 0 tokenchars '_'\")",
    "CREATE VIRTUAL TABLE IF NOT EXISTS vocab USING fts5vocab(fts, 'row')",
)
# Okapi BM25 with Lucene's IDF, as bm25s (the index this one replaced) computes it; FTS5's own
# bm25() zeroes the weight of words in over half the chunks, which costs small corpora.
K1, B = 1.5, 0.75
# FTS5 picks this many candidates per wanted hit; they are then scored as above.
_CANDIDATES_PER_HIT = 10


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


# A term in more than this many chunks, and more than this share of them, finds candidates
# only when the question has no rarer term: FTS5 ranks every chunk a term matches, so "year"
# in 29,000 of 100,000 chunks cost a question 90 ms, and such a term's weight is small
# (the chunks are still scored with every term). In 2,000 chunks or fewer nothing is left out.
COMMON_DOCS, COMMON_SHARE = 2000, 0.05


def candidate_terms(terms: Sequence[str], frequency: Mapping[str, int], chunks: int) -> list[str]:
    """The ``terms`` that pick candidate chunks: all but the common ones (see above), or all
    when every term is common."""
    limit = max(COMMON_DOCS, COMMON_SHARE * chunks)
    rare = [t for t in terms if frequency.get(t, 0) <= limit]
    return rare or list(terms)


def tokenize(text: str) -> list[str]:
    """Lower-cased, stop-word-free, Snowball-stemmed word tokens."""
    words = [w for w in _TOKEN.findall(text.lower()) if w not in STOPWORDS]
    stems: list[str] = _stemmer().stemWords(words)
    return stems


# Reads texts of chunk ids from the chunk store; ids it does not have are left out.
FetchTexts = Callable[[Sequence[str]], Mapping[str, str]]


class LexicalIndex:
    """BM25 over an FTS5 table whose rows are chunks (id and source beside the tokens)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    # -- connection -------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            db = open_database(self.path)
            version = self._version(db)
            if version not in (None, SCHEMA_VERSION):
                raise sqlite3.DatabaseError(f"unknown lexical index version {version}")
            with _transaction(db):
                for statement in _SCHEMA:
                    db.execute(statement)
                db.execute("INSERT OR IGNORE INTO meta VALUES ('version', ?)", (SCHEMA_VERSION,))
            self._db = db
        return self._db

    @staticmethod
    def _version(db: sqlite3.Connection) -> str | None:
        exists = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
        ).fetchone()
        if not exists:
            return None
        row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        return str(row[0]) if row else None

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # -- reading ----------------------------------------------------------------------------

    @property
    def generation(self) -> str:
        with self._lock:
            return generation_of(self._connect())

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Up to ``k`` ``(chunk id, BM25 score)`` pairs with a positive score, best first."""
        wanted = Counter(tokenize(query))  # a word asked twice counts twice, as in bm25s
        terms = list(wanted)
        if not terms or k <= 0:
            return []
        with self._lock:
            db = self._connect()
            marks = ",".join("?" * len(terms))
            frequency = dict(
                db.execute(f"SELECT term, doc FROM vocab WHERE term IN ({marks})", terms)
            )
            size = db.execute(
                "SELECT value FROM meta WHERE key IN ('chunks', 'tokens') ORDER BY key"
            ).fetchall()
            n, total = (int(size[0][0]), int(size[1][0])) if len(size) == 2 else (0, 1)
            expression = " OR ".join(
                '"' + t.replace('"', '""') + '"' for t in candidate_terms(terms, frequency, n)
            )
            rows = db.execute(
                "SELECT chunk.id, chunk.length, fts.tokens FROM fts"
                " JOIN chunk ON chunk.rowid = fts.rowid"
                " WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT ?",
                (expression, max(k * _CANDIDATES_PER_HIT, 100)),
            ).fetchall()
        n = n or len(rows)  # sizes not recorded: the rows found stand in
        average = total / n if n else 1.0
        idf = {
            t: math.log(1 + (n - frequency[t] + 0.5) / (frequency[t] + 0.5))
            for t in terms
            if frequency.get(t)
        }
        scored = []
        for chunk_id, length, tokens in rows:
            counts = Counter(tokens.split())
            norm = K1 * (1 - B + B * length / average)
            score = sum(
                wanted[t] * w * counts[t] / (norm + counts[t]) for t, w in idf.items() if counts[t]
            )
            if score > 0:
                scored.append((str(chunk_id), score))
        scored.sort(key=lambda pair: -pair[1])
        return scored[:k]

    def stem_counts(self, stems: Sequence[str]) -> dict[str, int]:
        """How many chunks hold each of ``stems`` (as ``tokenize`` makes them); stems no chunk
        holds are left out."""
        wanted = list(dict.fromkeys(stems))
        if not wanted:
            return {}
        with self._lock:
            db = self._connect()
            found: dict[str, int] = {}
            for lo in range(0, len(wanted), 500):
                batch = wanted[lo : lo + 500]
                marks = ",".join("?" * len(batch))
                found.update(
                    (str(t), int(d))
                    for t, d in db.execute(
                        f"SELECT term, doc FROM vocab WHERE term IN ({marks})", batch
                    )
                )
        return found

    def sources(self) -> dict[str, str]:
        """Indexed source → digest of its chunk ids."""
        with self._lock:
            rows = self._connect().execute("SELECT name, digest FROM source").fetchall()
        return {str(n): str(d) for n, d in rows}

    def ids(self, source: str | None = None) -> list[str]:
        with self._lock:
            db = self._connect()
            if source is None:
                rows = db.execute("SELECT id FROM chunk ORDER BY rowid").fetchall()
            else:
                rows = db.execute(
                    "SELECT id FROM chunk WHERE source = ? ORDER BY rowid", (source,)
                ).fetchall()
        return [str(r[0]) for r in rows]

    def tokens(self, ids: Sequence[str]) -> dict[str, str]:
        """The indexed tokens of ``ids`` (to check them against the chunk texts)."""
        out: dict[str, str] = {}
        with self._lock:
            db = self._connect()
            for lo in range(0, len(ids), 500):
                batch = list(ids[lo : lo + 500])
                marks = ",".join("?" * len(batch))
                out.update(
                    (str(i), str(t))
                    for i, t in db.execute(
                        "SELECT chunk.id, fts.tokens FROM chunk JOIN fts ON fts.rowid = chunk.rowid"
                        f" WHERE chunk.id IN ({marks})",
                        batch,
                    )
                )
        return out

    def check(self) -> None:
        """Raise ``sqlite3.DatabaseError`` when the file is damaged (one problem a line)."""
        with self._lock:
            check_file(self._connect(), "fts")

    # -- writing ----------------------------------------------------------------------------

    def sync(
        self, generation: str, entries: Mapping[str, FileEntry], fetch: FetchTexts
    ) -> SyncReport | None:
        """Catch up with the manifest ``entries`` of ``generation`` (None: already there)."""

        def add(db: sqlite3.Connection, entry: FileEntry) -> tuple[int, list[str]]:
            texts = fetch(entry.chunk_ids)
            rows = [(i, texts[i]) for i in entry.chunk_ids if i in texts]
            return _insert(db, entry.source, rows), [i for i in entry.chunk_ids if i not in texts]

        with self._lock:
            report = catch_up(
                self._connect(), generation, entries, drop=_delete_source, add=add,
                after=_record_size,
            )  # fmt: skip
        if report is not None and report.missing:
            logger.warning(
                "%d chunk(s) listed in the manifest are not in the store", len(report.missing)
            )
        return report

    def rebuild(
        self, generation: str | None, entries: Mapping[str, FileEntry], fetch: FetchTexts
    ) -> SyncReport | None:
        """Index ``entries`` afresh, in place (``rebuild_in_place``), whatever the file holds
        now, damaged or not (None ``generation``: empty, recording none; the next use catches
        up)."""
        self.close()

        def build(into: Path) -> SyncReport | None:
            fresh = LexicalIndex(into)
            try:
                fresh._connect()
                return None if generation is None else fresh.sync(generation, entries, fetch)
            finally:
                fresh.close()

        return rebuild_in_place(self.path, build)

    def clear(self) -> None:
        with self._lock:
            db = self._connect()
            with _transaction(db, immediate=True):
                for table in ("chunk", "source", "fts"):
                    db.execute(f"DELETE FROM {table}")
                db.execute("DELETE FROM meta WHERE key = 'generation'")


def _record_size(db: sqlite3.Connection) -> None:
    """Chunk count and total length, for BM25's average chunk length."""
    count, total = db.execute("SELECT count(*), coalesce(sum(length), 0) FROM chunk").fetchone()
    db.execute("INSERT OR REPLACE INTO meta VALUES ('chunks', ?)", (str(count),))
    db.execute("INSERT OR REPLACE INTO meta VALUES ('tokens', ?)", (str(total),))


def _delete_source(db: sqlite3.Connection, source: str) -> None:
    rowids = [r[0] for r in db.execute("SELECT rowid FROM chunk WHERE source = ?", (source,))]
    for lo in range(0, len(rowids), 500):
        batch = rowids[lo : lo + 500]
        marks = ",".join("?" * len(batch))
        db.execute(f"DELETE FROM fts WHERE rowid IN ({marks})", batch)
        db.execute(f"DELETE FROM chunk WHERE rowid IN ({marks})", batch)


def _insert(db: sqlite3.Connection, source: str, rows: Sequence[tuple[str, str]]) -> int:
    added = 0
    for chunk_id, text in rows:
        # A chunk id already indexed under another source (a stale row) is replaced.
        old = db.execute("SELECT rowid FROM chunk WHERE id = ?", (chunk_id,)).fetchone()
        if old:
            db.execute("DELETE FROM fts WHERE rowid = ?", (old[0],))
            db.execute("DELETE FROM chunk WHERE rowid = ?", (old[0],))
        tokens = tokenize(text)
        cursor = db.execute(
            "INSERT INTO chunk (id, source, length) VALUES (?, ?, ?)",
            (chunk_id, source, len(tokens)),
        )
        db.execute(
            "INSERT INTO fts (rowid, tokens) VALUES (?, ?)", (cursor.lastrowid, " ".join(tokens))
        )
        added += 1
    return added
