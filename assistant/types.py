"""Frozen value types that cross module boundaries."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from assistant.abstention import Signals

Role = Literal["user", "assistant"]


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` in a document's original text."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Document:
    """A source document: ``text`` is exactly what offsets refer to."""

    source: str
    text: str
    content_hash: str


@dataclass(frozen=True, slots=True)
class Chunk:
    """A window of whole sentences inside one paragraph of a document."""

    id: str
    source: str
    paragraph: int
    start: int
    end: int
    text: str
    sentences: tuple[Span, ...]
    document_hash: str = ""

    def sentence_texts(self) -> tuple[str, ...]:
        return tuple(self.text[s.start - self.start : s.end - self.start] for s in self.sentences)


@dataclass(frozen=True, slots=True)
class Passage:
    """A retrieved chunk with the scores that ranked it."""

    chunk: Chunk
    score: float
    dense_rank: int | None = None
    bm25_rank: int | None = None
    fused_score: float = 0.0
    # Cosine similarity to the query, when the chunk came back from dense search.
    dense_score: float | None = None
    # Cross-encoder score of each of ``chunk.sentences`` (None: not scored, e.g. a duplicate).
    sentence_scores: tuple[float | None, ...] = ()
    # Whether each sentence's score came with the sentence before it in front ("It was
    # designed by Isobel Marr." scored as part of "Corran Point Lighthouse … It was …").
    sentence_leans: tuple[bool, ...] = ()


@dataclass(frozen=True, slots=True)
class Citation:
    """Where one answer sentence comes from: the quoted span inside its passage."""

    marker: int
    source: str
    paragraph: int
    start: int
    end: int
    quote: str
    score: float
    passage_start: int
    passage_end: int
    passage_text: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ShortAnswer:
    """The answer a reader gives first ("Moscow", "Thirteen", "No"), read off one cited quote.

    ``start``/``end`` are document offsets, inside the quote of citation ``marker``: the span
    the short answer was taken from (its exact text) or, for "Yes"/"No", the words of the
    quote that decided it ("not Kim Jong Un"). ``kind`` is the kind of answer the question
    asked for (an ``AnswerType`` value: "place", "yes/no", …).
    """

    text: str
    marker: int
    start: int
    end: int
    kind: str
    # What found it: "entity" (a named entity of a fitting kind), "pattern" (a number or date
    # by pattern), "phrase" (the words of the best sentence after the question's),
    # "verdict" (yes/no), "role" (what the documents call a person).
    basis: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class DroppedSentence:
    """A sentence of a written (LLM) draft that failed the check, and why."""

    text: str
    marker: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class Turn:
    """One message of a conversation."""

    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class Answer:
    """What ``Assistant.ask`` returns."""

    question: str
    query: str
    text: str
    citations: tuple[Citation, ...]
    passages: tuple[Passage, ...]
    abstained: bool
    # What the question asked for (an ``Intent`` value: "lookup", "overview", "profile", …),
    # and how ``text`` is laid out: "prose", or "list" (one cited item a line, "- " in front).
    intent: str = "lookup"
    layout: str = "prose"
    # The reader's own score of its answer, when it declares one, and what kind of number it
    # is (the extractive reader's is a cross-encoder logit; another reader may declare a
    # probability, or nothing). Nothing downstream assumes a kind.
    reader_score: float | None = None
    reader_score_kind: str | None = None
    short: ShortAnswer | None = None
    # What the bold model read of the short answer it weighed, shown or not
    # (``assistant.answer.bold.FEATURES``; empty when there was none).
    short_features: tuple[float, ...] = ()
    # The abstention gate's log-odds that the documents answer the question (−inf: nothing
    # to answer with), and the signals it was computed from.
    confidence: float = float("-inf")
    signals: Signals | None = None
    timings: dict[str, float] = field(default_factory=dict)
    # --mode llm: whether the text is the writer's (checked sentence by sentence), whether a
    # writer ran but the text is the extractive answer (nothing of its draft held, or it
    # failed: ``writer_error``), and the sentences of its draft that were dropped.
    written: bool = False
    fell_back: bool = False
    dropped: tuple[DroppedSentence, ...] = ()
    writer_error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "query": self.query,
            "text": self.text,
            "abstained": self.abstained,
            "intent": self.intent,
            "layout": self.layout,
            "short": self.short.to_dict() if self.short else None,
            "reader_score": None if self.reader_score is None else _finite(self.reader_score),
            "reader_score_kind": self.reader_score_kind,
            "confidence": _finite(self.confidence),
            "signals": self.signals.to_dict() if self.signals else None,
            "citations": [c.to_dict() for c in self.citations],
            "passages": [
                {
                    "id": p.chunk.id,
                    "source": p.chunk.source,
                    "paragraph": p.chunk.paragraph,
                    "start": p.chunk.start,
                    "end": p.chunk.end,
                    "text": p.chunk.text,
                    "score": p.score,
                }
                for p in self.passages
            ],
            "timings": dict(self.timings),
            "written": self.written,
            "fell_back": self.fell_back,
            "dropped": [asdict(d) for d in self.dropped],
            "writer_error": self.writer_error,
        }


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


@dataclass(frozen=True, slots=True)
class Named:
    """Something the documents name (a person, a place, an organisation, a date, …): what
    ``Assistant.entities`` lists. ``start``/``end``: its first mention in ``source``, inside
    ``sentence`` (that mention's sentence); ``mentions``: how many times it is named; ``role``:
    for a person, what the documents call them ("Ambassador"), when they say."""

    kind: str
    name: str
    source: str
    start: int
    end: int
    sentence: str
    mentions: int
    role: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class IngestReport:
    """Summary of one ingest run."""

    files: int
    added: int
    unchanged: int
    removed: int
    updated: int
    seconds: float

    def summary(self) -> str:
        return (
            f"{self.files} file(s): {self.added} chunk(s) added, {self.unchanged} unchanged, "
            f"{self.removed} removed in {self.seconds:.2f} s"
        )
