"""Fast unit tests of hybrid retrieval's rules (assistant/retrieve/hybrid.py) over an in-memory
store,
a keyword embedder, a word-overlap reranker and a gazetteer recognizer."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.documents import Document as LCDocument

from assistant.retrieve.hybrid import (
    FusionConfig,
    HybridRetriever,
    document_to_passage,
    passage_to_document,
    reciprocal_rank_fusion,
)
from assistant.types import Chunk, Passage
from tests.fakes import (
    NO_ENTITIES,
    GazetteerRecognizer,
    InMemoryStore,
    KeywordEmbedder,
    WordOverlapReranker,
    make_chunk,
)

pytestmark = pytest.mark.unit


def config(**overrides: Any) -> FusionConfig:
    values: dict[str, Any] = {
        "dense_k": 10,
        "bm25_k": 10,
        "rrf_k": 60,
        "dense_weight": 1.0,
        "bm25_weight": 1.0,
        "rerank_candidates": 5,
        "top_k": 5,
        "duplicate_threshold": 0.6,
    }
    values.update(overrides)
    return FusionConfig(**values)


def retriever(
    chunks: list[Chunk],
    *,
    vocabulary: tuple[str, ...] = ("the",),
    recognizer: Any = NO_ENTITIES,
    **overrides: Any,
) -> HybridRetriever:
    embedder = KeywordEmbedder(vocabulary)
    return HybridRetriever(
        store=InMemoryStore(chunks, embedder),
        embedder=embedder,
        reranker=WordOverlapReranker(),
        recognizer=recognizer,
        config=config(**overrides),
    )


def scored(r: HybridRetriever) -> list[str]:
    reranker: WordOverlapReranker = r.reranker
    return reranker.scored_texts


# --- reciprocal rank fusion ----------------------------------------------------------------


def test_reciprocal_rank_fusion_sums_weighted_inverse_ranks_from_one() -> None:
    fused = reciprocal_rank_fusion([(["a", "b"], 1.0), (["b", "c"], 2.0)], rrf_k=60)
    assert fused == pytest.approx({"a": 1 / 61, "b": 1 / 62 + 2 / 61, "c": 2 / 62})
    assert reciprocal_rank_fusion([(["a"], 0.5)], rrf_k=0) == {"a": 0.5}
    assert reciprocal_rank_fusion([], rrf_k=60) == {}


# --- fusion and passage fields -------------------------------------------------------------

PARADE = make_chunk("The parade filled Red Square.", source="p.txt", id="a")
BANQUET = make_chunk("Guests sang at the banquet.", source="b.txt", id="b")
RAIN = make_chunk("Rain fell on harbours.", source="r.txt", id="c")


def test_dense_and_bm25_hits_are_fused_and_reranked_with_their_ranks_and_scores() -> None:
    r = retriever([PARADE, BANQUET, RAIN], vocabulary=("parade", "banquet", "rain"), dense_k=1)
    passages = r.passages("Which guests sang at the parade?")
    # Dense (k=1) finds only the parade; BM25 finds the banquet (2 shared words: guests, sang)
    # and the parade (1); the reranker counts every shared word (4 and 2).
    assert passages == [
        Passage(
            chunk=BANQUET,
            score=4.0,
            dense_rank=None,
            bm25_rank=1,
            fused_score=1 / 61,
            dense_score=None,
            sentence_scores=(4.0,),
            sentence_leans=(False,),
        ),
        Passage(
            chunk=PARADE,
            score=2.0,
            dense_rank=1,
            bm25_rank=2,
            fused_score=1 / 61 + 1 / 62,
            dense_score=1.0,
            sentence_scores=(2.0,),
            sentence_leans=(False,),
        ),
    ]
    # Only the chunk dense search did not return is fetched from the store.
    assert r.store.get_calls == [["b"]]


def test_fusion_weights_decide_the_candidate_order() -> None:
    # Dense finds only the rain chunk, BM25 only the banquet; only one candidate is reranked.
    chunks = [PARADE, BANQUET, RAIN]
    question = "Did rain stop the guests at the banquet"
    narrow = {"vocabulary": ("rain",), "dense_k": 1, "bm25_k": 1, "rerank_candidates": 1}
    dense_first = retriever(chunks, top_k=1, bm25_weight=0.5, **narrow)
    assert [p.chunk.id for p in dense_first.passages(question)] == ["c"]
    bm25_first = retriever(chunks, top_k=1, dense_weight=0.5, **narrow)
    assert [p.chunk.id for p in bm25_first.passages(question)] == ["b"]


# --- candidates ----------------------------------------------------------------------------

COUNCIL = make_chunk("The council approved the new harbour budget today.", source="x", id="x")
COUNCIL_AGAIN = make_chunk("The council approved the new harbour budget today!", source="y", id="y")
COUNCIL_2024 = make_chunk(
    "The council approved the new harbour budget in 2024.", source="z", id="z"
)


def test_a_near_duplicate_candidate_is_skipped_but_not_one_with_other_numbers() -> None:
    r = retriever([COUNCIL, COUNCIL_AGAIN, COUNCIL_2024], rerank_candidates=2, top_k=2)
    passages = r.passages("council harbour budget")
    assert [p.chunk.id for p in passages] == ["x", "z"]
    assert scored(r) == [COUNCIL.text, COUNCIL_2024.text]


def test_the_candidate_duplicate_threshold_is_the_configured_one() -> None:
    r = retriever(
        [COUNCIL, COUNCIL_AGAIN, COUNCIL_2024],
        rerank_candidates=2,
        top_k=2,
        duplicate_threshold=1.01,
    )
    # Nothing is a duplicate at 1.01: the second candidate is the identical text, whose
    # sentence repeats the first one's and is not scored, so its passage is dropped.
    assert [p.chunk.id for p in r.passages("council harbour budget")] == ["x"]


FOUR = [
    make_chunk(text, source=f"{name}.txt", id=name)
    for name, text in (
        ("alpha", "Ferries cross to the harbours daily."),
        ("beta", "Cranes unload ships in harbours."),
        ("gamma", "Fishermen mend nets near harbours."),
        ("delta", "Tourists photograph old harbours."),
    )
]


def test_the_reranker_sees_max_of_rerank_candidates_and_top_k_chunks() -> None:
    r = retriever(FOUR, vocabulary=("harbours",), rerank_candidates=2, top_k=1)
    assert len(r.passages("harbours")) == 1
    assert scored(r) == [FOUR[0].text, FOUR[1].text]
    r = retriever(FOUR, vocabulary=("harbours",), rerank_candidates=1, top_k=3)
    assert len(r.passages("harbours")) == 3
    assert scored(r) == [c.text for c in FOUR[:3]]


def test_top_k_is_the_configured_one_unless_given() -> None:
    r = retriever(FOUR, vocabulary=("harbours",), rerank_candidates=4, top_k=2)
    assert [p.chunk.id for p in r.passages("harbours")] == ["alpha", "beta"]
    assert [p.chunk.id for p in r.passages("harbours", top_k=1)] == ["alpha"]
    assert [p.chunk.id for p in r.passages("harbours", top_k=4)] == [
        "alpha",
        "beta",
        "gamma",
        "delta",
    ]


def test_a_top_k_given_to_the_constructor_replaces_the_configured_one_and_a_call_wins() -> None:
    """LangChain's retrievers take the number of results in their constructor too."""
    built = retriever(FOUR, vocabulary=("harbours",), rerank_candidates=4, top_k=2)
    fields = {name: getattr(built, name) for name in HybridRetriever.model_fields}
    assert fields["top_k"] is None  # the assistant's own retriever: the configured top_k
    three = HybridRetriever(**{**fields, "top_k": 3})
    assert [p.chunk.id for p in three.passages("harbours")] == ["alpha", "beta", "gamma"]
    assert [d.id for d in three.invoke("harbours")] == ["alpha", "beta", "gamma"]
    assert [d.id for d in three.invoke("harbours", top_k=1)] == ["alpha"]
    assert [p.chunk.id for p in three.passages("harbours", top_k=4)] == [c.id for c in FOUR]
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        HybridRetriever(**{**fields, "top_k": 0})


# --- ordering ------------------------------------------------------------------------------


def test_passages_are_ordered_by_their_best_sentence_then_by_fused_score() -> None:
    first = make_chunk("Boats sail. Nothing else.", source="1", id="1")
    second = make_chunk("Boats sail past the harbour lighthouse.", source="2", id="2")
    third = make_chunk("Boats sail to the lighthouse.", source="3", id="3")
    r = retriever([first, second, third], vocabulary=("boats",))
    passages = r.passages("boats harbour lighthouse")
    # second: boats + harbour + lighthouse = 3; third: boats + lighthouse = 2; first: 1.
    assert [(p.chunk.id, p.score) for p in passages] == [("2", 3.0), ("3", 2.0), ("1", 1.0)]
    assert [p.sentence_scores for p in passages] == [(3.0,), (2.0,), (1.0, 0.0)]


def test_equal_best_sentences_keep_the_fused_order() -> None:
    # (Candidates are already in fused order and the sort is stable, so the fused-score tie
    # break is pinned here but cannot be told apart from "keep the candidate order".)
    one = make_chunk("Boats sail to the harbour.", source="1", id="1")
    two = make_chunk("Daily, boats sail past a harbour.", source="2", id="2")
    r = retriever([one, two], vocabulary=("boats",))
    passages = r.passages("boats harbour sail")
    assert [(p.chunk.id, p.score) for p in passages] == [("1", 3.0), ("2", 3.0)]
    assert passages[0].fused_score > passages[1].fused_score
    passages = r.passages("boats harbour daily sail")
    assert [(p.chunk.id, p.score) for p in passages] == [("2", 4.0), ("1", 3.0)]


# --- sentence scoring ----------------------------------------------------------------------

SHEA = GazetteerRecognizer({"Dorothy Shea": "PERSON", "Isobel Marr": "PERSON"})


def test_he_or_she_is_scored_as_the_person_the_previous_sentence_names() -> None:
    chunk = make_chunk(
        "Dorothy Shea spoke at the council. She  also charged\nMoscow with blocking sanctions."
    )
    r = retriever([chunk], recognizer=SHEA)
    [passage] = r.passages("What did Dorothy Shea charge Moscow with?")
    assert scored(r) == [
        "Dorothy Shea spoke at the council.",
        "Dorothy Shea also charged Moscow with blocking sanctions.",
    ]
    assert passage.sentence_scores == (2.0, 4.0)


def test_the_first_sentence_of_a_chunk_is_never_resolved() -> None:
    chunk = make_chunk("She arrived late. Dorothy Shea spoke.")
    r = retriever([chunk], recognizer=SHEA)
    r.passages("Who spoke?")
    assert scored(r) == ["She arrived late.", "Dorothy Shea spoke."]


ENGINEER = make_chunk(
    "Isobel Marr was the engineer of Corran Point. It was designed in 1890 by her firm. "
    "Gulls nest on Corran Point."
)


def test_a_leaning_sentence_is_also_scored_with_its_predecessor_and_takes_the_better() -> None:
    r = retriever([ENGINEER])
    [passage] = r.passages("Who designed Corran Point?")
    assert scored(r) == [
        "Isobel Marr was the engineer of Corran Point.",
        "It was designed in 1890 by her firm.",
        "Isobel Marr was the engineer of Corran Point. It was designed in 1890 by her firm.",
        "Gulls nest on Corran Point.",
    ]
    # alone: designed = 1; with its predecessor: designed, corran, point = 3.
    assert passage.sentence_scores == (2.0, 3.0, 2.0)
    # Only the sentence whose score came with its predecessor is marked as leaning on it.
    assert passage.sentence_leans == (False, True, False)
    [alone] = r.passages("When was it designed in 1890?")
    assert alone.sentence_leans == (False, False, False)


LIGHTHOUSE = make_chunk("Corran Point lighthouse was designed by Isobel Marr.", id="best")
GULLS = make_chunk("Gulls nest on the cliffs. They fly south in winter.", source="g", id="g")
KEEPER = make_chunk(
    "The lighthouse keeper lived at Corran Point. It was a lonely life.", source="k", id="k"
)
CORRAN = "Who designed Corran Point lighthouse?"  # best sentence: 4 words; keeper's: 3


def calls(r: HybridRetriever) -> list[tuple[str, ...]]:
    reranker: WordOverlapReranker = r.reranker
    return [texts for _, texts in reranker.calls]


def test_with_a_context_margin_sentences_are_scored_first_then_only_promising_pairs() -> None:
    r = retriever([LIGHTHOUSE, GULLS, KEEPER], rerank_context_margin=3)
    passages = r.passages(CORRAN)
    # "They fly south…" and "Gulls nest…" score 0, more than 3 under the best (4): no pair.
    # "It was a lonely life." scores 0 but its predecessor 3, within 3 of the best: paired.
    assert calls(r) == [
        (
            LIGHTHOUSE.text,
            "The lighthouse keeper lived at Corran Point.",
            "It was a lonely life.",
            "Gulls nest on the cliffs.",
            "They fly south in winter.",
        ),
        ("The lighthouse keeper lived at Corran Point. It was a lonely life.",),
    ]
    by_id = {p.chunk.id: p for p in passages}
    assert by_id["k"].sentence_scores == (3.0, 3.0)
    assert by_id["k"].sentence_leans == (False, True)
    assert by_id["g"].sentence_scores == (0.0, 0.0)
    assert by_id["g"].sentence_leans == (False, False)


def test_a_pair_within_exactly_the_margin_is_scored_and_a_wider_margin_pairs_more() -> None:
    r = retriever([LIGHTHOUSE, GULLS], rerank_context_margin=4)
    r.passages(CORRAN)  # "They fly…" and its predecessor score 0 = 4 - 4: within
    assert calls(r)[1:] == [("Gulls nest on the cliffs. They fly south in winter.",)]
    r = retriever([LIGHTHOUSE, GULLS], rerank_context_margin=3.5)
    r.passages(CORRAN)
    assert calls(r)[1:] == []  # no pair worth scoring: no second call


def test_the_predecessor_alone_can_make_a_pair_worth_scoring() -> None:
    r = retriever([LIGHTHOUSE, KEEPER], rerank_context_margin=1)
    r.passages(CORRAN)
    # "It was a lonely life." scores 0, 4 under the best; its predecessor 3, within 1.
    assert calls(r)[1:] == [("The lighthouse keeper lived at Corran Point. It was a lonely life.",)]
    r = retriever([LIGHTHOUSE, KEEPER], rerank_context_margin=0.5)
    r.passages(CORRAN)
    assert calls(r)[1:] == []  # no pair worth scoring: no second call


def test_the_context_margin_is_measured_from_the_best_sentence() -> None:
    # The best sentence scores 4, the worst 0: within 1 of the best, only the keeper's pair
    # (its predecessor scores 3); within 1 of the worst, the gulls' pair too.
    r = retriever([LIGHTHOUSE, GULLS, KEEPER], rerank_context_margin=1)
    r.passages(CORRAN)
    assert calls(r)[1:] == [("The lighthouse keeper lived at Corran Point. It was a lonely life.",)]


def test_a_resolved_pronoun_is_not_scored_again_with_context() -> None:
    r = retriever([ENGINEER], recognizer=SHEA)
    [passage] = r.passages("Who designed Corran Point?")
    assert scored(r) == [
        "Isobel Marr was the engineer of Corran Point.",
        "It was designed in 1890 by Isobel Marr firm.",
        "Gulls nest on Corran Point.",
    ]
    assert passage.sentence_scores == (2.0, 1.0, 2.0)


REFRAIN_A = make_chunk(
    "Russia and China denounce sanctions on North Korea as they deepen cooperation. "
    "Talks ended in Moscow.",
    source="a.txt",
    id="ra",
)
REFRAIN_B = make_chunk(
    "Russia and China denounce sanctions on North Korea despite mounting concern.",
    source="b.txt",
    id="rb",
)


def test_a_refrain_is_scored_once_and_a_passage_of_repeats_is_dropped() -> None:
    r = retriever([REFRAIN_A, REFRAIN_B])
    passages = r.passages("Why do Russia and China denounce sanctions?")
    assert [p.chunk.id for p in passages] == ["ra"]
    assert scored(r) == [
        "Russia and China denounce sanctions on North Korea as they deepen cooperation.",
        "Talks ended in Moscow.",
    ]


def test_a_sentence_shared_by_overlapping_chunks_is_scored_once_and_scores_both() -> None:
    text = "Alpha came first. Beta came second. Gamma came third."
    one = make_chunk(text[:35], id="one")
    two = make_chunk(text[18:], start=18, id="two")
    r = retriever([one, two])
    passages = r.passages("beta gamma")
    assert scored(r) == ["Alpha came first.", "Beta came second.", "Gamma came third."]
    assert {p.chunk.id: p.sentence_scores for p in passages} == {
        "one": (0.0, 1.0),
        "two": (1.0, 1.0),
    }


# --- follow-ups ----------------------------------------------------------------------------

MATCH = make_chunk(
    "The parade was held in Red Square. The football match was won by Dynamo.", id="m"
)


def test_a_follow_up_averages_the_standalone_query_with_the_question_as_typed() -> None:
    r = retriever([MATCH])
    query = "Who won the football match there? (Who attended the parade?)"
    question = "Who won the football match there?"
    [passage] = r.passages(query, question=question)
    # query: parade sentence {the, parade} = 2, match sentence {the, football, match, won} = 4
    # question: parade sentence {the} = 1, match sentence 4.
    assert passage.sentence_scores == (1.5, 4.0)
    reranker: WordOverlapReranker = r.reranker
    assert [q for q, _ in reranker.calls] == [query, question]


def test_the_question_as_typed_is_not_scored_again_when_it_is_the_query() -> None:
    r = retriever([MATCH])
    [passage] = r.passages("Who attended the parade?", question="Who attended the parade?")
    assert passage.sentence_scores == (2.0, 1.0)
    reranker: WordOverlapReranker = r.reranker
    assert len(reranker.calls) == 1
    r.passages("Who attended the parade?")
    assert len(reranker.calls) == 2


# --- LangChain -----------------------------------------------------------------------------


def test_invoke_returns_documents_that_convert_back_to_the_passages() -> None:
    r = retriever([PARADE, BANQUET, RAIN], vocabulary=("parade", "banquet", "rain"), dense_k=1)
    documents = r.invoke("Which guests sang at the parade?")
    assert all(isinstance(d, LCDocument) for d in documents)
    assert [document_to_passage(d) for d in documents] == r.passages(
        "Which guests sang at the parade?"
    )
    assert documents[0].metadata["bm25_rank"] == 1
    assert documents[0].page_content == BANQUET.text
    one = r.invoke("Which guests sang at the parade?", top_k=1)
    assert len(one) == 1


def test_passage_document_round_trip() -> None:
    passage = Passage(
        chunk=make_chunk("One. Two.", source="s.txt", start=5, paragraph=2, id="id"),
        score=1.5,
        dense_rank=3,
        bm25_rank=None,
        fused_score=0.25,
        dense_score=0.5,
        sentence_scores=(1.5, None),
    )
    assert document_to_passage(passage_to_document(passage)) == passage
