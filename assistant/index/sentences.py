"""The sentence index: every sentence of every document with its place, its centrality in its
document and the named entities in it — what the answerers of reader's questions read
(overviews, profiles, statements, inventories) without searching the vector store.

Built from the chunks (the store is the truth), it follows the manifest like the lexical
index (``assistant.index.follow``): catching up indexes only the files that changed, in one
SQLite transaction. Named entities come from the NER the assistant ships, run once per
sentence when its file is indexed (at ingest, or when this machine first sees another's
write); centrality is LexRank within the document (``assistant.index.centrality``).
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.documents.chunking import heading_flags
from assistant.index.centrality import centrality
from assistant.index.follow import (
    FOLLOW_SCHEMA,
    SyncReport,
    catch_up,
    check_file,
    generation_of,
    open_database,
    rebuild_in_place,
    transaction,
)
from assistant.index.manifest import FileEntry
from assistant.language.entities import Entity, entities_of
from assistant.protocols import EntityRecognizer
from assistant.types import Chunk

logger = logging.getLogger(__name__)

SCHEMA_VERSION = "sentences-6"
_SCHEMA = (
    *FOLLOW_SCHEMA,
    "CREATE TABLE IF NOT EXISTS sentence ("
    " rowid INTEGER PRIMARY KEY, source TEXT NOT NULL, position INTEGER NOT NULL,"
    " start INTEGER NOT NULL, end INTEGER NOT NULL, paragraph INTEGER NOT NULL,"
    " chunk TEXT NOT NULL, centrality REAL NOT NULL, heading INTEGER NOT NULL,"
    " item INTEGER NOT NULL, text TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS sentence_place ON sentence (source, position)",
    "CREATE TABLE IF NOT EXISTS mention ("
    " sentence INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,"
    " label TEXT NOT NULL, text TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS mention_label ON mention (label)",
    "CREATE INDEX IF NOT EXISTS mention_sentence ON mention (sentence)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS sentence_words USING fts5("
    " text, tokenize = \"unicode61 remove_diacritics 2 tokenchars '_'\")",
)

# Reads chunks by id from the store; ids it does not have are left out.
FetchChunks = Callable[[Sequence[str]], Mapping[str, Chunk]]


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a document: ``text`` is the document's text at ``[start, end)``;
    ``position`` its order in the document (from 0); ``chunk`` the id of a chunk holding it."""

    source: str
    position: int
    start: int
    end: int
    paragraph: int
    chunk: str
    centrality: float
    text: str
    # A title or heading ("## Timeline"), or layout (a table's rule line): not prose.
    heading: bool = False
    # The first sentence of an item of a list ("- Power: …", "2. Restore …").
    item: bool = False


@dataclass(frozen=True, slots=True)
class Mention:
    """A named entity in a sentence: ``text`` at document offsets ``[start, end)``, its NER
    label (PERSON, GPE, ORG, DATE, …)."""

    sentence: Sentence
    start: int
    end: int
    label: str
    text: str


class SentenceIndex:
    """See the module's words. ``recognizer``: the NER that finds the named entities."""

    def __init__(self, path: Path, recognizer: EntityRecognizer) -> None:
        self.path = Path(path)
        self.recognizer = recognizer
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            db = open_database(self.path)
            with transaction(db):
                for statement in _SCHEMA:
                    db.execute(statement)
                row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
                if row is None:
                    db.execute("INSERT INTO meta VALUES ('version', ?)", (SCHEMA_VERSION,))
                elif row[0] != SCHEMA_VERSION:
                    raise sqlite3.DatabaseError(f"unknown sentence index version {row[0]}")
            self._db = db
        return self._db

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # -- following the store ----------------------------------------------------------------

    @property
    def generation(self) -> str:
        with self._lock:
            return generation_of(self._connect())

    def sync(
        self, generation: str, entries: Mapping[str, FileEntry], fetch: FetchChunks
    ) -> SyncReport | None:
        """Catch up with the manifest ``entries`` of ``generation`` (None: already there)."""

        def add(db: sqlite3.Connection, entry: FileEntry) -> tuple[int, list[str]]:
            chunks = fetch(entry.chunk_ids)
            self._insert(db, entry.source, [chunks[i] for i in entry.chunk_ids if i in chunks])
            return len(chunks), [i for i in entry.chunk_ids if i not in chunks]

        with self._lock:
            return catch_up(self._connect(), generation, entries, drop=_drop, add=add)

    def rebuild(
        self, generation: str, entries: Mapping[str, FileEntry], fetch: FetchChunks
    ) -> SyncReport | None:
        """Index ``entries`` afresh, in place (``rebuild_in_place``), whatever the file holds
        now, damaged or not."""
        self.close()

        def build(into: Path) -> SyncReport | None:
            fresh = SentenceIndex(into, self.recognizer)
            try:
                return fresh.sync(generation, entries, fetch)
            finally:
                fresh.close()

        return rebuild_in_place(self.path, build)

    def check(self) -> None:
        """Raise ``sqlite3.DatabaseError`` when the file is damaged (one problem a line)."""
        with self._lock:
            check_file(self._connect(), "sentence_words")

    def digests(self) -> dict[str, str]:
        """Indexed source → digest of the chunk ids it was indexed from."""
        with self._lock:
            rows = self._connect().execute("SELECT name, digest FROM source").fetchall()
        return {str(n): str(d) for n, d in rows}

    def _insert(self, db: sqlite3.Connection, source: str, chunks: Sequence[Chunk]) -> None:
        """Index the distinct sentences of one document's chunks (overlapping chunks share
        sentences), their centrality and their named entities."""
        seen: dict[int, tuple[int, int, int, str, str]] = {}
        titles: dict[int, bool] = {}  # a heading as the chunker placed it (where first seen)
        items: set[int] = set()
        for chunk in chunks:
            flags = heading_flags(chunk)
            for span, text, title in zip(
                chunk.sentences, chunk.sentence_texts(), flags, strict=True
            ):
                seen.setdefault(span.start, (span.start, span.end, chunk.paragraph, chunk.id, text))
                titles.setdefault(span.start, title)
                # What stands before it on its line: nothing (it opens with the marker) or the
                # marker alone (a loader that leaves markers out of sentences).
                before = chunk.text[: span.start - chunk.start].rsplit("\n", 1)[-1]
                if (not before.strip() or _MARKER.fullmatch(before)) and _ITEM.match(before + text):
                    items.add(span.start)
        rows = [seen[start] for start in sorted(seen)]
        texts = [" ".join(text.split()) for *_, text in rows]
        headings = [
            titles[start] or layout(text) for (start, *_), text in zip(rows, texts, strict=True)
        ]
        prose = [i for i, heading in enumerate(headings) if not heading]
        weights = [0.0] * len(rows)
        for i, weight in zip(prose, centrality([texts[i] for i in prose]), strict=True):
            weights[i] = weight
        found: list[tuple[Entity, ...]] = [()] * len(rows)
        for i, entities in zip(
            prose, entities_of(self.recognizer, [rows[i][4] for i in prose]), strict=True
        ):
            found[i] = entities
        for position, ((start, end, paragraph, chunk_id, text), weight, entities) in enumerate(
            zip(rows, weights, found, strict=True)
        ):
            cursor = db.execute(
                "INSERT INTO sentence (source, position, start, end, paragraph, chunk,"
                " centrality, heading, item, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    source, position, start, end, paragraph, chunk_id, weight,
                    int(headings[position]), int(start in items), text,
                ),
            )  # fmt: skip
            rowid = cursor.lastrowid
            db.execute(
                "INSERT INTO sentence_words (rowid, text) VALUES (?, ?)", (rowid, texts[position])
            )
            cursor_at = 0
            for entity in entities:
                at = text.find(entity.text, cursor_at)
                if at < 0:
                    continue
                cursor_at = at + len(entity.text)
                db.execute(
                    "INSERT INTO mention VALUES (?, ?, ?, ?, ?)",
                    (rowid, start + at, start + at + len(entity.text), entity.label, entity.text),
                )

    # -- reading ----------------------------------------------------------------------------

    def sources(self) -> list[str]:
        """The indexed documents, by name."""
        with self._lock:
            rows = self._connect().execute("SELECT name FROM source ORDER BY name").fetchall()
        return [str(r[0]) for r in rows]

    def sentences(self, source: str) -> list[Sentence]:
        """The sentences of ``source`` in document order."""
        with self._lock:
            rows = (
                self._connect()
                .execute(f"SELECT {_COLUMNS} FROM sentence WHERE source = ? ORDER BY position",
                         (source,))
                .fetchall()
            )  # fmt: skip
        return [_sentence(row) for row in rows]

    def central(self, per_source: int) -> list[Sentence]:
        """The ``per_source`` most central sentences of every document (by document, then
        by centrality)."""
        with self._lock:
            rows = (
                self._connect()
                .execute(
                    f"SELECT {_COLUMNS} FROM (SELECT *, row_number() OVER (PARTITION BY source"
                    " ORDER BY centrality DESC, position) AS rank FROM sentence)"
                    " WHERE rank <= ? ORDER BY source, rank",
                    (per_source,),
                )
                .fetchall()
            )
        return [_sentence(row) for row in rows]

    def containing(self, words: str, limit: int = 500, *, phrase: bool = True) -> list[Sentence]:
        """Sentences holding the phrase ``words`` (or, not ``phrase``, every one of its
        words; whole words, case and accents folded), in document order."""
        tokens = [t for t in _words(words) if t]
        if not tokens:
            return []
        quoted = ['"' + t.replace('"', '""') + '"' for t in tokens]
        query = '"' + " ".join(tokens) + '"' if phrase else " AND ".join(quoted)
        with self._lock:
            rows = (
                self._connect()
                .execute(
                    f"SELECT {_COLUMNS} FROM sentence WHERE rowid IN"
                    " (SELECT rowid FROM sentence_words WHERE sentence_words MATCH ? LIMIT ?)"
                    " ORDER BY source, position",
                    (query, limit),
                )
                .fetchall()
            )
        return [_sentence(row) for row in rows]

    def mentions(self, labels: Collection[str] | None = None) -> list[Mention]:
        """Named entities (of ``labels``; all when None), in document order."""
        where = ""
        params: list[str] = []
        if labels is not None:
            where = f"WHERE m.label IN ({','.join('?' * len(labels))})"
            params = list(labels)
        columns = ", ".join(f"s.{c.strip()}" for c in _COLUMNS.split(","))
        with self._lock:
            rows = (
                self._connect()
                .execute(
                    f"SELECT m.start, m.end, m.label, m.text, {columns} FROM mention m"
                    f" JOIN sentence s ON s.rowid = m.sentence {where}"
                    " ORDER BY s.source, m.start",
                    params,
                )
                .fetchall()
            )
        return [Mention(_sentence(row[4:]), row[0], row[1], row[2], row[3]) for row in rows]

    def clear(self) -> None:
        with self._lock:
            db = self._connect()
            with transaction(db, immediate=True):
                for table in ("mention", "sentence", "sentence_words", "source"):
                    db.execute(f"DELETE FROM {table}")
                db.execute("DELETE FROM meta WHERE key = 'generation'")


_COLUMNS = "source, position, start, end, paragraph, chunk, centrality, text, heading, item"


def _sentence(row: Sequence[object]) -> Sentence:
    source, position, start, end, paragraph, chunk, weight, text, heading, item = row
    return Sentence(
        str(source), int(str(position)), int(str(start)), int(str(end)), int(str(paragraph)),
        str(chunk), float(str(weight)), str(text), bool(heading), bool(item),
    )  # fmt: skip


# A line that opens an item of a list: "- ", "* ", "• ", "1. ", "2) ", "a) ".
_ITEM = re.compile(r"^\s*(?:[-*•+–]|\d{1,3}[.)]|[a-z][.)])\s+\S")
_MARKER = re.compile(r"\s*(?:[-*•+–]|\d{1,3}[.)]|[a-z][.)])\s+")


# Markdown headings, table rules and rows of cells: structure, not sentences.
_LAYOUT = re.compile(
    r"^\s*#{1,6}\s|^\s*\|?\s*:?-{3,}|\|.*\||"
    # a byline or credit line: "By Jane Smith", "Published 3 May", "Photo: …"
    r"^\s*(?:by|written by|posted|published|updated|last updated|photo|image|source|credit)"
    r"\b[^.!?]{0,80}$",
    re.IGNORECASE,
)


def layout(text: str) -> bool:
    """Is a "sentence" a Markdown heading ("## Timeline"), a piece of a table or a byline
    rather than prose? (Titles without a mark, "Museum Opens at Mill", are headings as the
    chunker placed them: ``assistant.documents.chunking.heading_flags``.)"""
    return bool(_LAYOUT.search(text))


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _drop(db: sqlite3.Connection, source: str) -> None:
    rowids = [r[0] for r in db.execute("SELECT rowid FROM sentence WHERE source = ?", (source,))]
    for lo in range(0, len(rowids), 500):
        batch = rowids[lo : lo + 500]
        marks = ",".join("?" * len(batch))
        db.execute(f"DELETE FROM mention WHERE sentence IN ({marks})", batch)
        db.execute(f"DELETE FROM sentence_words WHERE rowid IN ({marks})", batch)
        db.execute(f"DELETE FROM sentence WHERE rowid IN ({marks})", batch)
