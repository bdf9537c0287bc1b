"""The lexical index kept caught up with its store: synced when the generation moves, rebuilt
from the store's texts when its file is damaged, searched with one retry after a rebuild."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from assistant.errors import StoreError
from assistant.index.follow import is_damage, one_line
from assistant.index.lexical import LexicalIndex
from assistant.index.manifest import FileEntry

logger = logging.getLogger(__name__)
T = TypeVar("T")


class LexicalUpkeep:
    """``generation``, ``entries`` and ``texts`` read the store (called each time, so that a
    replaced store method is the one used)."""

    def __init__(
        self,
        path: Path,
        *,
        local_dir: Path,
        generation: Callable[[], str],
        entries: Callable[[], Mapping[str, FileEntry]],
        texts: Callable[[Sequence[str]], dict[str, str]],
    ) -> None:
        self.path = path
        self._local_dir = local_dir
        self._generation = generation
        self._entries = entries
        self._texts = texts
        self.index: LexicalIndex | None = None  # once opened
        # One rebuild at a time in this process; ``rebuilds`` counts them, so that a thread
        # that met the damage before another thread's rebuild only tries again.
        self._rebuilding = threading.Lock()
        self.rebuilds = 0

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        return self._read(lambda index: index.search(query, k))

    def stem_counts(self, stems: Sequence[str]) -> dict[str, int]:
        return self._read(lambda index: index.stem_counts(stems))

    def _read(self, read: Callable[[LexicalIndex], T]) -> T:
        """``read`` of the current index; a damaged index (found only where a read goes) is
        rebuilt and read again."""
        rebuilds = self.rebuilds
        index = self.current()
        try:
            return read(index)
        except sqlite3.DatabaseError as exc:  # damaged where only a read goes
            index = self.rebuild(exc, since=rebuilds)
            try:
                return read(index)
            except sqlite3.DatabaseError as again:
                raise StoreError(
                    f"The lexical index at {self.path} is unreadable even after"
                    f" rebuilding it ({one_line(again)})."
                ) from None

    def current(
        self, entries: Mapping[str, FileEntry] | None = None, *, repair: bool = True
    ) -> LexicalIndex:
        """The index, caught up with the store (see ``ChunkStore.lexical``)."""
        rebuilds = self.rebuilds
        generation = self._generation()
        index = self.opened()
        try:
            if index.generation != generation:
                index.sync(generation, self._entries() if entries is None else entries, self._texts)
        except (sqlite3.DatabaseError, OSError) as exc:
            if not repair:
                raise
            index = self.rebuild(exc, since=rebuilds, entries=entries)
        return index

    def opened(self) -> LexicalIndex:
        if self.index is None:
            self.index = LexicalIndex(self.path)
            # Tidy the folder of the bm25s index this one replaced.
            shutil.rmtree(self._local_dir / "bm25", ignore_errors=True)
            shutil.rmtree(self._local_dir / "bm25-remote", ignore_errors=True)
        return self.index

    def close(self) -> None:
        if self.index is not None:
            self.index.close()
            self.index = None

    def rebuild(
        self,
        cause: BaseException | None,
        *,
        since: int | None = None,
        entries: Mapping[str, FileEntry] | None = None,
    ) -> LexicalIndex:
        """Rebuild the index from the store because of ``cause`` (None: asked to). An error
        that is not damage (the file busy, not writable, the disk full) is one line; so is a
        rebuild that fails. ``since``: the rebuild count when the caller met ``cause``;
        another thread's rebuild since then is enough."""
        where = self.path
        if cause is not None and not is_damage(cause):
            raise StoreError(f"Cannot use the lexical index at {where}: {one_line(cause)}.")
        with self._rebuilding:
            index = self.opened()
            if since is not None and self.rebuilds != since:
                return index
            if cause is not None:
                logger.warning(
                    "lexical index %s is damaged (%s): rebuilding it from the store",
                    where, one_line(cause),
                )  # fmt: skip
            try:
                index.rebuild(
                    self._generation(), self._entries() if entries is None else entries, self._texts
                )
            except (sqlite3.DatabaseError, OSError) as exc:
                reason = f" ({one_line(cause)})" if cause is not None else ""
                raise StoreError(
                    f"The lexical index at {where} is damaged{reason} and could not be rebuilt:"
                    f" {one_line(exc)}."
                ) from None
            self.rebuilds += 1
        return index

    def empty(self) -> None:
        """Empty, whatever it held (the next use catches up with the new records)."""
        try:
            self.opened().rebuild(None, {}, self._texts)
        except (sqlite3.DatabaseError, OSError) as exc:
            raise StoreError(
                f"Cannot write the lexical index at {self.path}: {one_line(exc)}."
            ) from None
