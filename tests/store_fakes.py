"""Chroma in memory, for unit tests of the store, ingest and the corpus service.

``MemoryChroma`` implements the part of chromadb's client and collection API that the Chroma
adapter (``assistant.index.chroma``) calls, and really keeps, filters, pages and ranks the
records: an embedded store per folder (its ``chroma.sqlite3`` a marker file: a folder without
one opens as a new, empty store, as Chroma's would) and a server per URL. ``install`` puts it
where the adapter makes its clients, so a ``ChunkStore`` runs unchanged over it. It behaves as
chromadb 1.5 does where it matters here: a missing collection "does not exist"; an empty id
list is refused; ids repeated in one call are refused; ``add`` of an id already stored and
``update`` of one not stored are ignored.

``fail`` arms a fault: the n-th call of a collection method raises (a disk error, a crash)
before it changes anything, for the tests of what a write left behind.
"""

from __future__ import annotations

import hashlib
import math
import os
import subprocess
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from assistant.index import check as index_check
from assistant.index import chroma as chroma_adapter
from assistant.index import probe
from assistant.index import store as store_module
from assistant.index.chroma_client import EmbeddedChroma
from assistant.index.corpus import Corpus
from assistant.index.ingest import Ingestor
from assistant.index.store import ChunkStore
from assistant.types import IngestReport

MARKER = "chroma.sqlite3"
# A time long before each test: the files were last modified before any ingest of it.
OLD = 1_600_000_000_000_000_000
MODEL = "hash-16@w1"


class NotFoundError(ValueError):
    """As chromadb's: a collection that does not exist."""


@dataclass
class Row:
    document: str | None
    metadata: dict[str, Any] | None
    embedding: list[float]


def _matches(meta: Mapping[str, Any] | None, where: Mapping[str, Any] | None) -> bool:
    if where is None:
        return True
    meta = meta or {}
    for key, condition in where.items():
        if key == "$and":
            if not all(_matches(meta, part) for part in condition):
                return False
        elif key == "$or":
            if not any(_matches(meta, part) for part in condition):
                return False
        elif isinstance(condition, Mapping):
            for op, value in condition.items():
                have = meta.get(key)
                if have is None:
                    return False
                ok = {
                    "$eq": lambda a, b: a == b,
                    "$ne": lambda a, b: a != b,
                    "$lt": lambda a, b: a < b,
                    "$lte": lambda a, b: a <= b,
                    "$gt": lambda a, b: a > b,
                    "$gte": lambda a, b: a >= b,
                }[op](have, value)
                if not ok:
                    return False
        elif meta.get(key) != condition:
            return False
    return True


def _ids(ids: Sequence[str], method: str) -> list[str]:
    ids = list(ids)
    if not ids:
        raise ValueError(f"Expected IDs to be a non-empty list, got 0 IDs in {method}.")
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"Expected IDs to be unique, found duplicates of: {dupes[0]} in {method}.")
    return ids


@dataclass
class MemoryCollection:
    name: str
    world: MemoryChroma
    rows: dict[str, Row] = field(default_factory=dict)  # in insertion order, as Chroma pages

    def _call(self, method: str) -> None:
        self.world.calls.append((self.name, method))
        self.world.trip(method)
        if method in ("add", "upsert", "update", "delete") and self.world.before_write:
            self.world.before_write(method)

    def count(self) -> int:
        self._call("count")
        return len(self.rows)

    def get(
        self,
        ids: Sequence[str] | None = None,
        where: Mapping[str, Any] | None = None,
        limit: int | None = None,
        offset: int | None = None,
        include: Sequence[str] = ("documents", "metadatas"),
    ) -> dict[str, Any]:
        self._call("get")
        if ids is not None:
            wanted = _ids(ids, "get")
            chosen = [i for i in self.rows if i in wanted]
        else:
            chosen = list(self.rows)
        chosen = [i for i in chosen if _matches(self.rows[i].metadata, where)]
        start = offset or 0
        chosen = chosen[start : None if limit is None else start + limit]
        return {
            "ids": chosen,
            "documents": [self.rows[i].document for i in chosen]
            if "documents" in include
            else None,
            "metadatas": [self.rows[i].metadata for i in chosen]
            if "metadatas" in include
            else None,
        }

    def add(
        self,
        ids: Sequence[str],
        embeddings: Sequence[Sequence[float]],
        metadatas: Sequence[Mapping[str, Any]] | None = None,
        documents: Sequence[str] | None = None,
    ) -> None:
        self._call("add")
        ids = _ids(ids, "add")
        self.world.writes.append((self.name, "add", len(ids)))
        assert len(embeddings) == len(ids)
        for n, record_id in enumerate(ids):
            if record_id not in self.rows:  # Chroma ignores an id it already has
                self.rows[record_id] = Row(
                    documents[n] if documents is not None else None,
                    dict(metadatas[n]) if metadatas is not None else None,
                    [float(x) for x in embeddings[n]],
                )

    def upsert(
        self,
        ids: Sequence[str],
        embeddings: Sequence[Sequence[float]],
        metadatas: Sequence[Mapping[str, Any]] | None = None,
        documents: Sequence[str] | None = None,
    ) -> None:
        self._call("upsert")
        ids = _ids(ids, "upsert")
        self.world.writes.append((self.name, "upsert", len(ids)))
        assert len(embeddings) == len(ids)
        for n, record_id in enumerate(ids):
            self.rows[record_id] = Row(
                documents[n] if documents is not None else None,
                dict(metadatas[n]) if metadatas is not None else None,
                [float(x) for x in embeddings[n]],
            )

    def update(
        self,
        ids: Sequence[str],
        metadatas: Sequence[Mapping[str, Any]] | None = None,
        documents: Sequence[str] | None = None,
    ) -> None:
        self._call("update")
        self.world.writes.append((self.name, "update", len(_ids(ids, "update"))))
        for n, record_id in enumerate(ids):
            row = self.rows.get(record_id)
            if row is None:
                continue  # Chroma ignores an id it does not have
            if metadatas is not None:
                row.metadata = {**(row.metadata or {}), **metadatas[n]}
            if documents is not None:
                row.document = documents[n]

    def delete(
        self, ids: Sequence[str] | None = None, where: Mapping[str, Any] | None = None
    ) -> None:
        self._call("delete")
        chosen = list(self.rows) if ids is None else _ids(ids, "delete")
        if ids is not None:
            self.world.writes.append((self.name, "delete", len(chosen)))
        else:
            self.world.writes.append((self.name, f"delete where {dict(where or {})}", 0))
        for record_id in chosen:
            row = self.rows.get(record_id)
            if row is not None and _matches(row.metadata, where):
                del self.rows[record_id]

    def query(
        self,
        query_embeddings: Sequence[Sequence[float]],
        n_results: int,
        include: Sequence[str] = ("documents", "metadatas", "distances"),
    ) -> dict[str, Any]:
        self._call("query")
        out: dict[str, list[list[Any]]] = {
            "ids": [],
            "documents": [],
            "metadatas": [],
            "distances": [],
        }
        for query in query_embeddings:
            scored = sorted(
                (
                    (1.0 - _cosine(query, row.embedding), record_id)
                    for record_id, row in self.rows.items()
                ),
                key=lambda pair: pair[0],
            )[:n_results]
            out["ids"].append([i for _, i in scored])
            out["documents"].append([self.rows[i].document for _, i in scored])
            out["metadatas"].append([self.rows[i].metadata for _, i in scored])
            out["distances"].append([d for d, _ in scored])
        return out

    # -- for the tests ----------------------------------------------------------------------

    def sources(self) -> dict[str, list[str]]:
        """Chunk ids by the source their metadata names, in insertion order."""
        found: dict[str, list[str]] = {}
        for record_id, row in self.rows.items():
            found.setdefault(str((row.metadata or {}).get("source")), []).append(record_id)
        return found


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


@dataclass
class MemoryClient:
    """A client of one database (an embedded store's folder or a server)."""

    database: dict[str, MemoryCollection]
    world: MemoryChroma
    closed: bool = False

    def get_collection(self, name: str, embedding_function: Any = None) -> MemoryCollection:
        assert embedding_function is None  # ours are supplied: Chroma's would load a model
        self.world.trip("get_collection")
        if name not in self.database:
            raise NotFoundError(f"Collection [{name}] does not exist")
        return self.database[name]

    def get_or_create_collection(
        self, name: str, embedding_function: Any = None, configuration: Any = None
    ) -> MemoryCollection:
        assert embedding_function is None
        self.world.trip("get_or_create_collection")
        if name not in self.database:
            self.world.configurations[name] = configuration
        return self.database.setdefault(name, MemoryCollection(name, self.world))

    def delete_collection(self, name: str) -> None:
        self.world.trip("delete_collection")
        if name not in self.database:
            raise NotFoundError(f"Collection [{name}] does not exist")
        del self.database[name]

    def close(self) -> None:
        self.closed = True


@dataclass
class HashEmbedder:
    """The ingest's embedder: a bag of hashed words, unit length (a real, if crude, one).
    Every ``encode`` is logged with the texts it embedded."""

    dimensions: int = 16
    encoded: list[list[str]] = field(default_factory=list)
    progress: list[bool] = field(default_factory=list)  # show_progress of each encode
    prepared: int = 0  # calls of prepare_query_model
    loaded_in: list[str] = field(default_factory=list)  # the threads that called load()

    def _embed(self, text: str) -> list[float]:
        vector = [0.0] * self.dimensions
        for word in text.lower().split():
            vector[
                int(hashlib.blake2s(word.encode(), digest_size=2).hexdigest(), 16) % self.dimensions
            ] += 1.0
        norm = math.sqrt(sum(x * x for x in vector))
        return [x / norm for x in vector] if norm else vector

    def encode(self, texts: list[str], *, show_progress: bool = False) -> list[list[float]]:
        self.encoded.append(list(texts))
        self.progress.append(show_progress)
        return [self._embed(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._embed(text)

    def prepare_query_model(self) -> None:
        self.prepared += 1

    def load(self) -> None:
        """As a model loaded ahead of its first use (``assistant.preloading``)."""
        self.loaded_in.append(threading.current_thread().name)


@dataclass
class MemoryChroma:
    """Every Chroma database of a test: embedded ones by folder, servers by URL."""

    databases: dict[str, dict[str, MemoryCollection]] = field(default_factory=dict)
    configurations: dict[str, Any] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)  # (collection, method)
    # (collection, method, ids given) of every write; a delete by ``where`` names it
    writes: list[tuple[str, str, int]] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)  # every client made, by folder or URL
    # Called before every write with the method's name (e.g. to see a lock is held).
    before_write: Callable[[str], object] | None = None
    _faults: dict[str, tuple[int, BaseException]] = field(default_factory=dict)
    _counts: dict[str, int] = field(default_factory=dict)

    def fail(self, method: str, error: BaseException, *, nth: int = 1) -> None:
        """Make the ``nth`` call of ``method`` from now on raise ``error`` (before it acts)."""
        self._counts[method] = 0
        self._faults[method] = (nth, error)

    def trip(self, method: str) -> None:
        if method not in self._faults:
            return
        self._counts[method] += 1
        nth, error = self._faults[method]
        if self._counts[method] == nth:
            del self._faults[method]
            raise error

    def persistent(self, folder: Path) -> MemoryClient:
        """Chroma's PersistentClient: a folder without the database file opens empty."""
        key = str(folder)
        marker = folder / MARKER
        if not marker.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            marker.write_bytes(b"")
            self.databases[key] = {}
        self.opened.append(key)
        return MemoryClient(self.databases.setdefault(key, {}), self)

    def server(self, url: str) -> MemoryClient:
        self.opened.append(url)
        return MemoryClient(self.databases.setdefault(url, {}), self)

    def collection(self, where: Path | str, name: str) -> MemoryCollection:
        """A collection of the store in folder ``where`` (a ``Path``) or at URL ``where``."""
        key = str(where.resolve()) if isinstance(where, Path) else where
        return self.databases[key][name]

    def has(self, where: Path | str, name: str) -> bool:
        key = str(where.resolve()) if isinstance(where, Path) else where
        return name in self.databases.get(key, {})

    def read_records(
        self, store_dir: Path, name: str
    ) -> list[tuple[str, dict[str, Any] | None]] | None:
        """``chroma_client.read_records``: a
        collection's (id, metadata) records, None when missing."""
        self.calls.append((name, "read_records"))
        database = self.databases.get(str(Path(store_dir).resolve()))
        if database is None or name not in database:
            return None
        return [(i, row.metadata) for i, row in database[name].rows.items()]


class ChildCheck(subprocess.Popen[str]):
    """The child process of a vector-index check (``assistant.index.probe``), already finished with
    its verdict: no process is started."""

    def __init__(self, problem: str) -> None:  # no process: Popen's __init__ is not called
        self._child_created = False
        self.returncode = 0
        self.problem = problem


@dataclass
class Checks:
    """``assistant.index.probe``'s child checks of an embedded store's vector index: ``problem``
    is what the next check finds ("" sound). Logs the checks started and the imports of
    chromadb made meanwhile."""

    problem: str = ""
    started: list[str] = field(default_factory=list)
    imports: int = 0

    def start(self, store_dir: Path, collection: str) -> ChildCheck:
        self.started.append(collection)
        return ChildCheck(self.problem)

    def finish(self, process: subprocess.Popen[str], timeout: float = 300) -> probe.ProbeResult:
        problem = process.problem if isinstance(process, ChildCheck) else "not ours"
        return probe.ProbeResult(not problem, problem)

    def import_client(self) -> None:
        self.imports += 1


def install_checks(monkeypatch: pytest.MonkeyPatch) -> Checks:
    """Make the vector-index check of an embedded store a ``Checks``' (no child process)."""
    checks = Checks()
    monkeypatch.setattr(probe, "start", checks.start)
    monkeypatch.setattr(probe, "finish", checks.finish)
    monkeypatch.setattr(probe, "files_problem", lambda store_dir, **_: None)
    monkeypatch.setattr(index_check, "import_client", checks.import_client)
    return checks


def install(monkeypatch: pytest.MonkeyPatch) -> MemoryChroma:
    """Make the Chroma adapter open its clients in a new ``MemoryChroma``."""
    world = MemoryChroma()

    def client(self: EmbeddedChroma, settings: Any) -> MemoryClient:
        with self._lock:
            if self._client is None:
                self._client = world.persistent(self._path)
            return self._client  # type: ignore[no-any-return]

    monkeypatch.setattr(EmbeddedChroma, "_open", {})
    monkeypatch.setattr(EmbeddedChroma, "client", client)
    monkeypatch.setattr(EmbeddedChroma, "_forget", lambda self: None)
    monkeypatch.setattr(chroma_adapter, "client_settings", lambda **more: {"fake": True, **more})
    monkeypatch.setattr(chroma_adapter, "http_client", world.server)
    monkeypatch.setattr(store_module, "read_records", world.read_records)
    return world


class WriteLock:
    """The process's write lock: a real lock that counts how often it was taken."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.held = False
        self.taken = 0

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._lock:
            self.held, self.taken = True, self.taken + 1
            try:
                yield
            finally:
                self.held = False


class Library:
    """A corpus folder, a store and the corpus service over it, as one process has them."""

    def __init__(
        self,
        root: Path,
        chroma: MemoryChroma,
        *,
        chroma_url: str | None = None,
        check: bool = False,
    ) -> None:
        self.folder = root / "corpus"
        self.folder.mkdir()
        self.store_dir = root / "store"
        self.chroma_url = chroma_url
        self.check = check  # the store's vector index checked on open (see ``install_checks``)
        self.chroma = chroma
        self.embedder = HashEmbedder()
        self.embedder_id = MODEL
        self.made = 0  # embedders made (a model load each)
        self.lock = WriteLock()
        chroma.before_write = self._check_locked
        self.open()

    def _check_locked(self, method: str) -> None:
        assert self.lock.held, f"{method} outside the write lock"

    def open(self) -> None:
        """The store as a new process opens it (nothing of it open yet)."""
        EmbeddedChroma.at(self.store_dir).reopen()
        self.store = ChunkStore(
            self.store_dir, chroma_url=self.chroma_url, collection="docs", check_on_open=self.check
        )
        self.corpus = Corpus(self.store, ingestor=self.ingestor, write_lock=self.lock.writing)

    def _make_embedder(self) -> HashEmbedder:
        self.made += 1
        return self.embedder

    def ingestor(self, corpus: Corpus) -> Ingestor:
        return Ingestor(
            self.store,
            self._make_embedder,  # type: ignore[arg-type]
            embedder_id=self.embedder_id,
            chunk_size=1,
            chunk_overlap=0,
            max_file_bytes=2_000,
            corpus=corpus,
        )

    def put(self, name: str, text: str | bytes, *, mtime: int = OLD) -> Path:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        os.utime(path, ns=(mtime, mtime))
        return path

    def ingest(self, **options: bool) -> IngestReport:
        return self.corpus.ingest([self.folder], **options)

    def chunks(self) -> dict[str, set[str]]:
        return self.store.chunk_ids_by_source()

    def texts(self, source: str) -> list[str]:
        return [c.text for c in self.store.chunks_of(source)]

    def writes(self) -> list[tuple[str, str, int]]:
        return list(self.chroma.writes)
