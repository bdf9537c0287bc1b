"""Small, deterministic, real implementations of the protocols the answer policy depends on.

They are not mocks: each does the job its protocol describes (scores, finds entities, searches,
embeds), only with rules simple enough that a test can predict every number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.answer.reader import ReadRequest
from assistant.documents.segmentation import split_sentences
from assistant.index.lexical import tokenize
from assistant.index.store import Hit
from assistant.language.entities import Entity
from assistant.types import Chunk, Citation, Passage, Span, Turn

_WORD = re.compile(r"\w+")


def words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity (0 when either vector is zero)."""
    norms = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return sum(x * y for x, y in zip(a, b, strict=True)) / norms if norms else 0.0


@dataclass
class WordOverlapReranker:
    """A ``Reranker``: the score of a text is how many distinct lower-case words it shares
    with the query. Every call is logged in ``calls`` as ``(query, texts)``."""

    calls: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    def score(self, query: str, texts: Sequence[str]) -> list[float]:
        self.calls.append((query, tuple(texts)))
        wanted = words(query)
        return [float(len(wanted & words(text))) for text in texts]

    @property
    def scored_texts(self) -> list[str]:
        return [text for _, texts in self.calls for text in texts]


@dataclass
class GazetteerRecognizer:
    """An ``EntityRecognizer`` over a fixed ``{name: label}`` gazetteer: every whole-word,
    case-sensitive occurrence of a name, in order of appearance (the longer name wins when
    two start at the same place)."""

    gazetteer: dict[str, str]

    def entities(self, text: str) -> tuple[Entity, ...]:
        found: list[tuple[int, int, Entity]] = []
        for name, label in self.gazetteer.items():
            for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
                found.append((match.start(), -len(name), Entity(name, label)))
        found.sort(key=lambda item: (item[0], item[1]))
        result: list[Entity] = []
        end = -1
        for start, negative_length, entity in found:
            if start < end:
                continue  # overlaps a longer name found at an earlier or the same place
            result.append(entity)
            end = start - negative_length
        return tuple(result)


NO_ENTITIES = GazetteerRecognizer({})


@dataclass
class KeywordEmbedder:
    """An ``Embeddings``-like embedder: counts of the ``vocabulary`` words, unit length (the
    zero vector when the text holds none of them)."""

    vocabulary: tuple[str, ...]

    def _embed(self, text: str) -> list[float]:
        tokens = _WORD.findall(text.lower())
        vector = [float(tokens.count(word)) for word in self.vocabulary]
        norm = math.sqrt(sum(v * v for v in vector))
        return [v / norm for v in vector] if norm else vector

    def embed_query(self, text: str) -> list[float]:
        return self._embed(text)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._embed(t) for t in texts]


@dataclass
class InMemoryStore:
    """The retriever's ``Search`` (``assistant.protocols``), as ``ChunkStore`` does it,
    over a list of chunks (tests/test_store_contract.py holds both to one contract).

    ``dense_search``: the ``k`` chunks of highest cosine similarity to the embedding (like
    Chroma, always ``k`` when there are that many; ties in insertion order).
    ``bm25_search``: chunks sharing at least one word with the query, by the number of
    distinct words they share, words read as the lexical index reads them
    (``assistant.index.lexical.tokenize``: lower-cased, stop words left out, stemmed).
    ``stem_counts``: in how many chunks each stem stands, as the lexical index counts.
    """

    chunks: list[Chunk]
    embedder: KeywordEmbedder
    get_calls: list[list[str]] = field(default_factory=list)

    def dense_search(self, embedding: Sequence[float], k: int) -> list[tuple[Chunk, float]]:
        scored = [
            (chunk, cosine(embedding, vector))
            for chunk, vector in zip(
                self.chunks,
                self.embedder.embed_documents([c.text for c in self.chunks]),
                strict=True,
            )
        ]
        return sorted(scored, key=lambda pair: -pair[1])[:k]

    def bm25_search(self, query: str, k: int) -> list[Hit]:
        wanted = set(tokenize(query))
        hits = [Hit(c.id, float(len(wanted & set(tokenize(c.text))))) for c in self.chunks]
        return sorted((h for h in hits if h.score > 0), key=lambda h: -h.score)[:k]

    def get(self, ids: Sequence[str]) -> dict[str, Chunk]:
        self.get_calls.append(list(ids))
        return {c.id: c for c in self.chunks if c.id in ids}

    def stem_counts(self, stems: Sequence[str]) -> dict[str, int]:
        counts = {s: sum(s in tokenize(c.text) for c in self.chunks) for s in stems}
        return {s: n for s, n in counts.items() if n}


def make_chunk(
    text: str, *, source: str = "doc.txt", start: int = 0, paragraph: int = 1, id: str = ""
) -> Chunk:
    """A chunk of ``text`` at offset ``start`` of its document, cut into sentences by the
    ingestion segmenter."""
    spans = tuple(Span(start + s.start, start + s.end) for s in split_sentences(text))
    return Chunk(
        id=id or f"{source}#{start}",
        source=source,
        paragraph=paragraph,
        start=start,
        end=start + len(text),
        text=text,
        sentences=spans,
    )


def make_passage(
    chunk: Chunk,
    scores: Sequence[float | None],
    *,
    dense_rank: int | None = None,
    bm25_rank: int | None = None,
    dense_score: float | None = None,
    fused_score: float = 0.0,
    leans: Sequence[bool] = (),
) -> Passage:
    known = [s for s in scores if s is not None]
    return Passage(
        chunk=chunk,
        score=max(known) if known else float("-inf"),
        dense_rank=dense_rank,
        bm25_rank=bm25_rank,
        fused_score=fused_score,
        dense_score=dense_score,
        sentence_scores=tuple(scores),
        sentence_leans=tuple(leans),
    )


def citation_of(chunk: Chunk, index: int, *, marker: int = 1, score: float = 1.0) -> Citation:
    """The citation of sentence ``index`` of ``chunk``, quote taken at its offsets."""
    span = chunk.sentences[index]
    return Citation(
        marker=marker,
        source=chunk.source,
        paragraph=chunk.paragraph,
        start=span.start,
        end=span.end,
        quote=chunk.sentence_texts()[index],
        score=score,
        passage_start=chunk.start,
        passage_end=chunk.end,
        passage_text=chunk.text,
    )


def request(
    passages: Sequence[Passage],
    question: str = "q",
    *,
    query: str | None = None,
    history: Sequence[Turn] = (),
) -> ReadRequest:
    """A reader's request for ``question`` (its own standalone query unless given)."""
    return ReadRequest(
        question, question if query is None else query, tuple(history), tuple(passages)
    )


if TYPE_CHECKING:  # mypy checks that the fakes and the real components are interchangeable
    from assistant.index.embeddings import SentenceTransformerEmbedder
    from assistant.index.store import ChunkStore
    from assistant.language.entities import SpacyRecognizer
    from assistant.protocols import (
        DocumentChunks,
        Embedder,
        EntityRecognizer,
        QueryEmbedder,
        Reranker,
        Search,
        Store,
    )
    from assistant.retrieve.rerank import OnnxCrossEncoder

    def _interchangeable(
        fake: InMemoryStore, real: ChunkStore
    ) -> tuple[Search, Search, DocumentChunks, Store]:
        return fake, real, real, real

    def _models(
        keywords: KeywordEmbedder,
        minilm: SentenceTransformerEmbedder,
        overlap: WordOverlapReranker,
        onnx: OnnxCrossEncoder,
        gazetteer: GazetteerRecognizer,
        spacy: SpacyRecognizer,
    ) -> tuple[QueryEmbedder, Embedder, Reranker, Reranker, EntityRecognizer, EntityRecognizer]:
        return keywords, minilm, overlap, onnx, gazetteer, spacy
