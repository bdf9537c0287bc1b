"""The roles components are injected by: small protocols that the packaged models, the store
and the tests' fakes (``tests/fakes.py``, ``tests/reader_fakes.py``) all satisfy, so any of
them can stand in a role (mypy checks both sides).

The frozen dataclasses the protocols mention stay with their code: ``Entity``
(``assistant.language.entities``), ``Analysis`` (``assistant.language.syntax``), ``Hit``
(``assistant.index.search``), ``ReadRequest`` and ``Draft`` (``assistant.answer.reader``),
``Signals`` (``assistant.answer.abstention``). Nothing here is imported at run time but the
standard library: any module may import its role from here without a cycle.

The four a ``HybridRetriever`` holds (a pydantic model, which checks its fields with
``isinstance``) are ``runtime_checkable``: methods only, so checking calls none of them. The
store an ``Assistant`` is given is checked with ``lacking`` instead, which reads no attribute
(``Store`` has properties, and one opens the database).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeAlias, runtime_checkable

if TYPE_CHECKING:
    from pathlib import Path

    import numpy as np
    from numpy.typing import NDArray

    from assistant.answer.abstention import Signals
    from assistant.answer.reader import Draft, ReadRequest
    from assistant.index.lexical import LexicalIndex
    from assistant.index.locks import IngestLock
    from assistant.index.manifest import FileEntry
    from assistant.index.search import Hit
    from assistant.index.store import SourceInfo
    from assistant.language.entities import Entity
    from assistant.language.syntax import Analysis
    from assistant.types import Chunk

# -- the models -------------------------------------------------------------------------------


@runtime_checkable
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


@runtime_checkable
class Reranker(Protocol):
    """Scores (query, text) pairs: higher is more relevant."""

    def score(self, query: str, texts: Sequence[str]) -> list[float]: ...


@runtime_checkable
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


@runtime_checkable
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


class QuestionMender(Protocol):
    """Mends a question's misspelt words (``assistant.converse.spelling``)."""

    def mend(self, question: str) -> str: ...


@runtime_checkable
class StemCounts(Search, Protocol):
    """A store whose lexical index says how many chunks hold a word's stem (the documents'
    vocabulary, which a question's misspelt words are mended into)."""

    def stem_counts(self, stems: Sequence[str]) -> dict[str, int]: ...


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


# Told of each write of this process: the new generation and the file records as the write
# left them (None when they must be read back).
Follower: TypeAlias = "Callable[[str, Mapping[str, FileEntry] | None], object]"


class SentenceSource(Protocol):
    """What the sentence index is built from and kept caught up with
    (``assistant.answerers.library.IndexedLibrary``): the store's generation, file records and
    chunks, where the index file goes, and the followers told of each write."""

    followers: list[Follower]

    @property
    def sentences_path(self) -> Path: ...

    def generation(self) -> str:
        """Changes whenever any client writes to the store."""
        ...

    def entries(self) -> Mapping[str, FileEntry]: ...

    def get(self, ids: Sequence[str]) -> dict[str, Chunk]: ...


class Store(Search, DocumentChunks, SentenceSource, Protocol):
    """The store an ``Assistant`` is built on (``assistant.index.store.ChunkStore``, in Chroma):
    read by the retriever (``Search``), the document view (``DocumentChunks``) and the
    sentence index (``SentenceSource``); checked, counted and re-opened by the assistant;
    written by its corpus service and ingest, and examined by ``doctor``."""

    store_dir: Path
    chroma_url: str | None
    collection_name: str

    def entries(self) -> dict[str, FileEntry]: ...

    # -- where and when

    @property
    def location(self) -> str: ...

    @property
    def has_manifest(self) -> bool: ...

    def ingest_lock(self) -> IngestLock: ...

    def last_write_ns(self) -> int | None: ...

    def start_check(self) -> None: ...

    def wait_for_check(self) -> None: ...

    def stale(self) -> bool: ...

    def reopen(self) -> None: ...

    def collection(self, *, create: bool = False) -> Any: ...

    # -- reading

    def count(self) -> int: ...

    def peek_entries(self) -> dict[str, FileEntry] | None: ...

    def sources(self) -> dict[str, SourceInfo]: ...

    def chunk_ids_by_source(self) -> dict[str, set[str]]: ...

    def texts(self, ids: Sequence[str]) -> dict[str, str]: ...

    def lexical(
        self, entries: Mapping[str, FileEntry] | None = None, *, repair: bool = True
    ) -> LexicalIndex: ...

    def rebuild_lexical(self) -> None: ...

    # -- writing

    def add(self, chunks: Sequence[Chunk], embeddings: Any) -> None: ...

    def update_positions(self, chunks: Sequence[Chunk]) -> None: ...

    def delete(self, ids: Sequence[str]) -> None: ...

    def delete_source(self, source: str) -> None: ...

    def record(self, entries: Sequence[FileEntry], *, removed: Sequence[str] = ()) -> None: ...

    def changing(
        self, after: Mapping[str, FileEntry] | None = None
    ) -> AbstractContextManager[None]: ...

    def reset(self) -> None: ...


# -- checking a role at run time --------------------------------------------------------------

_ABSENT = object()


def members(protocol: type) -> frozenset[str]:
    """The public names ``protocol`` and the protocols it extends declare."""
    names: set[str] = set()
    for cls in protocol.__mro__:
        if cls in (object, Protocol, Generic) or not getattr(cls, "_is_protocol", False):
            continue
        declared = [*vars(cls), *getattr(cls, "__annotations__", {})]
        names.update(name for name in declared if not name.startswith("_"))
    return frozenset(names)


def lacking(obj: object, protocol: type) -> list[str]:
    """The members of ``protocol`` that ``obj`` does not have, looked up without running any
    (``isinstance`` on a runtime-checkable protocol reads each attribute under Python 3.11,
    and a store's ``has_manifest`` opens its database)."""
    absent = _ABSENT
    return sorted(m for m in members(protocol) if inspect.getattr_static(obj, m, absent) is absent)
