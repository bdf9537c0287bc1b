"""``ChunkStore``: a store's chunks in Chroma (embedded or client/server), the source manifest
beside them in Chroma, and the lexical index that follows the manifest — composed of the
Chroma adapter (``assistant.index.chroma``), the vector-index check (``assistant.index.check``)
and the lexical index's upkeep (``assistant.index.lexical_upkeep``)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import StoreError
from assistant.index.check import IndexCheck
from assistant.index.chroma import ChromaIndex
from assistant.index.chroma_client import (
    EmbeddedChroma,
    has_database,
    parse_chroma_url,
    read_only_message,
    read_records,
)
from assistant.index.lexical import LexicalIndex
from assistant.index.lexical_upkeep import LexicalUpkeep
from assistant.index.locks import IngestLock
from assistant.index.manifest import FileEntry, Manifest, entries_from_records
from assistant.index.search import Hit
from assistant.protocols import Store, lacking
from assistant.types import Chunk

if TYPE_CHECKING:
    from assistant.config import Settings

__all__ = [
    "LEGACY_GENERATION",
    "ChunkStore",
    "Hit",
    "SourceInfo",
    "parse_chroma_url",
    "read_only_message",
    "store_for",
    "store_named",
]

LEGACY_GENERATION = "legacy"


def store_for(settings: Settings) -> ChunkStore:
    """The store ``settings`` name; nothing is opened yet."""
    return ChunkStore(
        settings.store_dir, chroma_url=settings.chroma_url, collection=settings.collection
    )


def store_named(settings: Settings, given: Store | None = None) -> Store:
    """The store ``settings`` name: ``given`` when it is that one (made from these settings
    already: the CLI starts its check before importing the rest, so the child process's work
    overlaps those imports), else a new one; nothing is opened. ``given`` must be a ``Store``
    (checked without reading its attributes) in the place the settings name."""
    named = store_for(settings)
    if given is None:
        return named
    missing = lacking(given, Store)
    if missing:
        raise TypeError(
            f"store must be a Store (assistant.protocols), not {type(given).__name__}"
            f" (it has no {', '.join(missing)})."
        )
    if _place(given) != _place(named):
        raise ValueError("The store given is not the one the settings name.")
    return given


def _place(store: Store) -> tuple[Path | str, str]:
    """Where a store is (the same folder however spelled, or server), and its collection."""
    where = store.chroma_url.rstrip("/") if store.chroma_url else store.store_dir.resolve()
    return where, store.collection_name


@dataclass(frozen=True, slots=True)
class SourceInfo:
    source: str
    document_hash: str
    chunks: int


class ChunkStore:
    """A store: the one object the rest of the assistant reads and writes chunks through."""

    def __init__(
        self,
        store_dir: Path,
        *,
        chroma_url: str | None = None,
        collection: str,
        check_on_open: bool = True,
    ) -> None:
        self.store_dir = Path(store_dir)
        self.chroma_url = chroma_url
        self.collection_name = collection
        # An embedded store's vector index is first touched in a child process (see
        # assistant.index.probe): a damaged index then fails with a message, not a crash.
        self._check = IndexCheck(
            self.store_dir, collection, remote=bool(chroma_url), todo=check_on_open
        )
        self._chroma = ChromaIndex(
            self.store_dir, chroma_url=chroma_url, collection=collection, check=self._check
        )
        self._upkeep = LexicalUpkeep(
            self.lexical_path,
            local_dir=self._local_dir,
            generation=lambda: self.generation(),
            entries=lambda: self.entries(),
            texts=lambda ids: self.texts(ids),
        )
        # Called after each write of this process with the new generation and the file
        # records as the write left them (None when they must be read back): the indexes
        # derived from the chunks beside the lexical one follow the store this way.
        self.followers: list[Callable[[str, Mapping[str, FileEntry] | None], object]] = []

    # -- where ------------------------------------------------------------------------------

    @property
    def location(self) -> str:
        return self.chroma_url or str(self.store_dir)

    @property
    def _local_dir(self) -> Path:
        """Where this machine keeps its files for the store (lexical index, lock)."""
        if self.chroma_url:
            key = hashlib.sha256(f"{self.chroma_url}|{self.collection_name}".encode()).hexdigest()
            return self.store_dir / "remote" / key[:16]
        return self.store_dir

    @property
    def lexical_path(self) -> Path:
        return self._local_dir / "lexical" / f"{self.collection_name}.sqlite3"

    @property
    def sentences_path(self) -> Path:
        """The sentence index (``assistant.index.sentences``), kept beside the lexical one."""
        return self._local_dir / "sentences" / f"{self.collection_name}.sqlite3"

    @property
    def _lock_path(self) -> Path:
        return self._local_dir / f".{self.collection_name}.ingest.lock"

    def ingest_lock(self) -> IngestLock:
        """Held while ingesting or removing: one writer per store on this machine."""
        return IngestLock(self._lock_path, self.location)

    def last_write_ns(self) -> int | None:
        """When the last ingest or removal on this machine let go of its lock (its file's
        time; None: never)."""
        try:
            return self._lock_path.stat().st_mtime_ns
        except OSError:
            return None

    # -- connection -------------------------------------------------------------------------

    def damaged(self, exc: BaseException) -> StoreError:
        """The one-line error for a Chroma failure, with what to do about it."""
        return self._chroma.damaged(exc)

    @property
    def opened(self) -> frozenset[str]:
        """What this process has done of opening the store: ``"checked"`` (the vector-index
        check's verdict collected), ``"vectors"`` (the vector index open), ``"lexical"`` (the
        lexical index open)."""
        parts = {
            "checked": self._check.state == "done",
            "vectors": self._chroma.chunks is not None,
            "lexical": self._upkeep.index is not None,
        }
        return frozenset(name for name, done in parts.items() if done)

    def start_check(self) -> None:
        """Begin the vector-index check in the background (callers may load models meanwhile)."""
        self._check.start()

    def stop_check(self) -> None:
        """Let a check still running end (its result no longer wanted; the next use checks
        anew). It is waited for, not killed: opening a store, Chroma rewrites its files."""
        self._check.stop()

    def wait_for_check(self) -> None:
        """The vector-index check's verdict (started now if it is not running), without
        importing chromadb meanwhile: raises what the first use of the store would."""
        self._check.ensure(import_chroma=False)

    def stale(self) -> bool:
        """Whether another process wrote to this embedded store since this process last
        looked: Chroma's in-memory vector index does not follow, so it must be re-opened."""
        if self.chroma_url or not has_database(self.store_dir):
            return False
        try:
            generation = self.generation()
        except StoreError:
            return False  # the question itself reports what is wrong
        return EmbeddedChroma.at(self.store_dir).stale(generation)

    def reopen(self) -> None:
        """Re-open the embedded store (every ``ChunkStore`` of this process on it follows)."""
        self._chroma.reopen()

    def collection(self, *, create: bool = False) -> Any:
        return self._chroma.collection(create=create)

    def _manifest(self, *, create: bool = False) -> Manifest | None:
        """The manifest, or None for a store written before there was one."""
        return self._chroma.manifest(create=create)

    # -- reading ----------------------------------------------------------------------------

    def count(self) -> int:
        return self._chroma.count()

    def entries(self) -> dict[str, FileEntry]:
        """Every file record, including files being written. A store without a manifest
        (written by an older version) is read from its chunks' metadata, as unverified."""
        manifest = self._manifest()
        if manifest is not None:
            return self._chroma.call(manifest.entries)
        return self._chroma.legacy_entries()

    def peek_entries(self) -> dict[str, FileEntry] | None:
        """The file records of an embedded store read without Chroma's client (through its
        native bindings, ``chroma_client.read_records``): for an ingest holding the lock that
        may find nothing to do. None — read them with ``entries()`` — for a server store, a
        store this process has open, one without a manifest, or whenever that path fails."""
        if (
            self.chroma_url
            or not has_database(self.store_dir)
            or EmbeddedChroma.at(self.store_dir).is_open
        ):
            return None
        self.start_check()  # the child checks the vector index meanwhile
        records = read_records(self.store_dir, f"{self.collection_name}__files")
        return None if records is None else entries_from_records(records)

    @property
    def has_manifest(self) -> bool:
        return self._manifest() is not None

    def sources(self) -> dict[str, SourceInfo]:
        """Every ingested source with its content hash and chunk count (from the manifest)."""
        return {
            name: SourceInfo(name, entry.content_hash, entry.chunks)
            for name, entry in self.entries().items()
            if entry.state != "writing"
        }

    def generation(self) -> str:
        """Changes whenever any client writes to the store."""
        manifest = self._manifest()
        return self._chroma.call(manifest.generation) if manifest is not None else LEGACY_GENERATION

    def chunk_ids_by_source(self) -> dict[str, set[str]]:
        """The ids of the chunks the store holds by source, whatever the manifest says."""
        return self._chroma.chunk_ids_by_source()

    def chunks_of(self, source: str) -> list[Chunk]:
        return self._chroma.chunks_where({"source": source})

    def chunks_between(self, source: str, start: int, end: int) -> list[Chunk]:
        """The chunks of ``source`` overlapping characters ``[start, end)``, in order."""
        return self._chroma.chunks_where(
            {"$and": [{"source": source}, {"start": {"$lt": end}}, {"end": {"$gt": start}}]}
        )

    def get(self, ids: Sequence[str]) -> dict[str, Chunk]:
        return self._chroma.get(ids)

    def texts(self, ids: Sequence[str]) -> dict[str, str]:
        """Chunk texts by id; ids the store does not have are left out."""
        return self._chroma.texts(ids)

    def dense_search(self, embedding: Sequence[float], k: int) -> list[tuple[Chunk, float]]:
        """Nearest chunks by cosine similarity, best first."""
        return self._chroma.nearest(embedding, k)

    def bm25_search(self, query: str, k: int) -> list[Hit]:
        return [Hit(i, s) for i, s in self._upkeep.search(query, k)]

    def stem_counts(self, stems: Sequence[str]) -> dict[str, int]:
        """How many chunks hold each of ``stems`` (the lexical index's stems)."""
        return self._upkeep.stem_counts(stems)

    def lexical(
        self, entries: Mapping[str, FileEntry] | None = None, *, repair: bool = True
    ) -> LexicalIndex:
        """The lexical index, caught up with the store (one cheap generation check when
        nothing changed; otherwise only the changed files are re-indexed). ``entries``: the
        file records as they now are, when the caller knows (see ``changing``). A damaged
        index is rebuilt from the store's texts (``repair``; False: its error is raised, as
        ``doctor`` wants to report it)."""
        return self._upkeep.current(entries, repair=repair)

    def rebuild_lexical(self) -> None:
        """Index every file again from the store's texts."""
        self._upkeep.rebuild(None)

    # -- writing ----------------------------------------------------------------------------

    def add(self, chunks: Sequence[Chunk], embeddings: Any) -> None:
        """Store chunks with their embeddings (one row per chunk)."""
        self._chroma.add(chunks, embeddings)

    def update_positions(self, chunks: Sequence[Chunk]) -> None:
        """Rewrite the offsets of chunks whose text did not change (no re-embedding)."""
        self._chroma.update_positions(chunks)

    def delete(self, ids: Sequence[str]) -> None:
        self._chroma.delete(ids)

    def delete_source(self, source: str) -> None:
        """Every chunk of ``source``, whatever the manifest says it has."""
        self._chroma.delete_source(source)

    def record(self, entries: Sequence[FileEntry], *, removed: Sequence[str] = ()) -> None:
        """Write file records (with a new generation) and drop those of ``removed``. The
        first write to a store from before the manifest records what it holds first."""
        legacy = None if self.has_manifest else self.entries()
        manifest = self._manifest(create=True)
        assert manifest is not None
        call = self._chroma.call
        if legacy:
            call(manifest.put, list(legacy.values()))
        if entries:
            call(lambda: manifest.put(entries))
        if removed:
            call(lambda: manifest.remove(removed))

    @contextmanager
    def changing(self, after: Mapping[str, FileEntry] | None = None) -> Iterator[None]:
        """Around a write: afterwards this process's lexical index catches up (other readers
        see the new generation the records carry). ``after``: every file record as the write
        leaves them, from a writer holding the ingest lock of an embedded store (no other
        process can write it then), which spares reading them back; ignored for a server,
        where other machines may write at the same time."""
        yield
        known = None if self.chroma_url else after
        self.lexical(known)
        generation = self.generation()
        for follow in self.followers:
            follow(generation, known)
        if not self.chroma_url:  # this process saw its own write: no need to re-open for it
            EmbeddedChroma.at(self.store_dir).seen(generation)

    def reset(self) -> None:
        """Drop every chunk, record and the lexical index (``ingest --rebuild``). A local store
        whose database cannot even be opened is moved aside (``<dir>.damaged-N``)."""
        self._chroma.drop(before_move=self._upkeep.close)
        self._check.state = "done"
        self._upkeep.empty()
