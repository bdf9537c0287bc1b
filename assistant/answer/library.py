"""The documents as the answerers of reader's questions read them (``Library``): sentences
with their place and centrality, named entities, and the chunks that hold them.

``IndexedLibrary`` keeps the sentence index (``assistant.index.sentences``) caught up with the
store before each read: one generation check when nothing changed, the changed files
re-indexed otherwise, and the whole index rebuilt from the store when its file is damaged.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Protocol, TypeVar

from assistant.entities import EntityRecognizer
from assistant.errors import StoreError
from assistant.index.sentences import Mention, Sentence, SentenceIndex
from assistant.manifest import FileEntry
from assistant.types import Chunk

logger = logging.getLogger(__name__)

T = TypeVar("T")


class Library(Protocol):
    """What the answerers read (see the module's words)."""

    def sources(self) -> list[str]: ...

    def sentences(self, source: str) -> list[Sentence]: ...

    def central(self, per_source: int) -> list[Sentence]: ...

    def containing(
        self, words: str, limit: int = 500, *, phrase: bool = True
    ) -> list[Sentence]: ...

    def mentions(self, labels: Collection[str] | None = None) -> list[Mention]: ...

    def chunks(self, ids: Sequence[str]) -> dict[str, Chunk]: ...


class IndexedLibrary:
    """A ``Library`` over the sentence index of ``store``, kept caught up (see the module)."""

    def __init__(self, store: object, recognizer: EntityRecognizer) -> None:
        from assistant.store import ChunkStore

        if not isinstance(store, ChunkStore):
            raise TypeError(f"store must be a ChunkStore, not {type(store).__name__}.")
        self.store = store
        self.recognizer = recognizer
        self._index: SentenceIndex | None = None
        self._lock = threading.Lock()
        # This process's writes are indexed as they land (at ingest), from the records the
        # writer knows; another process's, on this library's next read.
        store.followers.append(self.follow)

    def current(self) -> SentenceIndex:
        """The index, caught up with the store."""
        return self.follow(self.store.generation(), None)

    def follow(self, generation: str, entries: Mapping[str, FileEntry] | None) -> SentenceIndex:
        """Catch up with ``generation``; ``entries``: its file records, when known."""
        with self._lock:
            if self._index is None:
                self._index = SentenceIndex(self.store.sentences_path, self.recognizer)
            try:
                if self._index.generation != generation:
                    known = self.store.entries() if entries is None else entries
                    self._index.sync(generation, known, self._fetch)
            except sqlite3.DatabaseError as exc:
                logger.warning("sentence index %s unusable (%s): rebuilding", self._index.path, exc)
                self._index = self._fresh()
                known = self.store.entries() if entries is None else entries
                self._index.sync(generation, known, self._fetch)
            return self._index

    def _fresh(self) -> SentenceIndex:
        assert self._index is not None
        self._index.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self._index.path}{suffix}").unlink(missing_ok=True)
        return SentenceIndex(self.store.sentences_path, self.recognizer)

    def _fetch(self, ids: Sequence[str]) -> dict[str, Chunk]:
        out: dict[str, Chunk] = {}
        for lo in range(0, len(ids), 500):
            out.update(self.store.get(list(ids[lo : lo + 500])))
        return out

    def sources(self) -> list[str]:
        return self._read(lambda index: index.sources())

    def sentences(self, source: str) -> list[Sentence]:
        return self._read(lambda index: index.sentences(source))

    def central(self, per_source: int) -> list[Sentence]:
        return self._read(lambda index: index.central(per_source))

    def containing(self, words: str, limit: int = 500, *, phrase: bool = True) -> list[Sentence]:
        return self._read(lambda index: index.containing(words, limit, phrase=phrase))

    def mentions(self, labels: Collection[str] | None = None) -> list[Mention]:
        return self._read(lambda index: index.mentions(labels))

    def chunks(self, ids: Sequence[str]) -> dict[str, Chunk]:
        return self._fetch(list(dict.fromkeys(ids)))

    def _read(self, read: Callable[[SentenceIndex], T]) -> T:
        index = self.current()
        try:
            return read(index)
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"The sentence index at {index.path} is damaged ({exc}); run 'assistant doctor"
                " --repair'."
            ) from None
