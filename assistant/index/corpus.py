"""``Corpus``: the one owner of a store's write transactions — ingest (and the emptying of a
rebuild), remove, the file writes of an ingest, the restore after a failed upload, and the
repairs of ``assistant doctor --repair``.
``Assistant``, the UI and the CLI call it; none of them writes the store itself.

Every transaction marks the files it touches ``writing`` first and records them complete (or
gone) last, inside ``ChunkStore.changing`` (the derived indexes follow) and the process's
write lock (questions wait rather than see half a change)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import AssistantError, StoreError
from assistant.index.manifest import FileEntry
from assistant.types import Chunk, IngestReport

if TYPE_CHECKING:
    from assistant.answerers.library import IndexedLibrary
    from assistant.index.ingest import Ingestor
    from assistant.protocols import Store

logger = logging.getLogger(__name__)


class Corpus:
    """``ingestor``: makes the ``Ingestor`` that plans an ingest (it reads the files and the
    store, embeds, and hands the writes back here). ``write_lock``: held while the store
    changes (not while reading files or embedding)."""

    def __init__(
        self,
        store: Store,
        *,
        ingestor: Callable[[Corpus], Ingestor],
        write_lock: Callable[[], AbstractContextManager[object]] | None = None,
    ) -> None:
        self.store = store
        self._ingestor = ingestor
        self._write_lock = write_lock

    def writing(self) -> AbstractContextManager[object]:
        """The process's write lock (questions in this process wait for it)."""
        return self._write_lock() if self._write_lock is not None else contextlib.nullcontext()

    # -- what callers ask for ---------------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[Path],
        *,
        prune: bool = False,
        progress: bool = False,
        rebuild: bool = False,
    ) -> IngestReport:
        """Bring the store in line with the files under ``paths`` (see ``Assistant.ingest``)."""
        return self._ingestor(self).ingest(paths, prune=prune, progress=progress, rebuild=rebuild)

    def remove(self, source: str) -> int:
        """Remove one source's chunks and record; returns how many chunks it had."""
        with self.store.ingest_lock():
            entry = self.store.entries().get(source)
            if entry is None:
                raise StoreError(f"No document named {source!r} is in the store.")
            with self.writing(), self.store.changing():
                self.store.record([entry.marked("writing")])
                self.store.delete_source(source)
                self.store.record([], removed=[source])
            return entry.chunks

    def restore(self, added: Sequence[str], replaced: Sequence[Path]) -> None:
        """After a failed ingest of uploads (which may have written part of its changes),
        bring the store back in line with the corpus: no ``added`` names, the ``replaced``
        files (back in the corpus) indexed again. What fails here is logged, not raised."""
        for name in added:
            with contextlib.suppress(AssistantError):  # usually: nothing of it was written
                self.remove(name)
        restored = [path for path in replaced if path.is_file()]
        if not restored:
            return
        try:
            self.ingest(restored)
        except AssistantError as exc:
            logger.warning("could not re-index the restored documents: %s", exc)

    def repair(self, library: IndexedLibrary | None = None) -> list[str]:
        """Repair what the store can repair by itself; returns what was done. Files whose
        chunks are wrong are marked for the next ingest (their text lives in the corpus); a
        damaged database or vector index needs the corpus too (``ingest --rebuild``)."""
        from assistant.index.doctor import INGEST, diagnose, file_problems, lexical_problem

        store = self.store
        done: list[str] = []
        with self.writing():
            if not all(f.ok for f in diagnose(store)[:1]):
                return done
            with store.ingest_lock():
                entries = store.entries()
                if store.has_manifest:
                    problems = file_problems(store, entries)
                    stray = [s for s in problems if s not in entries]
                    for source in stray:
                        store.delete_source(source)
                    marked = [entries[s].marked("writing") for s in problems if s in entries]
                    if marked:
                        store.record(marked)
                        done.append(f"marked {len(marked)} file(s) to be redone: run '{INGEST}'")
                    if stray:
                        done.append(f"removed the chunks of {len(stray)} unlisted file(s)")
                if lexical_problem(store, store.entries()):
                    store.rebuild_lexical()
                    done.append("rebuilt the lexical index")
                if library is not None and library.problem(store.entries()):
                    library.rebuild()
                    done.append("rebuilt the sentence index")
        return done

    # -- the transactions of an ingest (its caller holds the store's ingest lock) -----------

    def empty(self) -> None:
        """Drop every chunk, record and the lexical index (``ingest --rebuild``)."""
        with self.writing():
            self.store.reset()

    def write(
        self,
        marked: Sequence[FileEntry],
        *,
        gone: Sequence[str],
        deletes: Sequence[str],
        adds: Sequence[Chunk],
        embeddings: Any,
        moved: Sequence[Chunk],
        records: Sequence[FileEntry],
        after: dict[str, FileEntry],
        batch: int,
    ) -> None:
        """One ingest's writes: ``marked`` (the files changing or going, as ``writing``), then
        the chunks of the ``gone`` sources and the ``deletes`` out, the ``adds`` in with their
        ``embeddings``, the ``moved`` chunks' offsets rewritten, and last the ``records`` of
        the files written (``after``: every file record as the write leaves them), ``batch``
        chunks a call."""
        with self.writing(), self.store.changing(after):
            self.store.record(marked)
            for source in gone:
                self.store.delete_source(source)
            for lo in range(0, len(deletes), batch):
                self.store.delete(deletes[lo : lo + batch])
            if embeddings is not None:
                for lo in range(0, len(adds), batch):
                    self.store.add(adds[lo : lo + batch], embeddings[lo : lo + batch])
            for lo in range(0, len(moved), batch):
                self.store.update_positions(moved[lo : lo + batch])
            self.store.record(records, removed=gone)
