"""Frozen value types that cross module boundaries."""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from assistant.answer.abstention import Signals

Role = Literal["user", "assistant"]


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` in a document's original text."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading of a document: its text's span (without ``#`` or other markers) and level
    (1 for a title or ``#``, 2 for ``##``, …)."""

    start: int
    end: int
    level: int
    text: str


@dataclass(frozen=True, slots=True)
class Structure:
    """Where things are in a document's text (every offset indexes ``Document.text``).

    ``pages``: the offset each page starts at (page ``n`` starts at ``pages[n - 1]``; empty for
    a format without pages). ``headings``: in order. ``items``: list items, each the span of
    its text after the marker ("- ", "1. ", "a) ", "• "). ``rows``: table rows, each one
    sentence-like unit that carries its header cells ("Quarter: Q3 · Revenue: £4.1m.").
    """

    pages: tuple[int, ...] = ()
    headings: tuple[Heading, ...] = ()
    items: tuple[Span, ...] = ()
    rows: tuple[Span, ...] = ()

    def page_at(self, offset: int) -> int | None:
        """The page (from 1) holding character ``offset``; None without pages."""
        if not self.pages:
            return None
        return max(1, bisect_right(self.pages, offset))

    def section_at(self, offset: int) -> tuple[str, ...]:
        """The heading path at ``offset``: the texts of the headings it lies under, outermost
        first (a heading lies under itself)."""
        path: list[Heading] = []
        for heading in self.headings:
            if heading.start > offset:
                break
            while path and path[-1].level >= heading.level:
                path.pop()
            path.append(heading)
        return tuple(h.text for h in path)


@dataclass(frozen=True, slots=True)
class Document:
    """A source document: ``text`` is exactly what offsets refer to (for a PDF or Word file,
    the text extracted from it); ``structure`` says where its pages, headings, list items and
    table rows are."""

    source: str
    text: str
    content_hash: str
    structure: Structure = Structure()


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
    # The heading path of the chunk's body (heading texts without markers, outermost first;
    # () when the document has no heading above it), and the page each of ``sentences``
    # starts on (empty for a format without pages).
    section: tuple[str, ...] = ()
    pages: tuple[int, ...] = ()

    def sentence_texts(self) -> tuple[str, ...]:
        return tuple(self.text[s.start - self.start : s.end - self.start] for s in self.sentences)

    def page_at(self, offset: int) -> int | None:
        """The page of the sentence holding ``offset`` (None: no pages)."""
        if not self.pages:
            return None
        page = self.pages[0]
        for sentence, number in zip(self.sentences, self.pages, strict=False):
            if sentence.start > offset:
                break
            page = number
        return page


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
    # Where the quote is in the user's terms: the page it starts on (None: a format without
    # pages) and the heading path it lies under (outermost first; () when none).
    page: int | None = None
    section: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["section"] = list(self.section)
        return data

    def location(self) -> str:
        """ "page 3 · Findings › Power · paragraph 4": where the quote is, for a person."""
        parts = [] if self.page is None else [f"page {self.page}"]
        if self.section:
            parts.append(" › ".join(self.section))
        parts.append(f"paragraph {self.paragraph}")
        return " · ".join(parts)


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
    # How many other spans of the kind asked for the cited sentences hold.
    rivals: int = 0

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
                    "section": list(p.chunk.section),
                    "page": p.chunk.page_at(p.chunk.start),
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
    # The files refused (each ``(source, the one-line reason)``): the others were ingested.
    refused: tuple[tuple[str, str], ...] = ()
    # Of ``seconds``, the time spent reading files into text (parsing PDF and Word files).
    read_seconds: float = 0.0

    def summary(self) -> str:
        refused = f", {len(self.refused)} file(s) refused" if self.refused else ""
        return (
            f"{self.files} file(s): {self.added} chunk(s) added, {self.unchanged} unchanged, "
            f"{self.removed} removed{refused} in {self.seconds:.2f} s"
        )
