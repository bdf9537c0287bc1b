"""The sentences a reader chooses from (``Candidate``): every scored sentence of the ranked
passages once, best first (``ranked_sentences``); the sentence one leans on (``lead_in``);
repeats of what is chosen (``redundant``); and the citations of the chosen (``cite``). Shared
by the extractive reader (``assistant.answer.reader``) and the reason reader
(``assistant.answer.reason``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.converse.coref import leans_on_previous
from assistant.documents.chunking import heading_flags
from assistant.policy import POLICY
from assistant.retrieve.similarity import quantity_terms, repeats
from assistant.types import Citation, Passage, Span


@dataclass(frozen=True, slots=True)
class Candidate:
    score: float
    passage: Passage
    index: int

    @property
    def span(self) -> Span:
        return self.passage.chunk.sentences[self.index]

    @property
    def text(self) -> str:
        return self.passage.chunk.sentence_texts()[self.index]


def ranked_sentences(passages: Sequence[Passage]) -> list[Candidate]:
    """Every scored sentence once (first passage that holds it), best first; headings are
    context, never an answer."""
    found: dict[tuple[str, Span], Candidate] = {}
    for passage in passages:
        headings = heading_flags(passage.chunk)
        for index, score in enumerate(passage.sentence_scores):
            if score is None or headings[index]:
                continue
            key = (passage.chunk.source, passage.chunk.sentences[index])
            if key not in found:
                found[key] = Candidate(score, passage, index)
    return sorted(found.values(), key=lambda c: -c.score)


def cite(chosen: Sequence[Candidate]) -> tuple[Citation, ...]:
    """The citation of each chosen sentence, numbered from 1 in order."""
    citations = []
    for marker, candidate in enumerate(chosen, start=1):
        chunk = candidate.passage.chunk
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
                page=chunk.page_at(candidate.span.start),
                section=chunk.section,
            )
        )
    return tuple(citations)


def same(a: Candidate, b: Candidate) -> bool:
    return a.passage.chunk.source == b.passage.chunk.source and a.span == b.span


def lead_in(candidate: Candidate) -> Candidate | None:
    """The sentence before ``candidate`` when its score came with that sentence in front
    (not a heading: a title adds no words an answer needs)."""
    passage, index = candidate.passage, candidate.index
    leans = passage.sentence_leans
    if index == 0 or index >= len(leans) or not leans[index]:
        return None
    if heading_flags(passage.chunk)[index - 1]:
        return None
    own = passage.sentence_scores[index - 1]
    return Candidate(candidate.score if own is None else own, passage, index - 1)


def redundant(candidate: Candidate, chosen: list[Candidate]) -> bool:
    """A near-repeat of a chosen sentence, or one scored with a chosen sentence as context."""
    if repeats(
        candidate.text, [c.text for c in chosen], POLICY.repeat_overlap, facts=quantity_terms
    ):
        return True
    chunk, index = candidate.passage.chunk, candidate.index
    if not leans_on_previous(chunk, index):
        return False
    previous = chunk.sentences[index - 1]
    return any(c.passage.chunk.source == chunk.source and c.span == previous for c in chosen)


def in_order(chosen: Sequence[Candidate]) -> list[Candidate]:
    """``chosen`` in document order, documents in the order their first sentence came."""
    sources = list(dict.fromkeys(c.passage.chunk.source for c in chosen))
    return sorted(chosen, key=lambda c: (sources.index(c.passage.chunk.source), c.span.start))
