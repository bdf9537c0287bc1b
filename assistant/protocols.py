"""The roles components are injected by: small protocols that the packaged models, the store
and the tests' fakes (``tests/fakes.py``, ``tests/reader_fakes.py``) all satisfy, so any of
them can stand in a role (mypy checks both sides).

The frozen dataclasses the protocols mention stay with their code: ``Entity``
(``assistant.language.entities``), ``Analysis`` (``assistant.language.syntax``), ``Hit``
(``assistant.index.search``), ``ReadRequest`` and ``Draft`` (``assistant.answer.reader``),
``Signals`` (``assistant.answer.abstention``). Nothing here is imported at run time but the
standard library: any module may import its role from here without a cycle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pathlib import Path

    import numpy as np
    from numpy.typing import NDArray

    from assistant.answer.abstention import Signals
    from assistant.answer.reader import Draft, ReadRequest
    from assistant.index.manifest import FileEntry
    from assistant.index.search import Hit
    from assistant.language.entities import Entity
    from assistant.language.syntax import Analysis
    from assistant.types import Chunk

# -- the models -------------------------------------------------------------------------------


class QueryEmbedder(Protocol):
    """Embeds a question for the vector search (what the retriever needs)."""

    def embed_query(self, text: str) -> list[float]: ...


class Embedder(QueryEmbedder, Protocol):
    """The embedding model an ``Assistant`` is built with: questions (``embed_query``), chunks
    at ingest (``encode``, then ``prepare_query_model`` makes the fast query model), and texts
    for the evaluation's semantic similarity (``embed_documents``). An optional ``model_id``
    names the vector space it writes (``assistant.index.vector_space``)."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def encode(self, texts: list[str], *, show_progress: bool = False) -> NDArray[np.float32]: ...

    def prepare_query_model(self) -> Path | None: ...


class Reranker(Protocol):
    """Scores (query, text) pairs: higher is more relevant."""

    def score(self, query: str, texts: Sequence[str]) -> list[float]: ...


class EntityRecognizer(Protocol):
    """Finds the named entities of a text, in order of appearance."""

    def entities(self, text: str) -> tuple[Entity, ...]: ...


class Parser(Protocol):
    """Who does what in a sentence, and the roles it gives names (``assistant.language.syntax``)."""

    def analyse(self, text: str) -> Analysis: ...


# -- answering --------------------------------------------------------------------------------


class Reader(Protocol):
    """Turns the ranked passages into a draft answer (``assistant.answer.reader``)."""

    def read(self, request: ReadRequest) -> Draft: ...


class AbstentionPolicy(Protocol):
    """Says how confident it is that an answer is supported; refuses below ``threshold``."""

    @property
    def threshold(self) -> float: ...

    def confidence(self, signals: Signals) -> float: ...


# -- the store --------------------------------------------------------------------------------


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
