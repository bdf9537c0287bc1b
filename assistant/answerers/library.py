"""The documents as the answerers of reader's questions read them (``Library``): sentences
with their place and centrality, named entities, and the chunks that hold them.

``IndexedLibrary`` keeps the sentence index (``assistant.index.sentences``) caught up with the
store before each read: one generation check when nothing changed, the changed files
re-indexed otherwise, and the whole index rebuilt from the store, in place, when its file is
found damaged (catching up or reading: ``assistant.index.follow.rebuild_in_place``).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Protocol, TypeVar

from assistant.errors import StoreError
from assistant.index.follow import is_damage, one_line
from assistant.index.manifest import FileEntry
from assistant.index.sentences import Mention, Sentence, SentenceIndex
from assistant.protocols import EntityRecognizer, SentenceSource
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

    def __init__(self, store: SentenceSource, recognizer: EntityRecognizer) -> None:
        self.store = store
        self.recognizer = recognizer
        self._index: SentenceIndex | None = None
        self._lock = threading.Lock()
        self._rebuilds = 0  # rebuilds so far: a thread that met the damage before one skips
        # This process's writes are indexed as they land (at ingest), from the records the
        # writer knows; another process's, on this library's next read.
        store.followers.append(self.follow)

    def current(self) -> SentenceIndex:
        """The index, caught up with the store."""
        return self.follow(self.store.generation(), None)

    def follow(self, generation: str, entries: Mapping[str, FileEntry] | None) -> SentenceIndex:
        """Catch up with ``generation``; ``entries``: its file records, when known."""
        with self._lock:
            index = self._sentence_index()
            try:
                if index.generation != generation:
                    known = self.store.entries() if entries is None else entries
                    index.sync(generation, known, self._fetch)
            except (sqlite3.DatabaseError, OSError) as exc:
                self._rebuild(exc, generation, entries)
            return index

    def _sentence_index(self) -> SentenceIndex:
        if self._index is None:
            self._index = SentenceIndex(self.store.sentences_path, self.recognizer)
        return self._index

    def rebuild(self) -> None:
        """Index every file again from the store (``doctor --repair``)."""
        with self._lock:
            self._rebuild(None, self.store.generation(), None)

    def _rebuild(
        self,
        cause: BaseException | None,
        generation: str,
        entries: Mapping[str, FileEntry] | None,
    ) -> None:
        """Rebuild the index in place because of ``cause`` (None: asked to); an error that is
        not damage (busy, not writable, disk full), or a rebuild that fails, is one line.
        Called holding ``_lock``."""
        index = self._sentence_index()
        if cause is not None and not is_damage(cause):
            raise StoreError(f"Cannot use the sentence index at {index.path}: {one_line(cause)}.")
        if cause is not None:
            logger.warning(
                "sentence index %s is damaged (%s): rebuilding it from the store",
                index.path, one_line(cause),
            )  # fmt: skip
        known = self.store.entries() if entries is None else entries
        try:
            index.rebuild(generation, known, self._fetch)
        except (sqlite3.DatabaseError, OSError) as exc:
            reason = f" ({one_line(cause)})" if cause is not None else ""
            raise StoreError(
                f"The sentence index at {index.path} is damaged{reason} and could not be"
                f" rebuilt: {one_line(exc)}."
            ) from None
        self._rebuilds += 1

    def problem(self, entries: Mapping[str, FileEntry]) -> str:
        """What is wrong with the sentence index ("" when nothing; ``doctor``): a damaged
        file, or files indexed from other chunks than the store's records list. Not built
        yet, or behind the store (caught up at the next reader's question), is not wrong."""
        if not self.store.sentences_path.is_file():
            return ""
        with self._lock:
            index = self._sentence_index()
            try:
                index.check()
                if index.generation != self.store.generation():
                    return ""
                indexed = index.digests()
            except Exception as exc:  # a damaged file: reported, then rebuilt by --repair
                return f"unreadable ({one_line(exc)})"
        wanted = {s: e.digest for s, e in entries.items() if e.state != "writing"}
        if set(indexed) != set(wanted):
            return f"indexes {len(indexed)} files, the manifest lists {len(wanted)}"
        for source, digest in wanted.items():
            if indexed[source] != digest:
                return f"{source} is indexed with other chunks than the store has"
        return ""

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
        rebuilds = self._rebuilds
        index = self.current()
        try:
            return read(index)
        except sqlite3.DatabaseError as exc:  # damaged where only a read looks
            with self._lock:
                if self._rebuilds == rebuilds:  # no other thread rebuilt it meanwhile
                    self._rebuild(exc, self.store.generation(), None)
        try:
            return read(index)
        except sqlite3.DatabaseError as again:
            raise StoreError(
                f"The sentence index at {index.path} is unreadable even after rebuilding it"
                f" ({one_line(again)})."
            ) from None
