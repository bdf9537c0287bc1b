"""What readers of the store depend on: small protocols that the real store
(``assistant.index.store.ChunkStore``) and the in-memory fake of the tests (``tests/fakes.py``
``InMemoryStore``) both satisfy, so either can stand behind the retriever (mypy checks both)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant.index.manifest import FileEntry
from assistant.types import Chunk


@dataclass(frozen=True, slots=True)
class Hit:
    """A lexical (BM25) search result: a chunk id and its score."""

    chunk_id: str
    score: float


class Search(Protocol):
    """The searches the hybrid retriever runs: dense, lexical, and chunks by id."""

    def dense_search(self, embedding: Sequence[float], k: int) -> list[tuple[Chunk, float]]:
        """The ``k`` chunks nearest ``embedding`` by cosine similarity, best first."""
        ...

    def bm25_search(self, query: str, k: int) -> list[Hit]:
        """The ``k`` chunks that best match ``query``'s words, best first."""
        ...

    def get(self, ids: Sequence[str]) -> dict[str, Chunk]:
        """The chunks of ``ids`` the store has, by id."""
        ...


class DocumentChunks(Protocol):
    """What a document is rebuilt from (``assistant.documents.view``): its record and chunks."""

    def entries(self) -> Mapping[str, FileEntry]:
        """Every file record, by source."""
        ...

    def chunks_of(self, source: str) -> list[Chunk]:
        """Every chunk of ``source``, in document order."""
        ...

    def chunks_between(self, source: str, start: int, end: int) -> list[Chunk]:
        """The chunks of ``source`` overlapping characters ``[start, end)``, in order."""
        ...
