"""Fast unit tests of the reason reader (assistant/answer/reason.py): where it finds the cause of
what a why-question asks about, and its precise refusal, with a rule-based parser."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from assistant.answer.reader import ABSTAINING, CROSS_ENCODER_LOGIT, Draft
from assistant.answer.reason import ReasonPolicy, ReasonReader
from assistant.language.syntax import Analysis
from assistant.types import Chunk, Passage, Span
from tests.fakes import make_chunk, make_passage, request
from tests.reader_fakes import RuleParser

pytestmark = pytest.mark.unit

QUESTION = "Why were the dam gates opened?"


def read(*passages: Passage, policy: ReasonPolicy | None = None) -> Draft:
    reader = ReasonReader(RuleParser(), policy)
    return reader.read(request(passages, QUESTION))


def cited(draft: Draft) -> list[str]:
    return [c.quote for c in draft.citations]


def test_the_cause_in_the_best_sentence_is_the_answer_alone() -> None:
    chunk = make_chunk(
        "The gates were opened because the reservoir was full. Crowds watched from the bridge."
    )
    draft = read(make_passage(chunk, [5.0, 1.0]))
    assert not draft.abstained
    assert cited(draft) == ["The gates were opened because the reservoir was full."]
    assert draft.text == "The gates were opened because the reservoir was full [1]."
    assert (draft.score, draft.score_kind) == (5.0, CROSS_ENCODER_LOGIT)
    assert draft.lead == ""


def test_the_cause_in_the_sentence_after_the_best_comes_with_it() -> None:
    chunk = make_chunk(
        "Engineers opened the dam gates on Monday. The move was needed to prevent an "
        "overtopping. Crowds watched from the bridge."
    )
    draft = read(make_passage(chunk, [6.0, None, 2.0]))  # the cause not even scored
    assert cited(draft) == [
        "Engineers opened the dam gates on Monday.",
        "The move was needed to prevent an overtopping.",
    ]  # what is asked about, then why: in document order
    assert [c.marker for c in draft.citations] == [1, 2]


def test_the_sentence_after_is_read_before_the_one_before() -> None:
    chunk = make_chunk(
        "Rain fell for days because a storm stalled. Engineers opened the dam gates on "
        "Monday. The move was needed to prevent an overtopping."
    )
    draft = read(make_passage(chunk, [1.0, 6.0, 1.0]))
    assert cited(draft) == [
        "Engineers opened the dam gates on Monday.",
        "The move was needed to prevent an overtopping.",
    ]


def test_the_cause_in_the_sentence_before_the_best() -> None:
    chunk = make_chunk(
        "The reservoir filled because a storm stalled. Engineers opened the dam gates on "
        "Monday. Crowds watched from the bridge."
    )
    draft = read(make_passage(chunk, [1.0, 6.0, 1.0]))
    assert cited(draft) == [
        "The reservoir filled because a storm stalled.",
        "Engineers opened the dam gates on Monday.",
    ]


def test_only_so_many_sentences_after_the_best_are_read() -> None:
    chunk = make_chunk(
        "Engineers opened the dam gates on Monday. Crowds watched. Boats waited. "
        "The move was needed to prevent an overtopping."
    )
    passage = make_passage(chunk, [6.0, None, None, None])
    assert read(passage).abstained  # three sentences on: out of reach
    assert cited(read(passage, policy=ReasonPolicy(after=3)))[-1] == (
        "The move was needed to prevent an overtopping."
    )


def test_a_cause_elsewhere_within_the_margin_of_the_best() -> None:
    best = make_chunk("Engineers opened the dam gates on Monday.", source="a.txt")
    near = make_chunk("The gates opened due to a full reservoir.", source="b.txt")
    far = make_chunk("The gates opened as a result of a council vote.", source="c.txt")
    draft = read(make_passage(best, [6.0]), make_passage(far, [3.0]), make_passage(near, [4.5]))
    # 1.5 under the best: within 2.0 (quoted with the best, each document's in its order)
    assert sorted(cited(draft)) == [
        "Engineers opened the dam gates on Monday.",
        "The gates opened due to a full reservoir.",
    ]
    assert {c.source for c in draft.citations} == {"a.txt", "b.txt"}
    # Out of the margin, nothing: a refusal.
    assert read(make_passage(best, [6.0]), make_passage(far, [3.0])).abstained


def test_a_clause_the_parser_marks_as_a_cause() -> None:
    chunk = make_chunk("The clinic closed after Sowande resigned. Patients went elsewhere.")
    draft = read(make_passage(chunk, [5.0, 1.0]))
    assert not draft.abstained
    assert cited(draft) == ["The clinic closed after Sowande resigned."]
    # Without the parser's mark and without a causal word it is no cause.
    assert ReasonReader(RuleParser()).gives_cause("The clinic closed after the summit.") is False
    assert ReasonReader(RuleParser()).gives_cause("Pumps failed, so that the town flooded.")


def test_a_result_clause_gives_a_cause() -> None:
    reader = ReasonReader(RuleParser())
    assert reader.gives_cause("The pumps failed, so the town flooded.")
    assert reader.gives_cause("The river rose, forcing the council to close the bridge.")
    assert reader.gives_cause("The storm cut power, which meant the pumps stopped.")
    assert not reader.gives_cause("The pumps failed so often that nobody noticed.")


def test_no_cause_anywhere_is_a_precise_refusal_citing_the_report() -> None:
    chunk = make_chunk("Engineers opened the dam gates on Monday. Crowds watched the river.")
    draft = read(make_passage(chunk, [6.0, 1.0]))
    assert draft.abstained
    assert draft.lead == "The documents do not say why; they report:"
    assert cited(draft) == ["Engineers opened the dam gates on Monday."]
    assert draft.text == "Engineers opened the dam gates on Monday [1]."
    assert draft.score == 6.0


def test_nothing_scored_is_the_plain_refusal() -> None:
    assert read() == ABSTAINING
    chunk = make_chunk("Engineers opened the dam gates on Monday.")
    assert read(make_passage(chunk, [None])) == ABSTAINING


def test_a_heading_is_never_the_report_or_the_cause() -> None:
    text = "## Why the gates opened\n\nEngineers opened the dam gates on Monday."
    spans = (Span(0, 23), Span(25, len(text)))
    chunk = Chunk("d#0", "d.md", 1, 0, len(text), text, spans)
    draft = read(make_passage(chunk, [9.0, 5.0]))
    assert draft.abstained
    assert cited(draft) == [chunk.sentence_texts()[1]]


def test_a_cause_that_leans_on_the_sentence_before_brings_it() -> None:
    chunk = make_chunk(
        "Engineers opened the dam gates on Monday. Crowds gathered on the bridge. "
        "It was done to prevent an overtopping."
    )
    # The third sentence scored with the second in front (it leans on it).
    passage = make_passage(chunk, [6.0, 1.0, 2.0], leans=[False, False, True])
    assert cited(read(passage)) == [
        "Engineers opened the dam gates on Monday.",
        "Crowds gathered on the bridge.",
        "It was done to prevent an overtopping.",
    ]
    # At most max_sentences: the best is left out when the cause and its lead-in fill it.
    assert cited(read(passage, policy=ReasonPolicy(max_sentences=2))) == [
        "Crowds gathered on the bridge.",
        "It was done to prevent an overtopping.",
    ]


# --- the edges of where a cause is read ---------------------------------------------------------


class AsClauseParser(RuleParser):
    """The rule-based parser that also marks a clause opened by "as" ("… as authorities brace
    for strikes")."""

    def analyse(self, text: str) -> Analysis:
        analysis = super().analyse(text)
        return replace(analysis, as_clause=bool(re.search(r"\bas\s+\w+\s+\w+", text)))


def test_an_as_clause_gives_the_cause_only_in_the_sentence_asked_about() -> None:
    reader = ReasonReader(AsClauseParser())
    chunk = make_chunk("Security remains tight in Moscow as authorities brace for strikes.")
    draft = reader.read(request([make_passage(chunk, [5.0])], "Why is security tight?"))
    assert draft.abstained is False
    assert cited(draft) == [chunk.text]
    assert reader.gives_cause(chunk.text, asked=True)
    assert not reader.gives_cause(chunk.text)


def test_the_best_sentence_is_read_for_its_cause_before_the_one_after() -> None:
    chunk = make_chunk(
        "The gates were opened because the reservoir was full. "
        "The bridge closed because of the crowds."
    )
    assert cited(read(make_passage(chunk, [6.0, 1.0]))) == [
        "The gates were opened because the reservoir was full."
    ]


def test_a_cause_two_sentences_before_the_best_is_out_of_reach() -> None:
    chunk = make_chunk(
        "Rain fell because a storm stalled. Crowds gathered on the bridge. "
        "Engineers opened the dam gates on Monday. Boats waited downstream."
    )
    assert read(make_passage(chunk, [1.0, 1.0, 6.0, 1.0])).abstained


def test_a_cause_elsewhere_exactly_margin_below_the_best_is_within_it() -> None:
    best = make_chunk("Engineers opened the dam gates on Monday.", source="a.txt")
    near = make_chunk("The gates opened due to a full reservoir.", source="b.txt")
    draft = read(make_passage(best, [6.0]), make_passage(near, [4.0]))
    assert draft.abstained is False
    # The cause's document first (each document's sentences in their order).
    assert draft.text == (
        "The gates opened due to a full reservoir [1]. "
        "Engineers opened the dam gates on Monday [2]."
    )


def test_the_precise_refusal_carries_the_best_score_and_its_kind() -> None:
    chunk = make_chunk("Engineers opened the dam gates on Monday. Crowds watched the river.")
    draft = read(make_passage(chunk, [6.0, 1.0]))
    assert (draft.score, draft.score_kind) == (6.0, CROSS_ENCODER_LOGIT)


def test_a_reason_given_in_so_many_words_is_a_cause() -> None:
    reader = ReasonReader(RuleParser())
    assert reader.gives_cause("When Quence asked why not, Vane said it was found too late.")
    assert reader.gives_cause("They described sovereignty as essential for regional peace.")
    assert not reader.gives_cause("Quence asked whether the map was finished.")
    assert not reader.gives_cause("The gates were described as essential.")
    # Asked, and no answer; a reason nobody gave; an explanation of something else.
    assert not reader.gives_cause("The minister was asked why the ward closed but declined.")
    assert not reader.gives_cause("Nobody has explained why the blasting stopped.")
    assert not reader.gives_cause("The mayor explained that the square would reopen in July.")
