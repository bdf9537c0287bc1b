"""Check a free-written draft sentence by sentence against the passages it was written from.

A writer (an LLM, ``assistant.chat_reader``) numbers its claims with ``[n]``, ``n`` a
passage of its request. Each sentence is kept only when a stretch of one or two sentences of
a passage supports it (``supports``): it is cited to that stretch — in the passage its marker
names when that passage supports it, else (a wrong marker, or none) in the best passage that
does: re-attached — and dropped otherwise, with the reason recorded. Kept sentences are
renumbered 1..n.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.abstention import coverage
from assistant.chunking import fold
from assistant.citations import split_cited, with_marker
from assistant.lexical import tokenize
from assistant.similarity import key_terms, quantity_terms, word_set
from assistant.types import Citation, DroppedSentence, Passage, ShortAnswer

# Share of a claim's content words (stemmed, stop words out) its evidence must hold.
MIN_COVERAGE = 0.8
# A claim is read against one sentence of a passage, or two in a row at most.
MAX_WINDOW = 2
MAX_CLAIM_CHARS = 1000
_NEGATION = re.compile(r"\b(?:not|no|never|none|nor|neither|without)\b|n't\b", re.IGNORECASE)
# "[1, 2]", "[1][2]", "[1] [2]" → the first number: the check finds the best passage anyway.
_MARKER_LIST = re.compile(r"\[(\d+)(?:\s*[,;]\s*\d+)+\]")
_MARKER_RUN = re.compile(r"(\[\d+\])(?:\s*\[\d+\])+")


@dataclass(frozen=True, slots=True)
class Grounded:
    """The kept sentences with their markers (1..n), their citations, and what was dropped."""

    text: str
    citations: tuple[Citation, ...]
    dropped: tuple[DroppedSentence, ...]
    reattached: int


def negated(text: str) -> bool:
    return _NEGATION.search(text) is not None


def supports(evidence: str, claim: str) -> bool:
    """Does ``evidence`` (one or two sentences of a passage) say what ``claim`` says?

    Every number and every name of the claim is in the evidence, at least ``MIN_COVERAGE``
    of its content words are, and both are negated or neither is ("not Kim Jong Un" never
    supports "Kim Jong Un attended")."""
    if not tokenize(claim):
        return False
    if not quantity_terms(claim) <= quantity_terms(evidence):
        return False
    if not key_terms(claim) <= word_set(evidence):
        return False
    if negated(claim) != negated(evidence):
        return False
    return coverage(claim, evidence) >= MIN_COVERAGE


@dataclass(frozen=True, slots=True)
class _Evidence:
    passage: Passage
    first: int  # index of the first sentence of the window
    last: int  # index of the last one (inclusive)
    score: float

    def citation(self, marker: int) -> Citation:
        chunk = self.passage.chunk
        start, end = chunk.sentences[self.first].start, chunk.sentences[self.last].end
        return Citation(
            marker=marker,
            source=chunk.source,
            paragraph=chunk.paragraph,
            start=start,
            end=end,
            quote=chunk.text[start - chunk.start : end - chunk.start],
            score=self.score,
            passage_start=chunk.start,
            passage_end=chunk.end,
            passage_text=chunk.text,
        )


def _evidence(claim: str, passage: Passage) -> _Evidence | None:
    """The shortest stretch of ``passage`` that supports ``claim``, the best covered first."""
    texts = passage.chunk.sentence_texts()
    for width in range(1, MAX_WINDOW + 1):
        found: list[_Evidence] = []
        for first in range(len(texts) - width + 1):
            evidence = " ".join(texts[first : first + width])
            if supports(evidence, claim):
                found.append(
                    _Evidence(passage, first, first + width - 1, coverage(claim, evidence))
                )
        if found:
            return max(found, key=lambda e: e.score)
    return None


def ground(text: str, passages: Sequence[Passage]) -> Grounded:
    """Keep each sentence of ``text`` that a passage supports (``[n]`` names ``passages[n-1]``),
    cited to its evidence and renumbered; record the others in ``dropped``."""
    text = _MARKER_RUN.sub(r"\1", _MARKER_LIST.sub(r"[\1]", fold(text)))
    kept_text: list[str] = []
    citations: list[Citation] = []
    dropped: list[DroppedSentence] = []
    reattached = 0
    for piece in split_cited(text):
        claim = piece.text
        if len(claim) > MAX_CLAIM_CHARS:
            dropped.append(DroppedSentence(claim[:MAX_CLAIM_CHARS], piece.marker, "too long"))
            continue
        marker = piece.marker
        named = passages[marker - 1] if marker is not None and 0 < marker <= len(passages) else None
        evidence = _evidence(claim, named) if named is not None else None
        if evidence is None:  # the passage it names does not say it: does another?
            others = (_evidence(claim, p) for p in passages if p is not named)
            candidates = [e for e in others if e is not None]
            evidence = max(candidates, key=lambda e: e.score) if candidates else None
            if evidence is not None:
                reattached += 1
        if evidence is None:
            dropped.append(DroppedSentence(claim, marker, _why(marker, named)))
            continue
        cited = _same_as(evidence, citations)
        if cited is None:
            cited = evidence.citation(len(citations) + 1)
            citations.append(cited)
        kept_text.append(with_marker(claim, cited.marker))
    return Grounded(" ".join(kept_text), tuple(citations), tuple(dropped), reattached)


def _why(marker: int | None, named: Passage | None) -> str:
    if marker is None:
        return "it cites no passage, and no passage supports it"
    if named is None:
        return f"its marker [{marker}] names no passage, and no passage supports it"
    return "no passage supports it"


def _same_as(evidence: _Evidence, citations: list[Citation]) -> Citation | None:
    """The citation already made for this stretch of text, if any (one marker per stretch)."""
    chunk = evidence.passage.chunk
    start, end = chunk.sentences[evidence.first].start, chunk.sentences[evidence.last].end
    return next(
        (c for c in citations if (c.source, c.start, c.end) == (chunk.source, start, end)), None
    )


def carry_short(
    short: ShortAnswer | None, drafted: Sequence[Citation], kept: Sequence[Citation]
) -> ShortAnswer | None:
    """The extractive short answer (its marker names one of ``drafted``), re-marked to the
    kept citation of the same document whose quote holds its span; None when no kept
    citation does: a short answer stands inside its evidence."""
    if short is None:
        return None
    source = next((c.source for c in drafted if c.marker == short.marker), None)
    for citation in kept:
        if citation.source == source and citation.start <= short.start < short.end <= citation.end:
            return ShortAnswer(short.text, citation.marker, short.start, short.end, short.kind)
    return None
