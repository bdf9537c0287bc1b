"""Idempotent ingestion: read, chunk, diff against the store by content-hash id, write the delta."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from assistant.chunking import chunk_document, fold
from assistant.embeddings import SentenceTransformerEmbedder
from assistant.errors import EmptyCorpusError, IngestError
from assistant.loading import SUPPORTED_SUFFIXES, discover, read_document
from assistant.store import ChunkStore
from assistant.types import Chunk, IngestReport

logger = logging.getLogger(__name__)

_WRITE_BATCH = 1000


@dataclass(frozen=True, slots=True)
class _Plan:
    add: tuple[Chunk, ...]
    update: tuple[Chunk, ...]
    delete: tuple[str, ...]
    unchanged: int


class Ingestor:
    """Brings a store in line with a set of files, writing only what changed."""

    def __init__(
        self,
        store: ChunkStore,
        embedder: SentenceTransformerEmbedder,
        *,
        chunk_size: int,
        chunk_overlap: int,
        max_file_bytes: int,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap
        self.max_file_bytes = max_file_bytes

    def ingest(
        self, paths: Iterable[Path], *, prune: bool = False, progress: bool = False
    ) -> IngestReport:
        began = time.perf_counter()
        paths = [Path(p) for p in paths]
        files = list(discover(paths))
        if not files:
            kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
            where = ", ".join(str(p) for p in paths) or "(no path)"
            raise EmptyCorpusError(f"No {kinds} files found in {where}.")
        names = [name for _, name in files]
        if len(set(names)) != len(names):
            dupes = sorted({n for n in names if names.count(n) > 1})
            raise IngestError(f"Two files would share the source name {dupes[0]}; rename one.")
        # Read and chunk everything before writing anything: a bad file aborts the whole run.
        documents = [
            read_document(path, source=name, max_bytes=self.max_file_bytes) for path, name in files
        ]
        self.store.collection(create=True)
        existing = self.store.sources()
        adds: list[Chunk] = []
        updates: list[Chunk] = []
        deletes: list[str] = []
        unchanged = 0
        for document in documents:
            known = existing.get(document.source)
            if known is not None and known.document_hash == document.content_hash:
                unchanged += known.chunks
                continue
            plan = self._plan(document.source, chunk_document(
                document, chunk_size=self.chunk_size, chunk_overlap=self.chunk_overlap
            ), has_old=known is not None)  # fmt: skip
            adds.extend(plan.add)
            updates.extend(plan.update)
            deletes.extend(plan.delete)
            unchanged += plan.unchanged
        if prune:
            present = set(names)
            for source in sorted(set(existing) - present):
                deletes.extend(c.id for c in self.store.chunks_of(source))
        self._write(adds, updates, deletes, progress=progress)
        return IngestReport(
            files=len(documents),
            added=len(adds),
            unchanged=unchanged,
            removed=len(deletes),
            updated=len(updates),
            seconds=time.perf_counter() - began,
        )

    def _plan(self, source: str, chunks: list[Chunk], *, has_old: bool) -> _Plan:
        old = {c.id: c for c in self.store.chunks_of(source)} if has_old else {}
        new_ids = {c.id for c in chunks}
        add = tuple(c for c in chunks if c.id not in old)
        update = tuple(c for c in chunks if c.id in old and old[c.id] != c)
        delete = tuple(i for i in old if i not in new_ids)
        return _Plan(add, update, delete, len(chunks) - len(add))

    def _write(
        self, adds: list[Chunk], updates: list[Chunk], deletes: list[str], *, progress: bool
    ) -> None:
        if not (adds or updates or deletes):
            return
        # Embed first: if that fails, nothing has been written yet.
        embeddings = (
            self.embedder.encode([fold(c.text) for c in adds], show_progress=progress)
            if adds
            else None
        )
        for lo in range(0, len(deletes), _WRITE_BATCH):
            self.store.delete(deletes[lo : lo + _WRITE_BATCH])
        if embeddings is not None:
            for lo in range(0, len(adds), _WRITE_BATCH):
                self.store.add(adds[lo : lo + _WRITE_BATCH], embeddings[lo : lo + _WRITE_BATCH])
        if adds:  # torch is loaded now: make the fast query model for later questions
            self.embedder.prepare_query_model()
        for lo in range(0, len(updates), _WRITE_BATCH):
            self.store.update_positions(updates[lo : lo + _WRITE_BATCH])
        self.store.rebuild_lexical()
        logger.info("wrote %d added, %d updated, %d deleted", len(adds), len(updates), len(deletes))
