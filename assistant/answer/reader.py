"""Readers turn the ranked passages into a draft answer: text with citation markers, the
citations, and optionally a short answer and a score of the reader's own.

``Reader`` (``assistant.protocols``) is the seam: ``read(ReadRequest) -> Draft``.
``ExtractiveReader`` quotes the best-scoring sentences (``assistant.answer.candidates``); other
readers (an LLM's, say) register under a mode name (``assistant.factory``:
``register_reader``, ``Components.register_reader``) and are chosen by ``Assistant(mode=…)``
(``--mode`` of ``assistant ask``, ``eval`` and ``eval suite``), or injected as
``Assistant(reader=…)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from assistant.answer.answer_types import AnswerType, item_type, question_type
from assistant.answer.candidates import (
    Candidate,
    cite,
    in_order,
    lead_in,
    ranked_sentences,
    redundant,
    same,
)
from assistant.answer.citations import with_marker
from assistant.answer.short_answer import (
    WHERE,
    Found,
    gap_span,
    pick_span,
    yes_or_no,
)
from assistant.documents.chunking import fold
from assistant.language.entities import Entity
from assistant.language.labels import ANY_ITEM, ITEM_LABELS, PLACE_LABELS, SHORT_LABELS
from assistant.language.lexicon import DENIED_BEFORE
from assistant.policy import POLICY
from assistant.protocols import EntityRecognizer
from assistant.retrieve.similarity import key_terms, word_set
from assistant.types import Citation, Passage, ShortAnswer, Turn

ABSTAIN_TEXT = "The documents do not say."
# The extractive reader's score: the cross-encoder's logit for its best sentence.
CROSS_ENCODER_LOGIT = "cross-encoder logit"


@dataclass(frozen=True, slots=True)
class ReadRequest:
    """What a reader is given: the question as typed, its standalone form (a follow-up with
    its context), the conversation so far and the ranked passages, best first."""

    question: str
    query: str
    history: tuple[Turn, ...]
    passages: tuple[Passage, ...]
    # Called with each piece of text as a streaming reader writes it (unverified text).
    on_text: Callable[[str], None] | None = None


@dataclass(frozen=True, slots=True)
class Draft:
    """A reader's output before verification: ``text`` with ``[n]`` markers and the
    citations they point at; optionally a short answer inside one citation, and a score of
    the reader's own with what kind of number it is (``score_kind``; nothing downstream
    assumes one — the gate decides from its own signals)."""

    text: str
    citations: tuple[Citation, ...]
    abstained: bool
    short: ShortAnswer | None = None
    score: float | None = None
    score_kind: str | None = None
    # A refusal that says what the documents do report ("The documents do not say why;
    # they report:"), shown before the cited ``text`` when the gate finds it on the question.
    lead: str = ""


ABSTAINING = Draft(ABSTAIN_TEXT, (), abstained=True)


class _NoEntities:
    def entities(self, text: str) -> tuple[Entity, ...]:
        return ()


# A name right after a negation is denied ("not Kim Jong Un").
_DENIED = re.compile(DENIED_BEFORE, re.IGNORECASE)


class ExtractiveReader:
    """Answers with 1–``max_sentences`` sentences quoted from the passages: the best-scoring
    sentence, and others within ``delta`` of it that are not restatements of a chosen one. A
    sentence that scored only with the sentence before it in front ("It was designed by
    Isobel Marr.") brings that sentence along, just before it, so the answer reads on its
    own. Whether to answer at all is the abstention gate's decision, not the reader's.

    Shaped to the question (``question_type``):
    - a question that may have several answers (``gather``: "Who attended …?", "Which
      places …?") gathers, up to ``list_sentences`` and ``list_chars``, every further
      sentence within ``list_margin`` of the best that names an item of the kind asked for
      that no chosen sentence names yet; a list reads in document order, with no short
      answer;
    - otherwise a question with a short answer (a person, place, date, number,
      organisation, or yes/no) gets one, read off the cited sentences
      (``assistant.answer.short_answer``); when none of them holds an answer of the kind asked
      for, the best further sentence within ``list_margin`` that does is cited after them
      (``reach``) and the short answer read from it."""

    def __init__(
        self,
        *,
        delta: float,
        max_sentences: int,
        recognizer: EntityRecognizer | None = None,
        list_margin: float = POLICY.list_margin,
        reach_margin: float = POLICY.reach_margin,
        list_sentences: int = POLICY.list_sentences,
        list_chars: int = POLICY.list_chars,
        gather: frozenset[AnswerType] | None = None,
        reach: bool = True,
    ) -> None:
        if max_sentences <= 0:
            raise ValueError(
                f"max_sentences must be greater than 0. Currently, it is {max_sentences}"
            )
        if delta < 0:
            raise ValueError(f"delta must be at least 0. Currently, delta is {delta}")
        self.delta = delta
        self.max_sentences = max_sentences
        self.recognizer: EntityRecognizer = recognizer or _NoEntities()
        self.list_margin = list_margin
        self.reach_margin = reach_margin
        self.list_sentences = list_sentences
        self.list_chars = list_chars
        self.gather = GATHERING if gather is None else gather
        self.reach = reach

    def read(self, request: ReadRequest) -> Draft:
        candidates = ranked_sentences(request.passages)
        if not candidates:
            return ABSTAINING
        top = candidates[0]
        best = top.score
        kind = question_type(request.question)
        chosen = self._choose(candidates, best)
        listed = False
        if kind in self.gather:
            gathered = self._gather(chosen, candidates, best, request)
            listed = len(gathered) > len(chosen)
            chosen = gathered
        citations = cite(chosen)
        short = None if listed else self._short(kind, request, citations)
        if short is None and kind is AnswerType.YES_NO and self.reach:
            # No sentence chosen decides it: one close behind that does is the answer — or,
            # when the best is about something else (its passage lacks a name the question
            # gives: a parade in Beijing for one in Moscow), one further behind.
            margin = self.reach_margin if _about(request.question, top) else self.list_margin
            for candidate in candidates:
                if candidate.score < best - margin:
                    break
                if any(same(candidate, c) for c in chosen):
                    continue
                reached = self._short(kind, request, cite([candidate]))
                if reached is not None and _names_in_clause(request.question, reached, candidate):
                    short, chosen = reached, [candidate]
                    citations = cite(chosen)
                    break
        if short is None and not listed and self.reach and item_type(request.question):
            further = self._reach(chosen, candidates, best, kind, request)
            if further is not None:
                chosen = [*chosen, further]
                citations = cite(chosen)
                short = self._short(kind, request, citations[-1:])
        if short is not None and short.basis == "verdict":
            # A yes or no is read off one sentence: that sentence is the answer.
            deciding = next(c for c in chosen if cite([c])[0].start <= short.start < c.span.end)
            citations = cite([deciding])
            short = replace(short, marker=1)
        pieces = [with_marker(fold(c.quote), c.marker) for c in citations]
        return Draft(
            " ".join(pieces),
            citations,
            abstained=False,
            short=short,
            score=best,
            score_kind=CROSS_ENCODER_LOGIT,
        )

    def _reach(
        self,
        chosen: list[Candidate],
        candidates: list[Candidate],
        best: float,
        kind: AnswerType,
        request: ReadRequest,
    ) -> Candidate | None:
        """When no chosen sentence holds an answer of the kind asked for, the best further
        sentence within ``reach_margin`` of the best that does and reads on its own."""
        for candidate in candidates:
            if candidate.score < best - self.reach_margin:
                break
            if any(same(candidate, c) for c in chosen) or lead_in(candidate) is not None:
                continue
            if self._short(kind, request, cite([candidate])) is not None:
                return candidate
        return None

    def _choose(self, candidates: list[Candidate], best: float) -> list[Candidate]:
        chosen: list[Candidate] = []
        for candidate in candidates:
            if len(chosen) == self.max_sentences:
                break
            if candidate.score < best - self.delta:
                break
            if redundant(candidate, chosen):
                continue
            lead = lead_in(candidate)
            if lead is not None and not any(same(lead, c) for c in chosen):
                if len(chosen) + 2 <= self.max_sentences:
                    chosen.append(lead)
                elif chosen:  # no room for the pair: a later, self-contained one may fit
                    continue
            chosen.append(candidate)
        return chosen

    def _items(self, text: str, labels: frozenset[str], said: str) -> set[str]:
        """The items ``text`` names: entities of ``labels`` that the question does not
        already say and no negation denies ("not Kim Jong Un"), and for a list of who did
        something, no place named as where ("in Moscow")."""
        found = set()
        for entity in self.recognizer.entities(text):
            if entity.label not in labels or word_set(entity.text) <= word_set(said):
                continue
            at = text.find(entity.text)
            before = text[max(0, at - 40) : max(at, 0)]
            if _DENIED.search(before):
                continue
            where = labels != ITEM_LABELS[AnswerType.PLACE] and WHERE.search(before)
            if entity.label in PLACE_LABELS and where:
                continue
            found.add(entity.text.lower())
        return found

    def _gather(
        self,
        chosen: list[Candidate],
        candidates: list[Candidate],
        best: float,
        request: ReadRequest,
    ) -> list[Candidate]:
        """``chosen`` and the run of sentences that follows the best one in its passage (a
        list goes on where the answer starts) while each scores within ``list_margin`` of
        the best and names a new item of the kind asked for (within the budget), in
        document order; ``chosen`` alone when it already names several items."""
        item = item_type(request.question)
        labels = ITEM_LABELS.get(item, ANY_ITEM) if item is not None else ANY_ITEM
        said = f"{request.question} {request.query}"
        top = candidates[0]
        home = top.passage.chunk
        named: set[str] = set()
        for candidate in chosen:
            named |= self._items(candidate.text, labels, said)
        if len(named) >= POLICY.list_named:
            return chosen  # the answer already names several: it is the list
        gathered = list(chosen)
        length = sum(len(c.text) for c in gathered)
        following = sorted(
            (
                c
                for c in candidates
                if c.passage.chunk.source == home.source and top.span.end <= c.span.start < home.end
            ),
            key=lambda c: c.span.start,
        )
        for candidate in following:
            if any(same(candidate, c) for c in gathered):
                continue
            if len(gathered) >= self.list_sentences or (
                length + len(candidate.text) > self.list_chars
            ):
                break
            if candidate.score < best - self.list_margin or redundant(candidate, gathered):
                break
            new = self._items(candidate.text, labels, said) - named
            if not new or lead_in(candidate) is not None:
                break  # the list ends where a sentence adds nothing (or leans on another)
            gathered.append(candidate)
            named |= new
            length += len(candidate.text)
        if len(gathered) == len(chosen):
            return chosen
        return in_order(gathered)

    def _short(
        self, kind: AnswerType, request: ReadRequest, citations: Sequence[Citation]
    ) -> ShortAnswer | None:
        """The short answer, from the cited sentences best first; None when none fits."""
        ranked = sorted(citations, key=lambda c: -c.score)
        if kind is AnswerType.YES_NO:
            contexts = [f"{c.passage_text} {c.source}" for c in ranked]
            verdict = yes_or_no(request.question, [c.quote for c in ranked], contexts)
            if verdict is None:
                return None
            word, index, found = verdict
            return _short_of(ranked[index], found, word, kind)
        item = item_type(request.question) if kind is AnswerType.LIST else kind
        picked = None
        if item in SHORT_LABELS:
            questions = (request.question, request.query)
            picked = pick_span(questions, [c.quote for c in ranked], item, self.recognizer)
        phrased = kind in PHRASED or item in PHRASED or (kind is AnswerType.LIST and not item)
        if picked is None and phrased:
            phrase = gap_span(request.question, ranked[0].quote) if ranked else None
            picked = None if phrase is None else (0, phrase)
        if picked is None:
            return None
        index, span = picked
        return _short_of(ranked[index], span, fold(span.text), kind)


# The kinds of question whose answer may be several items, gathered across sentences.
GATHERING = frozenset({AnswerType.LIST})
# The kinds of question whose short answer is a phrase of the best sentence (``gap_span``).
# (A named thing of no known kind falls back to one when no name fits.)
PHRASED = frozenset({AnswerType.OTHER, AnswerType.REASON, AnswerType.NAME})


def _short_of(citation: Citation, found: Found, text: str, kind: AnswerType) -> ShortAnswer:
    return ShortAnswer(
        text=text,
        marker=citation.marker,
        start=citation.start + found.start,
        end=citation.start + found.end,
        kind=kind.value,
        basis=found.basis,
        rivals=found.rivals,
    )


def _names_in_clause(question: str, short: ShortAnswer, candidate: Candidate) -> bool:
    """Does the clause that decided a verdict ("not Kim Jong Un") name a name the question
    does? A verdict read off a sentence further behind must be about what is asked."""
    offset = short.start - candidate.span.start
    clause = candidate.text[offset : offset + short.end - short.start]
    names = {t for t in key_terms(question) if not any(ch.isdigit() for ch in t)}
    return bool(names & word_set(clause))


def _about(question: str, candidate: Candidate) -> bool:
    """Does the candidate's passage (or its document's name) name every name the question
    does?"""
    chunk = candidate.passage.chunk
    names = {t for t in key_terms(question) if not any(ch.isdigit() for ch in t)}
    return names <= word_set(f"{chunk.text} {chunk.source}")
