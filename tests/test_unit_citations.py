"""Fast unit tests of citation markers and verification (assistant/answer/citations.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.answer.citations import (
    CitedSentence,
    quote_matches_passage,
    split_cited,
    supported,
    verify,
    verify_short,
    with_marker,
)
from assistant.types import Citation, ShortAnswer
from tests.fakes import citation_of, make_chunk

pytestmark = pytest.mark.unit

CHUNK = make_chunk(
    "The museum opened in May. Entry is free on Sundays. The mill closed in 1970.",
    source="town.txt",
    start=40,
    paragraph=2,
)
MUSEUM = citation_of(CHUNK, 0, marker=1)
ENTRY = citation_of(CHUNK, 1, marker=2)
MILL = citation_of(CHUNK, 2, marker=3)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The museum opened in May.", "The museum opened in May [1]."),
        ("Really?!", "Really [1]?!"),
        ("He said “yes.”", "He said “yes [1].”"),
        ("Wait…", "Wait [1]…"),
        ("No closing punctuation", "No closing punctuation [1]"),
    ],
)
def test_with_marker_puts_the_marker_before_the_closing_punctuation(
    sentence: str, expected: str
) -> None:
    assert with_marker(sentence, 1) == expected


def test_split_cited_cites_the_sentence_before_each_marker() -> None:
    assert split_cited("A fact [1]. Another [2]! Tail") == [
        CitedSentence("A fact.", 1),
        CitedSentence("Another!", 2),
        CitedSentence("Tail", None),
    ]
    assert split_cited("Free text. Two.") == [
        CitedSentence("Free text.", None),
        CitedSentence("Two.", None),
    ]
    assert split_cited("Big claim [12].") == [CitedSentence("Big claim.", 12)]
    assert split_cited("") == []


def test_quote_must_be_the_passage_text_at_its_offsets() -> None:
    assert quote_matches_passage(MUSEUM)
    assert quote_matches_passage(MILL)
    assert not quote_matches_passage(replace(MUSEUM, start=MUSEUM.start + 1))
    assert not quote_matches_passage(replace(MUSEUM, quote="The museum opened in June."))
    assert not quote_matches_passage(replace(MUSEUM, start=30, end=50))  # before the passage
    assert not quote_matches_passage(replace(MILL, end=MILL.end + 1))  # past the passage
    assert not quote_matches_passage(replace(MUSEUM, end=MUSEUM.start, quote=""))  # empty


def test_a_sentence_is_supported_by_being_part_of_its_quote() -> None:
    assert supported("The museum opened in May.", MUSEUM)
    assert supported("the  MUSEUM opened", MUSEUM)
    assert not supported("The museum opened in May.", replace(MUSEUM, start=41))


def test_a_paraphrase_needs_80_percent_of_its_words_in_the_passage() -> None:
    # 4 of 5 words in the passage ("today" is not): exactly 0.8.
    assert supported("Entry free on Sundays today.", MUSEUM)
    # 3 of 5.
    assert not supported("Entry free Sundays today again.", MUSEUM)
    assert supported("Entry free Sundays today again.", MUSEUM, min_recall=0.6)
    assert not supported("…", MUSEUM)


def test_verify_keeps_supported_sentences_unchanged() -> None:
    text = "The museum opened in May [1]. Entry is free on Sundays [2]."
    assert verify(text, (MUSEUM, ENTRY)) == (text, (MUSEUM, ENTRY))


def test_verify_drops_a_fabricated_sentence_and_renumbers() -> None:
    text = "The castle was built by giants [1]. Entry is free on Sundays [2]."
    assert verify(text, (MUSEUM, ENTRY)) == (
        "Entry is free on Sundays [1].",
        (replace(ENTRY, marker=1),),
    )


def test_verify_drops_a_marker_with_no_citation_and_uncited_sentences() -> None:
    text = "The museum opened in May [1]. Uncited words. The mill closed in 1970 [4]."
    assert verify(text, (MUSEUM, ENTRY, MILL)) == ("The museum opened in May [1].", (MUSEUM,))
    assert verify("The museum opened in May [0].", (MUSEUM,)) == ("", ())
    assert verify("The museum opened in May.", (MUSEUM,)) == ("", ())


def test_verify_numbers_citations_in_order_of_appearance() -> None:
    text = "The mill closed in 1970 [3]. The museum opened in May [1]."
    assert verify(text, (MUSEUM, ENTRY, MILL)) == (
        "The mill closed in 1970 [1]. The museum opened in May [2].",
        (replace(MILL, marker=1), replace(MUSEUM, marker=2)),
    )


def test_verify_rejects_a_citation_whose_quote_is_not_at_its_offsets() -> None:
    moved = replace(MUSEUM, start=MUSEUM.start + 2)
    assert verify("The museum opened in May [1].", (moved,)) == ("", ())


def test_pieces_citing_one_citation_share_its_one_new_marker() -> None:
    text, kept = verify("The museum opened in May [2]. The museum opened [2].", (ENTRY, MUSEUM2))
    assert text == "The museum opened in May [1]. The museum opened [1]."
    assert kept == (replace(MUSEUM2, marker=1),)


MUSEUM2 = replace(MUSEUM, marker=2)


def short_in(citation: Citation, start: int, end: int, text: str) -> ShortAnswer:
    return ShortAnswer(text, citation.marker, start, end, "date", "entity")


def test_a_short_answer_must_be_a_non_empty_span_inside_its_citation() -> None:
    end = MUSEUM.end - 1  # "May" ends the quote, before its full stop
    may = short_in(MUSEUM, end - 3, end, "May")
    assert verify_short(may, (MUSEUM,), (MUSEUM,)) == may
    at_the_end = short_in(MUSEUM, MUSEUM.start + 21, MUSEUM.end, "May.")
    assert verify_short(at_the_end, (MUSEUM,), (MUSEUM,)) == at_the_end
    empty = short_in(MUSEUM, end, end, "")
    assert verify_short(empty, (MUSEUM,), (MUSEUM,)) is None
    assert verify_short(replace(may, marker=7), (MUSEUM,), (MUSEUM,)) is None
