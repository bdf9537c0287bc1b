"""Chunks in Chroma (embedded or client/server), the source manifest beside them in Chroma, and
the lexical index that follows the manifest."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar
from urllib.parse import urlparse

from assistant import probe
from assistant.errors import (
    DamagedStoreError,
    MissingStoreError,
    ReadOnlyStoreError,
    StoreError,
)
from assistant.index.follow import is_damage, one_line
from assistant.lexical import LexicalIndex
from assistant.locks import IngestLock
from assistant.manifest import FileEntry, Manifest, entries_from_records
from assistant.offline import ensure_offline
from assistant.types import Chunk, Span

if TYPE_CHECKING:
    from assistant.config import Settings

logger = logging.getLogger(__name__)

_GET_BATCH = 2000
LEGACY_GENERATION = "legacy"
T = TypeVar("T")


def read_only_message(store_dir: Path) -> str:
    return (
        f"The vector store at {store_dir} is read-only: Chroma writes to its files even to"
        " answer a question. Make it writable, or copy it somewhere writable and use --store."
    )


def store_for(settings: Settings) -> ChunkStore:
    """The store ``settings`` name; nothing is opened yet."""
    return ChunkStore(
        settings.store_dir, chroma_url=settings.chroma_url, collection=settings.collection
    )


@dataclass(frozen=True, slots=True)
class SourceInfo:
    source: str
    document_hash: str
    chunks: int


@dataclass(frozen=True, slots=True)
class Hit:
    chunk_id: str
    score: float


def _metadata(chunk: Chunk) -> dict[str, Any]:
    return {
        "source": chunk.source,
        "paragraph": chunk.paragraph,
        "start": chunk.start,
        "end": chunk.end,
        "sentences": json.dumps([[s.start, s.end] for s in chunk.sentences]),
        "document_hash": chunk.document_hash,
        "section": json.dumps(list(chunk.section), ensure_ascii=False),
        "pages": json.dumps(list(chunk.pages)),
    }


def _chunk(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    return Chunk(
        id=chunk_id,
        source=str(meta["source"]),
        paragraph=int(meta["paragraph"]),
        start=int(meta["start"]),
        end=int(meta["end"]),
        text=text,
        sentences=tuple(Span(int(a), int(b)) for a, b in json.loads(str(meta["sentences"]))),
        document_hash=str(meta.get("document_hash", "")),
        # A store written before chunks carried them reads as no section and no pages.
        section=tuple(str(h) for h in json.loads(str(meta.get("section") or "[]"))),
        pages=tuple(int(p) for p in json.loads(str(meta.get("pages") or "[]"))),
    )


def parse_chroma_url(url: str) -> tuple[str, int, bool]:
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        raise StoreError(f"The Chroma URL '{url}' is not of the form http://HOST:PORT.")
    try:
        port = parsed.port or (443 if parsed.scheme == "https" else 8000)
    except ValueError:
        raise StoreError(f"The Chroma URL '{url}' has an invalid port.") from None
    return parsed.hostname, port, parsed.scheme == "https"


class _EmbeddedChroma:
    """One Chroma client per store folder per process. Chroma keeps the vector index in
    memory and does not see other processes' writes, so when the store's generation moves
    without this process writing, the client is closed and opened again."""

    _lock = threading.Lock()
    _open: ClassVar[dict[Path, _EmbeddedChroma]] = {}

    def __init__(self, path: Path) -> None:
        self._path = path
        self._client: Any = None
        self.epoch = 0
        self.generation: str | None = None
        self._newer: str | None = None  # the generation that made ``stale`` say so

    @classmethod
    def at(cls, folder: Path) -> _EmbeddedChroma:
        key = Path(folder).resolve()
        with cls._lock:
            return cls._open.setdefault(key, cls(key))

    def client(self, settings: Any) -> Any:
        with self._lock:
            if self._client is None:
                import chromadb

                try:
                    self._client = chromadb.PersistentClient(
                        path=str(self._path), settings=settings
                    )
                except Exception:
                    self._forget()  # Chroma caches a half-made client per path: drop it
                    raise
            return self._client

    def _forget(self) -> None:
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient._identifier_to_system.pop(str(self._path), None)
        SharedSystemClient._identifier_to_refcount.pop(str(self._path), None)

    @property
    def is_open(self) -> bool:
        return self._client is not None

    def stale(self, generation: str) -> bool:
        with self._lock:
            if self.generation is None:
                self.generation = generation
            if self.generation == generation:
                return False
            self._newer = generation
            return True

    def seen(self, generation: str) -> None:
        with self._lock:
            self.generation = generation

    def reopen(self) -> None:
        with self._lock:
            if self._client is not None:
                try:
                    self._client.close()
                finally:
                    self._client = None
            self._forget()
            # The client opened next holds at least what ``stale`` saw: a write after that
            # makes the next question re-open again (forgetting it let one go unnoticed).
            self.generation, self._newer = self._newer, None
            self.epoch += 1


class ChunkStore:
    """The one place that talks to Chroma. Embeddings are always supplied by us."""

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
        # assistant.probe): a damaged index then fails with a message, not a crash.
        self._check_state: str | subprocess.Popen[str] = "todo" if check_on_open else "done"
        self._check_lock = threading.RLock()
        self._client: Any = None
        self._epoch = 0
        self._collection: Any = None
        self._files: Any = None
        self._lexical: LexicalIndex | None = None
        # Called after each write of this process with the new generation and the file
        # records as the write left them (None when they must be read back): the indexes
        # derived from the chunks beside the lexical one follow the store this way.
        self.followers: list[Callable[[str, Mapping[str, FileEntry] | None], object]] = []
        # One lexical rebuild at a time in this process; ``_rebuilds`` counts them, so that a
        # thread that met the damage before another thread's rebuild only tries again.
        self._rebuilding = threading.Lock()
        self._rebuilds = 0

    # -- connection -------------------------------------------------------------------------

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

    def damaged(self, exc: BaseException) -> StoreError:
        """The one-line error for a Chroma failure, with what to do about it."""
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if self.chroma_url:
            return StoreError(f"The Chroma server at {self.chroma_url} failed: {detail}")
        if probe.read_only(detail):
            return ReadOnlyStoreError(read_only_message(self.store_dir))
        return StoreError(
            f"The vector store at {self.store_dir} is damaged or unreadable ({detail}):"
            " run 'assistant doctor' to check it, 'assistant ingest --rebuild' to rebuild it."
        )

    def _call(self, action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return action(*args, **kwargs)
        except StoreError:
            raise
        except Exception as exc:
            if "does not exist" in str(exc):
                # Another process dropped and re-created the collection (ingest --rebuild):
                # the next call opens the new one.
                self._collection = self._files = None
                raise StoreError(
                    f"The store at {self.location} was rebuilt by another process while in use;"
                    " ask again."
                ) from None
            raise self.damaged(exc) from None

    @property
    def opened(self) -> frozenset[str]:
        """What this process has done of opening the store: ``"checked"`` (the vector-index
        check's verdict collected), ``"vectors"`` (the vector index open), ``"lexical"`` (the
        lexical index open)."""
        parts = {
            "checked": self._check_state == "done",
            "vectors": self._collection is not None,
            "lexical": self._lexical is not None,
        }
        return frozenset(name for name, done in parts.items() if done)

    def start_check(self) -> None:
        """Begin the vector-index check in the background (callers may load models meanwhile)."""
        with self._check_lock:
            if self._check_state == "todo":
                if self.chroma_url or not (self.store_dir / "chroma.sqlite3").is_file():
                    self._check_state = "done"
                else:
                    self._check_state = probe.start(self.store_dir, self.collection_name)

    def stop_check(self) -> None:
        """Let a check still running end (its result no longer wanted; the next use checks
        anew). It is waited for, not killed: opening a store, Chroma rewrites its files."""
        with self._check_lock:
            if isinstance(self._check_state, subprocess.Popen):
                process, self._check_state = self._check_state, "todo"
                probe.finish(process)

    def wait_for_check(self) -> None:
        """The vector-index check's verdict (started now if it is not running), without
        importing chromadb meanwhile: raises what the first use of the store would."""
        self._ensure_checked(import_client=False)

    def _ensure_checked(self, *, import_client: bool = True) -> None:
        with self._check_lock:  # first questions in several threads: one collects the check
            self.start_check()
            if isinstance(self._check_state, str):
                return
            if import_client:
                # The import is this process's next step anyway, and touches no store: done
                # while the child checks, it is off the critical path (~1 s of a cold start).
                ensure_offline()
                import chromadb  # noqa: F401

            result = probe.finish(self._check_state)
            if result.ok:  # the files must also match their headers (no native code involved)
                problem = probe.files_problem(self.store_dir)
                result = probe.ProbeResult(False, problem) if problem else result
            self._check_state = "done"
            if not result.ok and probe.read_only(result.problem):
                self._check_state = "todo"
                raise ReadOnlyStoreError(read_only_message(self.store_dir))
            if not result.ok and "does not exist" not in result.problem:
                self._check_state = "todo"  # check again next time: it may have been repaired
                raise DamagedStoreError(
                    f"The vector store at {self.store_dir} is damaged: {result.problem}."
                    " Run 'assistant ingest --rebuild CORPUS' to rebuild it from your documents."
                )

    def _connect(self, *, create: bool) -> Any:
        if self._client is not None:
            if self.chroma_url or self._epoch == _EmbeddedChroma.at(self.store_dir).epoch:
                return self._client
            # Re-opened in this process since: take the new client and collections.
            self._client = self._collection = self._files = None
        ensure_offline()
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        if self.chroma_url:
            host, port, ssl = parse_chroma_url(self.chroma_url)
            try:
                self._client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=settings)
            except Exception as exc:
                raise StoreError(
                    f"Cannot reach the Chroma server at {self.chroma_url}: {exc}"
                ) from None
        else:
            if not create and not (self.store_dir / "chroma.sqlite3").is_file():
                raise MissingStoreError(
                    f"No vector store at {self.store_dir}: run 'assistant ingest' first."
                )
            self.store_dir.mkdir(parents=True, exist_ok=True)
            shared = _EmbeddedChroma.at(self.store_dir)
            self._client = self._call(shared.client, settings)
            self._epoch = shared.epoch
        return self._client

    def stale(self) -> bool:
        """Whether another process wrote to this embedded store since this process last
        looked: Chroma's in-memory vector index does not follow, so it must be re-opened."""
        if self.chroma_url or not (self.store_dir / "chroma.sqlite3").is_file():
            return False
        try:
            generation = self.generation()
        except StoreError:
            return False  # the question itself reports what is wrong
        return _EmbeddedChroma.at(self.store_dir).stale(generation)

    def reopen(self) -> None:
        """Re-open the embedded store (every ``ChunkStore`` of this process on it follows)."""
        if not self.chroma_url:
            _EmbeddedChroma.at(self.store_dir).reopen()
            self._client = self._collection = self._files = None

    def collection(self, *, create: bool = False) -> Any:
        if self._collection is not None:
            return self._collection
        self._ensure_checked()
        client = self._connect(create=create)
        try:
            if create:
                # embedding_function=None: Chroma's default one would download a model.
                self._collection = client.get_or_create_collection(
                    self.collection_name,
                    embedding_function=None,
                    configuration={"hnsw": {"space": "cosine"}},
                )
            else:
                self._collection = client.get_collection(
                    self.collection_name, embedding_function=None
                )
        except Exception as exc:
            if "does not exist" in str(exc):
                raise StoreError(
                    f"The store at {self.location} has no collection '{self.collection_name}':"
                    " run 'assistant ingest' first."
                ) from None
            raise self.damaged(exc) from None
        return self._collection

    def _manifest(self, *, create: bool = False) -> Manifest | None:
        """The manifest, or None for a store written before there was one."""
        if self._files is None:
            client = self._connect(create=create)
            name = f"{self.collection_name}__files"
            try:
                if create:
                    self._files = client.get_or_create_collection(name, embedding_function=None)
                else:
                    self._files = client.get_collection(name, embedding_function=None)
            except Exception as exc:
                if "does not exist" in str(exc):
                    return None
                raise self.damaged(exc) from None
        return Manifest(self._files)

    # -- reading ----------------------------------------------------------------------------

    def count(self) -> int:
        return int(self._call(lambda: self.collection().count()))

    def _get(self, **kwargs: Any) -> tuple[list[str], list[str], list[dict[str, Any]]]:
        ids: list[str] = []
        docs: list[str] = []
        metas: list[dict[str, Any]] = []
        include = kwargs.pop("include", ["documents", "metadatas"])
        offset = 0
        collection = self.collection()
        while True:
            got = self._call(
                collection.get, include=include, limit=_GET_BATCH, offset=offset, **kwargs
            )
            ids.extend(got["ids"])
            docs.extend(got["documents"] or [""] * len(got["ids"]))
            metas.extend(got["metadatas"] or [{}] * len(got["ids"]))
            if len(got["ids"]) < _GET_BATCH:
                return ids, docs, metas
            offset += _GET_BATCH

    def entries(self) -> dict[str, FileEntry]:
        """Every file record, including files being written. A store without a manifest
        (written by an older version) is read from its chunks' metadata, as unverified."""
        manifest = self._manifest()
        if manifest is not None:
            return self._call(manifest.entries)
        self.collection()
        ids, _, metas = self._get(include=["metadatas"])
        found: dict[str, tuple[str, list[str]]] = {}
        for chunk_id, meta in zip(ids, metas, strict=True):
            name = str(meta["source"])
            found.setdefault(name, (str(meta.get("document_hash", "")), []))[1].append(chunk_id)
        return {
            name: FileEntry(name, doc_hash, tuple(chunk_ids), state="unverified")
            for name, (doc_hash, chunk_ids) in found.items()
        }

    def peek_entries(self) -> dict[str, FileEntry] | None:
        """The file records of an embedded store read without Chroma's client (through its
        native bindings, ``probe.read_records``): for an ingest holding the lock that may find
        nothing to do. None — read them with ``entries()`` — for a server store, a store this
        process has open, one without a manifest, or whenever that path fails."""
        if (
            self.chroma_url
            or not (self.store_dir / "chroma.sqlite3").is_file()
            or _EmbeddedChroma.at(self.store_dir).is_open
        ):
            return None
        self.start_check()  # the child checks the vector index meanwhile
        records = probe.read_records(self.store_dir, f"{self.collection_name}__files")
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
        return self._call(manifest.generation) if manifest is not None else LEGACY_GENERATION

    def chunks_of(self, source: str) -> list[Chunk]:
        ids, docs, metas = self._get(where={"source": source})
        chunks = [_chunk(i, d, m) for i, d, m in zip(ids, docs, metas, strict=True)]
        return sorted(chunks, key=lambda c: c.start)

    def chunks_between(self, source: str, start: int, end: int) -> list[Chunk]:
        """The chunks of ``source`` overlapping characters ``[start, end)``, in order."""
        where = {"$and": [{"source": source}, {"start": {"$lt": end}}, {"end": {"$gt": start}}]}
        ids, docs, metas = self._get(where=where)
        chunks = [_chunk(i, d, m) for i, d, m in zip(ids, docs, metas, strict=True)]
        return sorted(chunks, key=lambda c: c.start)

    def get(self, ids: Sequence[str]) -> dict[str, Chunk]:
        if not ids:
            return {}
        got = self._call(
            lambda: self.collection().get(ids=list(ids), include=["documents", "metadatas"])
        )
        return {
            i: _chunk(i, d, m)
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        }

    def texts(self, ids: Sequence[str]) -> dict[str, str]:
        """Chunk texts by id; ids the store does not have are left out."""
        out: dict[str, str] = {}
        for lo in range(0, len(ids), _GET_BATCH):
            batch = list(ids[lo : lo + _GET_BATCH])
            got = self._call(self.collection().get, ids=batch, include=["documents"])
            out.update(zip(got["ids"], got["documents"], strict=True))
        return out

    def dense_search(self, embedding: Sequence[float], k: int) -> list[tuple[Chunk, float]]:
        """Nearest chunks by cosine similarity, best first."""
        self._ensure_checked()
        got = self._call(lambda: self.collection().query(
            query_embeddings=[list(embedding)],
            n_results=k,
            include=["documents", "metadatas", "distances"],
        ))  # fmt: skip
        return [
            (_chunk(i, d, m), 1.0 - float(dist))
            for i, d, m, dist in zip(
                got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0],
                strict=True,
            )
            if m is not None and d is not None  # deleted by another process a moment ago
        ]  # fmt: skip

    def bm25_search(self, query: str, k: int) -> list[Hit]:
        rebuilds = self._rebuilds
        index = self.lexical()
        try:
            hits = index.search(query, k)
        except sqlite3.DatabaseError as exc:  # damaged where only a search reads
            index = self._rebuild_lexical(exc, since=rebuilds)
            try:
                hits = index.search(query, k)
            except sqlite3.DatabaseError as again:
                raise StoreError(
                    f"The lexical index at {self.lexical_path} is unreadable even after"
                    f" rebuilding it ({one_line(again)})."
                ) from None
        return [Hit(i, s) for i, s in hits]

    def lexical(
        self, entries: Mapping[str, FileEntry] | None = None, *, repair: bool = True
    ) -> LexicalIndex:
        """The lexical index, caught up with the store (one cheap generation check when
        nothing changed; otherwise only the changed files are re-indexed). ``entries``: the
        file records as they now are, when the caller knows (see ``changing``). A damaged
        index is rebuilt from the store's texts (``repair``; False: its error is raised, as
        ``doctor`` wants to report it)."""
        rebuilds = self._rebuilds
        generation = self.generation()
        index = self._lexical_index()
        try:
            if index.generation != generation:
                index.sync(generation, self.entries() if entries is None else entries, self.texts)
        except (sqlite3.DatabaseError, OSError) as exc:
            if not repair:
                raise
            index = self._rebuild_lexical(exc, since=rebuilds, entries=entries)
        return index

    def _lexical_index(self) -> LexicalIndex:
        if self._lexical is None:
            self._lexical = LexicalIndex(self.lexical_path)
            # Tidy the folder of the bm25s index this one replaced.
            shutil.rmtree(self._local_dir / "bm25", ignore_errors=True)
            shutil.rmtree(self._local_dir / "bm25-remote", ignore_errors=True)
        return self._lexical

    def _rebuild_lexical(
        self,
        cause: BaseException | None,
        *,
        since: int | None = None,
        entries: Mapping[str, FileEntry] | None = None,
    ) -> LexicalIndex:
        """Rebuild the lexical index from the store because of ``cause`` (None: asked to).
        An error that is not damage (the file busy, not writable, the disk full) is one line;
        so is a rebuild that fails. ``since``: the rebuild count when the caller met
        ``cause``; another thread's rebuild since then is enough."""
        where = self.lexical_path
        if cause is not None and not is_damage(cause):
            raise StoreError(f"Cannot use the lexical index at {where}: {one_line(cause)}.")
        with self._rebuilding:
            index = self._lexical_index()
            if since is not None and self._rebuilds != since:
                return index
            if cause is not None:
                logger.warning(
                    "lexical index %s is damaged (%s): rebuilding it from the store",
                    where, one_line(cause),
                )  # fmt: skip
            try:
                index.rebuild(
                    self.generation(), self.entries() if entries is None else entries, self.texts
                )
            except (sqlite3.DatabaseError, OSError) as exc:
                reason = f" ({one_line(cause)})" if cause is not None else ""
                raise StoreError(
                    f"The lexical index at {where} is damaged{reason} and could not be rebuilt:"
                    f" {one_line(exc)}."
                ) from None
            self._rebuilds += 1
        return index

    # -- writing ----------------------------------------------------------------------------

    def add(self, chunks: Sequence[Chunk], embeddings: Any) -> None:
        """Store chunks with their embeddings (one row per chunk)."""
        if chunks:
            self._ensure_checked()
            collection = self.collection(create=True)
            self._call(lambda: collection.add(
                ids=[c.id for c in chunks],
                documents=[c.text for c in chunks],
                metadatas=[_metadata(c) for c in chunks],
                embeddings=[[float(x) for x in e] for e in embeddings],
            ))  # fmt: skip

    def update_positions(self, chunks: Sequence[Chunk]) -> None:
        """Rewrite the offsets of chunks whose text did not change (no re-embedding)."""
        if chunks:
            self._ensure_checked()
            collection = self.collection(create=True)
            self._call(lambda: collection.update(
                ids=[c.id for c in chunks], metadatas=[_metadata(c) for c in chunks]
            ))  # fmt: skip

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            self._ensure_checked()
            collection = self.collection(create=True)
            self._call(lambda: collection.delete(ids=list(ids)))

    def delete_source(self, source: str) -> None:
        """Every chunk of ``source``, whatever the manifest says it has."""
        self._ensure_checked()
        collection = self.collection(create=True)
        self._call(lambda: collection.delete(where={"source": source}))

    def record(self, entries: Sequence[FileEntry], *, removed: Sequence[str] = ()) -> None:
        """Write file records (with a new generation) and drop those of ``removed``. The
        first write to a store from before the manifest records what it holds first."""
        legacy = None if self.has_manifest else self.entries()
        manifest = self._manifest(create=True)
        assert manifest is not None
        if legacy:
            self._call(manifest.put, list(legacy.values()))
        if entries:
            self._call(lambda: manifest.put(entries))
        if removed:
            self._call(lambda: manifest.remove(removed))

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
            _EmbeddedChroma.at(self.store_dir).seen(generation)

    def reset(self) -> None:
        """Drop every chunk, record and the lexical index (``ingest --rebuild``). A local store
        whose database cannot even be opened is moved aside (``<dir>.damaged-N``)."""
        try:
            # Dropping a collection does not read its vector index: safe when it is damaged.
            client = self._connect(create=True)
            # The manifest first: a kill between the two then leaves no record claiming chunks.
            for name in (f"{self.collection_name}__files", self.collection_name):
                try:
                    client.delete_collection(name)
                except Exception as exc:
                    if "does not exist" not in str(exc):
                        raise
        except Exception as exc:
            if self.chroma_url:
                raise self.damaged(exc) from None
            self._move_aside()
        self._client = self._collection = self._files = None
        self._check_state = "done"
        try:  # empty, whatever it held (the next use catches up with the new records)
            self._lexical_index().rebuild(None, {}, self.texts)
        except (sqlite3.DatabaseError, OSError) as exc:
            raise StoreError(
                f"Cannot write the lexical index at {self.lexical_path}: {one_line(exc)}."
            ) from None

    def _move_aside(self) -> None:
        n = 1
        while (aside := self.store_dir.with_name(f"{self.store_dir.name}.damaged-{n}")).exists():
            n += 1
        if self._lexical is not None:
            self._lexical.close()
            self._lexical = None
        _EmbeddedChroma.at(self.store_dir).reopen()
        self.store_dir.rename(aside)
        self.store_dir.mkdir(parents=True)
        logger.warning("moved the damaged store %s to %s", self.store_dir, aside)

    def rebuild_lexical(self) -> None:
        """Index every file again from the store's texts."""
        self._rebuild_lexical(None)
