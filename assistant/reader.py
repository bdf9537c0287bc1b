"""Extractive reader: the best-scoring sentences of the retrieved passages, each cited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant.chunking import fold, is_heading
from assistant.citations import with_marker
from assistant.coref import leans_on_previous
from assistant.similarity import quantity_terms, repeats
from assistant.types import Citation, Passage, Span

ABSTAIN_TEXT = "The documents do not say."


@dataclass(frozen=True, slots=True)
class Draft:
    """A reader's output before verification."""

    text: str
    citations: tuple[Citation, ...]
    abstained: bool
    best_score: float


class Reader(Protocol):
    def read(self, query: str, passages: Sequence[Passage]) -> Draft: ...


@dataclass(frozen=True, slots=True)
class _Candidate:
    score: float
    passage: Passage
    index: int

    @property
    def span(self) -> Span:
        return self.passage.chunk.sentences[self.index]

    @property
    def text(self) -> str:
        return self.passage.chunk.sentence_texts()[self.index]


class ExtractiveReader:
    """Answers with 1–``max_sentences`` sentences quoted from the passages: the best-scoring
    sentence, and others within ``delta`` of it that are not restatements of a chosen one. A
    sentence that scored only with the sentence before it in front ("It was designed by
    Isobel Marr.") brings that sentence along, just before it, so the answer reads on its
    own. Whether to answer at all is the abstention gate's decision, not the reader's."""

    def __init__(self, *, delta: float, max_sentences: int) -> None:
        if max_sentences <= 0:
            raise ValueError(
                f"max_sentences must be greater than 0. Currently, it is {max_sentences}"
            )
        if delta < 0:
            raise ValueError(f"delta must be at least 0. Currently, delta is {delta}")
        self.delta = delta
        self.max_sentences = max_sentences

    def read(self, query: str, passages: Sequence[Passage]) -> Draft:
        candidates = _candidates(passages)
        if not candidates:
            return Draft(ABSTAIN_TEXT, (), abstained=True, best_score=float("-inf"))
        best = candidates[0].score
        chosen: list[_Candidate] = []
        for candidate in candidates:
            if len(chosen) == self.max_sentences:
                break
            if candidate.score < best - self.delta:
                break
            if _redundant(candidate, chosen):
                continue
            lead = _lead_in(candidate)
            if lead is not None and not any(_same(lead, c) for c in chosen):
                if len(chosen) + 2 <= self.max_sentences:
                    chosen.append(lead)
                elif chosen:  # no room for the pair: a later, self-contained one may fit
                    continue
            chosen.append(candidate)
        pieces = []
        citations = []
        for marker, candidate in enumerate(chosen, start=1):
            chunk = candidate.passage.chunk
            pieces.append(with_marker(fold(candidate.text), marker))
            citations.append(
                Citation(
                    marker=marker,
                    source=chunk.source,
                    paragraph=chunk.paragraph,
                    start=candidate.span.start,
                    end=candidate.span.end,
                    quote=candidate.text,
                    score=candidate.score,
                    passage_start=chunk.start,
                    passage_end=chunk.end,
                    passage_text=chunk.text,
                )
            )
        return Draft(" ".join(pieces), tuple(citations), abstained=False, best_score=best)


def _candidates(passages: Sequence[Passage]) -> list[_Candidate]:
    """Every scored sentence once (first passage that holds it), best first; headings are
    context, never an answer."""
    found: dict[tuple[str, Span], _Candidate] = {}
    for passage in passages:
        texts = passage.chunk.sentence_texts()
        for index, score in enumerate(passage.sentence_scores):
            if score is None or is_heading([texts[index]]):
                continue
            key = (passage.chunk.source, passage.chunk.sentences[index])
            if key not in found:
                found[key] = _Candidate(score, passage, index)
    return sorted(found.values(), key=lambda c: -c.score)


def _same(a: _Candidate, b: _Candidate) -> bool:
    return a.passage.chunk.source == b.passage.chunk.source and a.span == b.span


def _lead_in(candidate: _Candidate) -> _Candidate | None:
    """The sentence before ``candidate`` when its score came with that sentence in front
    (not a heading: a title adds no words an answer needs)."""
    passage, index = candidate.passage, candidate.index
    leans = passage.sentence_leans
    if index == 0 or index >= len(leans) or not leans[index]:
        return None
    if is_heading([passage.chunk.sentence_texts()[index - 1]]):
        return None
    own = passage.sentence_scores[index - 1]
    return _Candidate(candidate.score if own is None else own, passage, index - 1)


def _redundant(candidate: _Candidate, chosen: list[_Candidate]) -> bool:
    """A near-repeat of a chosen sentence, or one scored with a chosen sentence as context."""
    if repeats(candidate.text, [c.text for c in chosen], 0.6, facts=quantity_terms):
        return True
    chunk, index = candidate.passage.chunk, candidate.index
    if not leans_on_previous(chunk, index):
        return False
    previous = chunk.sentences[index - 1]
    return any(c.passage.chunk.source == chunk.source and c.span == previous for c in chosen)
