"""Fast unit tests of the answer chain (assistant/chain.py) and the chat's plain text
(ui/render.py), over the fakes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import pytest

from assistant.answer.abstention import LogisticGate
from assistant.answer.reader import ABSTAIN_TEXT, Draft, ExtractiveReader, ReadRequest
from assistant.chain import build_chain
from assistant.protocols import Reader
from assistant.retrieve.hybrid import FusionConfig, HybridRetriever
from assistant.stages import Asked
from assistant.types import Answer, Turn
from tests.fakes import (
    NO_ENTITIES,
    InMemoryStore,
    KeywordEmbedder,
    WordOverlapReranker,
    citation_of,
    make_chunk,
)
from ui.render import answer_markdown, plain_text

pytestmark = pytest.mark.unit

PARADE = make_chunk(
    "The parade was held in Red Square. Xi Jinping attended the parade.", source="brief.txt"
)
CONFIG = FusionConfig(
    dense_k=10,
    bm25_k=10,
    rrf_k=60,
    dense_weight=1.0,
    bm25_weight=1.0,
    rerank_candidates=5,
    top_k=5,
    duplicate_threshold=0.6,
)
# confidence = the best sentence's score − 1
GATE = LogisticGate((1.0, 0.0, 0.0, 0.0, 0.0, 0.0), -1.0, threshold=1.0)


def make_retriever(chunks: list[Any]) -> HybridRetriever:
    embedder = KeywordEmbedder(("parade",))
    return HybridRetriever(
        store=InMemoryStore(chunks, embedder),
        embedder=embedder,
        reranker=WordOverlapReranker(),
        recognizer=NO_ENTITIES,
        config=CONFIG,
    )


def ask(
    question: str,
    history: Sequence[Turn] = (),
    *,
    reader: Reader | None = None,
    gate: LogisticGate = GATE,
    chunks: list[Any] | None = None,
) -> Answer:
    retriever = make_retriever([PARADE] if chunks is None else chunks)
    chain = build_chain(
        retriever, reader or ExtractiveReader(delta=0.0, max_sentences=3), gate, NO_ENTITIES
    )
    answer = chain.invoke(Asked(question, tuple(history)))
    assert isinstance(answer, Answer)
    return answer


@dataclass
class EmbellishingReader:
    """A ``Reader`` that answers like ``inner`` and adds a claim of its own under marker 1."""

    inner: Reader
    claim: str = "The parade was cancelled because of snow"

    def read(self, request: ReadRequest) -> Draft:
        draft = self.inner.read(request)
        return replace(draft, text=f"{draft.text} {self.claim} [1].")


@dataclass
class ParaphrasingReader:
    """A ``Reader`` that cites the best sentence but states it in words of its own."""

    inner: Reader

    def read(self, request: ReadRequest) -> Draft:
        draft = self.inner.read(request)
        return replace(draft, text="Leaders flocked to Moscow for a spectacle [1].")


@dataclass
class CautiousReader:
    """A ``Reader`` that quotes faithfully but itself declares it should not answer."""

    inner: Reader

    def read(self, request: ReadRequest) -> Draft:
        return replace(self.inner.read(request), abstained=True)


def test_a_confident_answer_is_quoted_and_cited() -> None:
    answer = ask("Who attended the parade?")
    assert answer.text == "Xi Jinping attended the parade [1]."
    assert answer.citations == (citation_of(PARADE, 1, score=3.0),)
    assert (answer.abstained, answer.reader_score, answer.confidence) == (False, 3.0, 2.0)
    assert answer.reader_score_kind == "cross-encoder logit"
    assert answer.query == answer.question == "Who attended the parade?"
    assert answer.signals is not None
    assert answer.signals.best == 3.0
    assert [p.chunk for p in answer.passages] == [PARADE]
    assert set(answer.timings) == {
        "condense", "intent", "retrieve", "read", "cite", "gate", "total"
    }


def test_under_the_gates_threshold_the_answer_is_refused_without_citations() -> None:
    answer = ask("Who attended the parade?", gate=GATE.with_threshold(2.5))
    assert answer.text == ABSTAIN_TEXT
    assert answer.citations == ()
    assert answer.abstained
    assert answer.confidence == 2.0  # still reported
    assert answer.signals is not None
    assert [p.chunk for p in answer.passages] == [PARADE]  # the closest passages stay
    at = ask("Who attended the parade?", gate=GATE.with_threshold(2.0))
    assert not at.abstained  # a confidence equal to the threshold answers


def test_every_sentence_is_verified_against_its_citation() -> None:
    reader = EmbellishingReader(ExtractiveReader(delta=0.0, max_sentences=1))
    answer = ask("Who attended the parade?", reader=reader)
    assert answer.text == "Xi Jinping attended the parade [1]."
    assert not answer.abstained


def test_a_draft_without_a_verified_sentence_abstains() -> None:
    reader = ParaphrasingReader(ExtractiveReader(delta=0.0, max_sentences=1))
    answer = ask("Who attended the parade?", reader=reader, gate=GATE.with_threshold(-100.0))
    assert answer.text == ABSTAIN_TEXT
    assert answer.citations == ()
    assert answer.abstained
    assert answer.signals is None
    assert answer.confidence == float("-inf")


def test_the_readers_own_abstention_is_respected() -> None:
    reader = CautiousReader(ExtractiveReader(delta=0.0, max_sentences=1))
    answer = ask("Who attended the parade?", reader=reader, gate=GATE.with_threshold(-100.0))
    assert (answer.text, answer.citations, answer.abstained) == (ABSTAIN_TEXT, (), True)


def test_nothing_retrieved_abstains() -> None:
    answer = ask("Who attended the parade?", chunks=[], gate=GATE.with_threshold(-100.0))
    assert (answer.text, answer.citations, answer.abstained) == (ABSTAIN_TEXT, (), True)
    assert answer.passages == ()
    assert answer.reader_score is None


def test_a_follow_up_is_condensed_and_scored_with_the_question_as_typed() -> None:
    history = [Turn("user", "Who attended the parade?"), Turn("assistant", "Xi Jinping [1].")]
    answer = ask("Where was it held?", history, gate=GATE.with_threshold(-100.0))
    assert answer.query == "Where was it held? (Who attended the parade?)"
    assert answer.question == "Where was it held?"
    # Query: the, parade, was, held = 4 and attended, the, parade = 3; the question as typed:
    # was, held = 2 and 0. Averaged: the sentence about the place wins.
    assert answer.text == "The parade was held in Red Square [1]."
    assert answer.passages[0].sentence_scores == (3.0, 1.5)


# --- ui.render -----------------------------------------------------------------------------


def test_plain_text_undoes_the_markdown_links_and_the_escaping() -> None:
    assert plain_text("Xi went [[1]](#src-1) &amp; left &lt;early&gt; [[2]](#src-2).") == (
        "Xi went [1] & left <early> [2]."
    )
    assert plain_text("Nothing to undo [3].") == "Nothing to undo [3]."


def test_answer_markdown_links_markers_and_plain_text_round_trips() -> None:
    text = "A < B & “C” [1]. D > E [2]."
    answer = Answer(
        question="q", query="q", text=text, citations=(), passages=(), abstained=False,
    )  # fmt: skip
    markdown = answer_markdown(answer)
    assert markdown == "A &lt; B &amp; “C” [[1]](#src-1). D &gt; E [[2]](#src-2)."
    assert plain_text(markdown) == text
    refused = replace(answer, text="The documents do not say.", abstained=True)
    assert answer_markdown(refused) == "The documents do not say."


def test_a_misspelt_question_is_answered_as_mended() -> None:
    from assistant.converse.spelling import Mender
    from tests.test_unit_spelling import ENGLISH, Documents

    retriever = make_retriever([PARADE])
    mender = Mender(Documents(PARADE.text), ENGLISH)
    chain = build_chain(
        retriever, ExtractiveReader(delta=0.0, max_sentences=3), GATE, NO_ENTITIES,
        mender=mender,
    )  # fmt: skip
    mended = chain.invoke(Asked("Who atended the parade?"))
    assert isinstance(mended, Answer)
    # Every stage read the question as mended: the words match, the reader quotes.
    assert mended.question == mended.query == "Who attended the parade?"
    assert mended.text == "Xi Jinping attended the parade [1]."
