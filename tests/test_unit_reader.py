"""Fast unit tests of the extractive reader's answer policy (assistant/answer/reader.py)."""

from __future__ import annotations

import pytest

from assistant.answer.reader import ABSTAIN_TEXT, Draft, ExtractiveReader
from assistant.types import Citation
from tests.fakes import citation_of, make_chunk, make_passage, request

pytestmark = pytest.mark.unit

# Four distinct facts, no sentence leaning on another.
FACTS = make_chunk(
    "The bridge opened in 1890. Tolls were abolished in 1921. "
    "Ferries ran until 1932. Trams crossed from 1905.",
    source="bridge.txt",
    start=100,
    paragraph=3,
)


def read(scores: list[float | None], *, delta: float = 1.5, max_sentences: int = 3) -> Draft:
    reader = ExtractiveReader(delta=delta, max_sentences=max_sentences)
    return reader.read(request([make_passage(FACTS, scores)]))


def quotes(draft: Draft) -> list[str]:
    return [c.quote for c in draft.citations]


def test_reader_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="max_sentences must be greater than 0"):
        ExtractiveReader(delta=1.0, max_sentences=0)
    with pytest.raises(ValueError, match="delta must be at least 0"):
        ExtractiveReader(delta=-0.01, max_sentences=1)
    reader = ExtractiveReader(delta=0.0, max_sentences=1)
    assert (reader.delta, reader.max_sentences) == (0.0, 1)


def test_nothing_scored_is_an_abstaining_draft() -> None:
    reader = ExtractiveReader(delta=1.5, max_sentences=3)
    expected = Draft(ABSTAIN_TEXT, (), abstained=True)
    assert reader.read(request([])) == expected
    assert reader.read(request([make_passage(FACTS, [None, None, None, None])])) == expected
    assert ABSTAIN_TEXT == "The documents do not say."


def test_the_best_sentence_is_quoted_and_cited_with_its_offsets() -> None:
    draft = read([1.0, 7.0, 2.0, 0.5], max_sentences=1)
    assert draft == Draft(
        "Tolls were abolished in 1921 [1].",
        (
            Citation(
                marker=1,
                source="bridge.txt",
                paragraph=3,
                start=127,
                end=156,
                quote="Tolls were abolished in 1921.",
                score=7.0,
                passage_start=100,
                passage_end=100 + len(FACTS.text),
                passage_text=FACTS.text,
            ),
        ),
        abstained=False,
        score=7.0,
        score_kind="cross-encoder logit",
    )


def test_sentences_within_delta_of_the_best_follow_it_best_first() -> None:
    draft = read([4.0, 5.0, 3.5, 3.4], delta=1.5)
    assert draft.text == (
        "Tolls were abolished in 1921 [1]. The bridge opened in 1890 [2]. "
        "Ferries ran until 1932 [3]."
    )
    assert [c.marker for c in draft.citations] == [1, 2, 3]
    assert [c.score for c in draft.citations] == [5.0, 4.0, 3.5]
    assert draft.score == 5.0


def test_a_sentence_exactly_delta_below_the_best_is_kept_and_one_below_that_is_not() -> None:
    assert quotes(read([5.0, 3.5, 3.49, None], delta=1.5)) == [
        "The bridge opened in 1890.",
        "Tolls were abolished in 1921.",
    ]
    assert quotes(read([5.0, 4.0, None, None], delta=0.0)) == ["The bridge opened in 1890."]
    assert quotes(read([5.0, 5.0, None, None], delta=0.0)) == [
        "The bridge opened in 1890.",
        "Tolls were abolished in 1921.",
    ]


def test_at_most_max_sentences() -> None:
    assert len(read([5.0, 5.0, 5.0, 5.0], max_sentences=2).citations) == 2
    assert len(read([5.0, 5.0, 5.0, 5.0], max_sentences=4).citations) == 4


def test_unscored_sentences_are_never_quoted() -> None:
    assert quotes(read([None, 2.0, None, 1.0])) == [
        "Tolls were abolished in 1921.",
        "Trams crossed from 1905.",
    ]


def test_a_restatement_of_a_chosen_sentence_is_skipped_and_the_next_one_considered() -> None:
    chunk = make_chunk(
        "The harbour wall was rebuilt after the storm. "
        "The harbour wall was rebuilt after the great storm. "
        "Fishing resumed in spring."
    )
    reader = ExtractiveReader(delta=2.0, max_sentences=2)
    draft = reader.read(request([make_passage(chunk, [5.0, 4.9, 4.0])]))
    assert quotes(draft) == [
        "The harbour wall was rebuilt after the storm.",
        "Fishing resumed in spring.",
    ]


def test_a_similar_sentence_with_other_figures_is_not_a_restatement() -> None:
    chunk = make_chunk(
        "In 2023 the district served 48,000 residents. "
        "In 2024 the district served 51,000 residents."
    )
    draft = ExtractiveReader(delta=2.0, max_sentences=3).read(
        request([make_passage(chunk, [5.0, 4.5])])
    )
    assert len(draft.citations) == 2


def test_a_sentence_leaning_on_a_chosen_predecessor_is_skipped() -> None:
    chunk = make_chunk(
        "Isobel Marr designed the lighthouse. She also drew the keeper's cottage. "
        "Gulls nest on the rocks."
    )
    reader = ExtractiveReader(delta=3.0, max_sentences=3)
    draft = reader.read(request([make_passage(chunk, [5.0, 4.5, 4.0])]))
    assert quotes(draft) == ["Isobel Marr designed the lighthouse.", "Gulls nest on the rocks."]


def test_a_leaning_sentence_is_kept_when_its_predecessor_was_not_chosen() -> None:
    chunk = make_chunk(
        "Isobel Marr designed the lighthouse. She also drew the keeper's cottage. "
        "Gulls nest on the rocks."
    )
    reader = ExtractiveReader(delta=3.0, max_sentences=3)
    draft = reader.read(request([make_passage(chunk, [None, 5.0, 4.0])]))
    assert quotes(draft) == ["She also drew the keeper's cottage.", "Gulls nest on the rocks."]


def test_the_predecessor_rule_only_applies_within_the_same_source() -> None:
    # Same offsets in two documents: the chosen sentence is not the leaning one's predecessor.
    first = make_chunk("Ada Byron wrote the notes. Bells rang at noon.", source="a.txt")
    second = make_chunk("Tom Kray built the towers. It stood for a century.", source="b.txt")
    assert first.sentences[0] == second.sentences[0]
    reader = ExtractiveReader(delta=3.0, max_sentences=3)
    draft = reader.read(
        request([make_passage(first, [5.0, None]), make_passage(second, [None, 4.0])])
    )
    assert quotes(draft) == ["Ada Byron wrote the notes.", "It stood for a century."]


def test_a_sentence_held_by_two_passages_counts_once_with_its_first_passages_score() -> None:
    text = "Alpha came first. Beta came second. Gamma came third."
    chunk = make_chunk(text)
    one = make_chunk(text[:35], id="one")  # Alpha, Beta
    two = make_chunk(text[18:], start=18, id="two")  # Beta, Gamma
    assert one.sentences[1] == two.sentences[0] == chunk.sentences[1]
    reader = ExtractiveReader(delta=10.0, max_sentences=3)
    draft = reader.read(request([make_passage(one, [1.0, 3.0]), make_passage(two, [9.0, 2.0])]))
    assert [(c.quote, c.score) for c in draft.citations] == [
        ("Beta came second.", 3.0),
        ("Gamma came third.", 2.0),
        ("Alpha came first.", 1.0),
    ]
    assert draft.score == 3.0


def test_quoted_text_is_folded_but_the_citation_keeps_the_original() -> None:
    chunk = make_chunk("The  museum\nopened   in May.")
    draft = ExtractiveReader(delta=1.0, max_sentences=1).read(request([make_passage(chunk, [2.0])]))
    assert draft.text == "The museum opened in May [1]."
    assert draft.citations == (citation_of(chunk, 0, score=2.0),)


def test_a_refrain_that_only_adds_names_is_said_once() -> None:
    chunk = make_chunk(
        "Russia and China denounce sanctions on North Korea in a joint statement. "
        "Russia and China denounce sanctions on North Korea in a joint statement in Moscow. "
        "Trade grew."
    )
    draft = ExtractiveReader(delta=3.0, max_sentences=3).read(
        request([make_passage(chunk, [5.0, 4.9, 4.0])])
    )
    assert quotes(draft) == [
        "Russia and China denounce sanctions on North Korea in a joint statement.",
        "Trade grew.",
    ]


MARR = make_chunk(
    "Corran Point Lighthouse stands on the tip of Tarrow. "
    "It was designed by the engineer Isobel Marr. Gulls nest on the rocks."
)


def test_a_sentence_that_scored_with_its_predecessor_brings_it_along_first() -> None:
    passage = make_passage(MARR, [1.0, 6.0, 0.5], leans=[False, True, False])
    draft = ExtractiveReader(delta=1.5, max_sentences=3).read(request([passage]))
    assert quotes(draft) == [
        "Corran Point Lighthouse stands on the tip of Tarrow.",
        "It was designed by the engineer Isobel Marr.",
    ]
    assert [c.score for c in draft.citations] == [1.0, 6.0]
    assert draft.score == 6.0


def test_a_sentence_that_scored_alone_comes_alone() -> None:
    passage = make_passage(MARR, [1.0, 6.0, 0.5], leans=[False, False, False])
    draft = ExtractiveReader(delta=1.5, max_sentences=3).read(request([passage]))
    assert quotes(draft) == ["It was designed by the engineer Isobel Marr."]


def test_a_pair_that_does_not_fit_is_passed_over_for_a_sentence_that_does() -> None:
    other = make_chunk("Isobel Marr trained in Leith.", source="marr.txt")
    passages = [
        make_passage(other, [7.0]),
        make_passage(MARR, [1.0, 6.0, 0.5], leans=[False, True, False]),
    ]
    draft = ExtractiveReader(delta=3.0, max_sentences=2).read(request(passages))
    assert quotes(draft) == ["Isobel Marr trained in Leith."]
    alone = ExtractiveReader(delta=3.0, max_sentences=1).read(request(passages[1:]))
    assert quotes(alone) == ["It was designed by the engineer Isobel Marr."]


def test_a_heading_is_never_brought_along() -> None:
    chunk = make_chunk("Corran Point Lighthouse\n\nIt was designed by Isobel Marr.")
    passage = make_passage(chunk, [1.0, 6.0], leans=[False, True])
    draft = ExtractiveReader(delta=1.5, max_sentences=3).read(request([passage]))
    assert quotes(draft) == ["It was designed by Isobel Marr."]


def test_a_heading_is_never_an_answer() -> None:
    chunk = make_chunk("## How often can rent go up?\n\nRent may rise once a year.")
    assert [len(chunk.sentences)] == [2]
    draft = ExtractiveReader(delta=9.0, max_sentences=3).read(
        request([make_passage(chunk, [9.0, 2.0])])
    )
    assert quotes(draft) == ["Rent may rise once a year."]


def test_the_last_sentence_of_a_paragraph_is_read_even_without_a_full_stop() -> None:
    # Only the chunker's headings (paragraphs of their own, in front of a paragraph) are
    # context: a paragraph's last sentence that merely lacks its full stop is text.
    chunk = make_chunk("The lighthouse was built in 1850. It was rebuilt by Quillon Marr in 1887")
    draft = ExtractiveReader(delta=1.5, max_sentences=3).read(
        request([make_passage(chunk, [1.0, 8.0])])
    )
    assert quotes(draft) == ["It was rebuilt by Quillon Marr in 1887"]


def test_a_sentence_followed_by_lower_case_link_text_is_read() -> None:
    chunk = make_chunk("The Zephyr lighthouse was rebuilt by Quillon Marr in 1887. click me")
    draft = ExtractiveReader(delta=1.5, max_sentences=3).read(request([make_passage(chunk, [8.0])]))
    assert quotes(draft) == [chunk.text]


def test_a_chunk_of_headings_alone_answers_nothing() -> None:
    chunk = make_chunk("Corran Point Lighthouse\n\nKeepers and Lamps")
    assert len(chunk.sentences) == 2
    draft = ExtractiveReader(delta=1.5, max_sentences=3).read(
        request([make_passage(chunk, [8.0, 7.0])])
    )
    assert draft.abstained
