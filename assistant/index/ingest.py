"""Idempotent, crash-safe ingestion: read, chunk, diff against the store by content-hash id, write
the delta.

Files are recorded in the store's manifest: ``writing`` before any of their chunks change and
``complete`` (with their chunk ids) after, so a run that dies part-way leaves its files marked
for the next run to redo. One ingest runs per store at a time (a lock file says who holds it).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.documents.chunking import CHUNKER_VERSION, chunk_document, fold
from assistant.documents.discovery import discover
from assistant.documents.formats import SUPPORTED_SUFFIXES
from assistant.documents.limits import ReadLimits
from assistant.documents.loading import read_document
from assistant.errors import (
    DamagedStoreError,
    EmptyCorpusError,
    IngestError,
    RefusedFilesError,
    StoreError,
    UnsupportedFileError,
)
from assistant.index.manifest import FileEntry
from assistant.index.vector_space import same_vectors
from assistant.preloading import load_in_background
from assistant.types import Chunk, Document, IngestReport

if TYPE_CHECKING:
    from assistant.index.corpus import Corpus
    from assistant.protocols import Embedder, Store

logger = logging.getLogger(__name__)

_WRITE_BATCH = 1000  # chunks per write to the store


@dataclass(frozen=True, slots=True)
class _Plan:
    """What to write for one file."""

    entry: FileEntry
    add: tuple[Chunk, ...] = ()
    update: tuple[Chunk, ...] = ()
    delete: tuple[str, ...] = ()
    unchanged: int = 0


class Ingestor:
    """Brings a store in line with a set of files, writing only what changed."""

    def __init__(
        self,
        store: Store,
        embedder: Callable[[], Embedder],
        *,
        embedder_id: str,
        chunk_size: int,
        chunk_overlap: int,
        max_file_bytes: int,
        corpus: Corpus,
        limits: ReadLimits | None = None,
    ) -> None:
        self.store = store
        # Every write goes through the corpus service (this object reads and plans).
        self.corpus = corpus
        # Made on first use: an ingest with nothing to embed loads no model (nor LangChain).
        self._make_embedder = embedder
        self.embedder_id = embedder_id
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap
        self.max_file_bytes = max_file_bytes
        self.limits = limits or ReadLimits(max_bytes=max_file_bytes)
        # Files refused by this run (source, reason) and the seconds spent reading files.
        self._refused: list[tuple[str, str]] = []
        self._read_seconds = 0.0

    @property
    def chunking(self) -> str:
        return f"v{CHUNKER_VERSION}:{self.chunk_size}:{self.chunk_overlap}"

    @cached_property
    def embedder(self) -> Embedder:
        return self._make_embedder()

    def ingest(
        self,
        paths: Iterable[Path],
        *,
        prune: bool = False,
        progress: bool = False,
        rebuild: bool = False,
    ) -> IngestReport:
        began = time.perf_counter()
        self._refused, self._read_seconds = [], 0.0
        paths = [Path(p) for p in paths]
        files = list(discover(paths))
        if not files:
            kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
            where = ", ".join(str(p) for p in paths) or "(no path)"
            raise EmptyCorpusError(f"No {kinds} files found in {where}.")
        names = [name for _, name in files]
        since = self.store.last_write_ns()  # read before this run's lock touches the file
        if len(set(names)) != len(names):
            dupes = sorted({n for n in names if names.count(n) > 1})
            raise IngestError(f"Two files would share the source name {dupes[0]}; rename one.")
        with self.store.ingest_lock():
            same = None if rebuild else self._nothing_to_do(files, since, prune=prune)
            if same is not None:
                plans: tuple[int, int, int, int] | None = (0, same, 0, 0)
            else:
                loading = self._load_embedder_if_changed(files, since)
                try:
                    plans = self._locked(
                        files, names, prune=prune, progress=progress, rebuild=rebuild
                    )
                finally:
                    if loading is not None:
                        loading.join()
        if plans is None:  # the lock is released: the rebuild takes it again
            return self.ingest(paths, prune=prune, progress=progress, rebuild=True)
        added, unchanged, removed, updated = plans
        report = IngestReport(
            files=len(files),
            added=added,
            unchanged=unchanged,
            removed=removed,
            updated=updated,
            seconds=time.perf_counter() - began,
            refused=tuple(self._refused),
            read_seconds=self._read_seconds,
        )
        if report.refused:
            raise RefusedFilesError("\n".join(why for _, why in report.refused), report)
        return report

    def _read(self, path: Path, name: str) -> Document:
        began = time.perf_counter()
        try:
            return read_document(path, source=name, limits=self.limits)
        finally:
            self._read_seconds += time.perf_counter() - began

    def _nothing_to_do(
        self, files: list[tuple[Path, str]], since: int | None, *, prune: bool
    ) -> int | None:
        """The chunks of ``files`` when the store holds every one as it is — and, to ``prune``,
        nothing else — known from the file records read without opening Chroma's client
        (``ChunkStore.peek_entries``; 1 s of imports saved): each written completely by
        this chunker and embedder, with the size and time it has now. Tried only when no file
        was modified after the last write (``since``); None: the usual path decides (and
        reports what is wrong, e.g. another embedding model). The store's check must pass
        too: on a damaged store the usual path repairs or refuses."""
        now = time.time_ns()
        if since is None or any(since < p.stat().st_mtime_ns <= now for p, _ in files):
            return None  # changed since (a time in the future says nothing)
        existing = self.store.peek_entries()
        if existing is None:
            return None
        if any(not same_vectors(e.embedder, self.embedder_id) for e in existing.values()):
            return None  # the usual path refuses the store, whichever files are given
        if prune and set(existing) - {name for _, name in files}:
            return None
        if not all(self._untouched(path, existing.get(name)) for path, name in files):
            return None
        try:
            self.store.wait_for_check()
        except StoreError:  # the usual path reports it, or rebuilds a damaged vector index
            return None
        return sum(existing[name].chunks for _, name in files)

    def _untouched(self, path: Path, known: FileEntry | None) -> bool:
        """Whether ``known`` records ``path`` as it is (same size and time): not even read."""
        if known is None or not self._current(known):
            return False
        stat = path.stat()
        return (known.size, known.mtime_ns) == (stat.st_size, stat.st_mtime_ns)

    def _load_embedder_if_changed(
        self, files: list[tuple[Path, str]], since: int | None
    ) -> threading.Thread | None:
        """Load the embedding model in the background when a file was modified after the last
        write to the store (``since``): onnxruntime builds its session without holding the
        GIL, so this overlaps opening the store and reading its records. Only a guess (a file
        touched, not changed, costs the load; a file copied with its old time, the overlap)."""
        if since is not None and all(path.stat().st_mtime_ns <= since for path, _ in files):
            return None
        return load_in_background("load-embedder", lambda: self.embedder)

    def _locked(
        self,
        files: list[tuple[Path, str]],
        names: list[str],
        *,
        prune: bool,
        progress: bool,
        rebuild: bool,
    ) -> tuple[int, int, int, int] | None:
        """The ingest under the store's lock; None: the store must be rebuilt."""
        if rebuild:
            for path, name in files:  # every file must read before the store is emptied
                self._read(path, name)
            self.corpus.empty()
        try:
            self.store.collection(create=True)
        except DamagedStoreError:
            # A kill -9 while Chroma itself was writing its vector index can leave it
            # unreadable. When this run holds every document of the store (or prunes the
            # others), rebuilding from them loses nothing: do it rather than refuse.
            others = set(self.store.entries()) - set(names)
            if rebuild or (others and not prune):
                raise
            logger.warning(
                "the vector index of %s is damaged: rebuilding it from the %d file(s) given",
                self.store.location, len(files),
            )  # fmt: skip
            return None
        return self._update(files, names, prune=prune, progress=progress)

    def _update(
        self, files: list[tuple[Path, str]], names: list[str], *, prune: bool, progress: bool
    ) -> tuple[int, int, int, int]:
        """Plan and write; returns chunks added, unchanged, removed and updated."""
        legacy = not self.store.has_manifest
        existing = self.store.entries()
        other = next(
            (e for e in existing.values() if not same_vectors(e.embedder, self.embedder_id)), None
        )
        if other is not None:  # its vectors cannot be searched with ours: nothing is touched
            raise IngestError(
                f"The store at {self.store.location} was built with another embedding model"
                f" ({other.embedder}); run 'assistant ingest --rebuild CORPUS' to rebuild it."
            )
        # Read and chunk everything before writing anything. A file that cannot be read is
        # refused (its old chunks, if any, stay as they were); the others are written.
        plans = []
        for path, name in files:
            known = existing.get(name)
            try:
                plans.append(self._plan(path, name, known))
            except UnsupportedFileError as exc:
                logger.info("refused %s: %s", name, exc)
                self._refused.append((name, str(exc)))
                if known is not None:
                    plans.append(_Plan(known, unchanged=known.chunks))
        gone = sorted(set(existing) - set(names)) if prune else []
        changed = [p for p in plans if p.entry != existing.get(p.entry.source)]
        if changed or gone or legacy:
            after = {**existing, **{p.entry.source: p.entry for p in changed}}
            for source in gone:
                del after[source]
            self._write(changed, [existing[s] for s in gone], after=after, progress=progress)
        return (
            sum(len(p.add) for p in plans),
            sum(p.unchanged for p in plans),
            sum(len(p.delete) for p in plans) + sum(existing[s].chunks for s in gone),
            sum(len(p.update) for p in plans),
        )

    def _current(self, known: FileEntry | None) -> bool:
        """Whether ``known`` was written completely, by this chunker and embedder."""
        return (
            known is not None
            and known.state == "complete"
            and known.chunking == self.chunking
            and same_vectors(known.embedder, self.embedder_id)
        )

    def _plan(self, path: Path, name: str, known: FileEntry | None) -> _Plan:
        if known is not None and self._untouched(path, known):
            return _Plan(known, unchanged=known.chunks)  # not even read
        stat = path.stat()
        document = self._read(path, name)
        if (
            known is not None
            and self._current(known)
            and known.content_hash == document.content_hash
        ):
            # Touched, not changed: remember the new time so the next run need not read it.
            seen = replace(known, size=stat.st_size, mtime_ns=stat.st_mtime_ns)
            return _Plan(seen, unchanged=known.chunks)
        return self._replan(document, known, stat.st_size, stat.st_mtime_ns)

    def _replan(
        self, document: Document, known: FileEntry | None, size: int, mtime_ns: int
    ) -> _Plan:
        chunks = chunk_document(
            document, chunk_size=self.chunk_size, chunk_overlap=self.chunk_overlap
        )
        entry = FileEntry(
            document.source,
            document.content_hash,
            tuple(c.id for c in chunks),
            chunking=self.chunking,
            embedder=self.embedder_id,
            size=size,
            mtime_ns=mtime_ns,
            length=len(document.text),
        )
        # Whatever the record says, the chunks in the store are the truth: an interrupted
        # run may have left some or all of them.
        old = {c.id: c for c in self.store.chunks_of(document.source)} if known else {}
        new_ids = set(entry.chunk_ids)
        return _Plan(
            entry,
            add=tuple(c for c in chunks if c.id not in old),
            update=tuple(c for c in chunks if c.id in old and old[c.id] != c),
            delete=tuple(i for i in old if i not in new_ids),
            unchanged=sum(1 for c in chunks if c.id in old),
        )

    def _write(
        self,
        changed: list[_Plan],
        gone: list[FileEntry],
        *,
        after: dict[str, FileEntry],
        progress: bool,
    ) -> None:
        """Write the plans (``after``: every file record as the write leaves them)."""
        adds = [c for p in changed for c in p.add]
        # Embed first: if that fails, nothing has been written yet.
        embeddings = (
            self.embedder.encode([fold(c.text) for c in adds], show_progress=progress)
            if adds
            else None
        )
        deletes = [i for p in changed for i in p.delete]
        self.corpus.write(
            [p.entry.marked("writing") for p in changed] + [e.marked("writing") for e in gone],
            gone=[e.source for e in gone],
            deletes=deletes,
            adds=adds,
            embeddings=embeddings,
            moved=[c for p in changed for c in p.update],
            records=[p.entry for p in changed],
            after=after,
            batch=_WRITE_BATCH,
        )
        if adds:  # torch is loaded now: make the fast query model for later questions
            self.embedder.prepare_query_model()
        logger.info(
            "wrote %d file(s): %d chunk(s) added, %d deleted, %d source(s) removed",
            len(changed), len(adds), len(deletes), len(gone),
        )  # fmt: skip
