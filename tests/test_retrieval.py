from __future__ import annotations

import pytest
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from assistant.app import Assistant
from assistant.retrieve.hybrid import reciprocal_rank_fusion
from assistant.retrieve.similarity import fact_terms, repeats
from tests.conftest import PARADE_SENTENCE


@pytest.mark.unit
def test_reciprocal_rank_fusion_sums_weighted_inverse_ranks() -> None:
    fused = reciprocal_rank_fusion([(["a", "b"], 1.0), (["b", "c"], 2.0)], rrf_k=60)
    assert fused == pytest.approx({"a": 1 / 61, "b": 1 / 62 + 2 / 61, "c": 2 / 62})


@pytest.mark.integration
def test_retriever_is_a_langchain_retriever_with_offsets_and_scores(bot: Assistant) -> None:
    retriever = bot.retriever
    assert isinstance(retriever, BaseRetriever)
    documents = retriever.invoke("Who attended the parade?")
    assert documents
    assert all(isinstance(d, Document) for d in documents)
    top = documents[0]
    assert PARADE_SENTENCE in top.page_content
    meta = top.metadata
    assert meta["source"] == "briefing.txt"
    assert meta["paragraph"] == 4
    text = bot.document_text("briefing.txt")
    assert text[meta["start"] : meta["end"]] == top.page_content
    scores = [d.metadata["score"] for d in documents]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.integration
def test_the_refrain_does_not_crowd_the_results(bot: Assistant) -> None:
    passages = bot.retriever.passages("Russia and China denounce sanctions on North Korea")
    scored = [
        sentence
        for p in passages
        for sentence, score in zip(p.chunk.sentence_texts(), p.sentence_scores, strict=True)
        if score is not None
    ]
    refrains = [s for s in scored if s.startswith("Russia and China denounce sanctions")]
    # A variant is scored only when its names or numbers differ from the others' (never hide
    # a fact: "… after a summit in Moscow on Thursday" answers where and when).
    assert refrains
    facts = [fact_terms(r) for r in refrains]
    assert len(set(facts)) == len(facts)
    answer = bot.ask("What do Russia and China denounce?")
    assert len([c for c in answer.citations if "denounce" in c.quote]) == 1


@pytest.mark.unit
def test_refrain_variants_are_repeats_but_distinct_sentences_are_not() -> None:
    a = "Russia and China denounce sanctions on North Korea as they deepen regional cooperation."
    b = "Russia and China denounce sanctions on North Korea despite mounting concern."
    assert repeats(a, [b], 0.6)
    assert not repeats(PARADE_SENTENCE, [a, b], 0.6)
