from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.answer.citations import split_cited, verify, with_marker
from assistant.types import Citation

pytestmark = pytest.mark.unit

PASSAGE = "Alpha beta gamma. Delta epsilon zeta."


def _citation(marker: int, start: int, end: int) -> Citation:
    return Citation(
        marker=marker,
        source="x.txt",
        paragraph=1,
        start=start,
        end=end,
        quote=PASSAGE[start:end],
        score=1.0,
        passage_start=0,
        passage_end=len(PASSAGE),
        passage_text=PASSAGE,
    )


def test_marker_goes_before_closing_punctuation_and_splits_back() -> None:
    text = with_marker("Alpha beta gamma.", 1) + " " + with_marker("Delta epsilon zeta.", 2)
    assert text == "Alpha beta gamma [1]. Delta epsilon zeta [2]."
    assert [(p.text, p.marker) for p in split_cited(text)] == [
        ("Alpha beta gamma.", 1),
        ("Delta epsilon zeta.", 2),
    ]


def test_verify_keeps_supported_sentences() -> None:
    citations = (_citation(1, 0, 17), _citation(2, 18, 37))
    text = "Alpha beta gamma [1]. Delta epsilon zeta [2]."
    assert verify(text, citations) == (text, citations)


def test_verify_drops_unsupported_and_uncited_sentences_and_renumbers() -> None:
    citations = (_citation(1, 0, 17), _citation(2, 18, 37))
    text = "Omega psi chi [1]. Uncited claim. Delta epsilon zeta [2]."
    kept_text, kept = verify(text, citations)
    assert kept_text == "Delta epsilon zeta [1]."
    assert kept == (replace(citations[1], marker=1),)


def test_verify_rejects_a_quote_that_is_not_at_its_offsets() -> None:
    bad = replace(_citation(1, 0, 17), start=1, end=18)
    assert verify("Alpha beta gamma [1].", (bad,)) == ("", ())


def test_paraphrase_needs_most_of_its_words_in_the_passage() -> None:
    citation = _citation(1, 0, 17)
    assert verify("Beta, gamma, alpha [1].", (citation,))[1]
    assert not verify("Gamma and many unrelated words here [1].", (citation,))[1]


def test_only_the_sentence_right_before_a_marker_is_cited() -> None:
    assert [(p.text, p.marker) for p in split_cited("One claim. Two claim [1]. Three.")] == [
        ("One claim.", None),
        ("Two claim.", 1),
        ("Three.", None),
    ]


def test_abbreviations_do_not_cut_a_cited_sentence() -> None:
    text = "Shea accused Moscow of undermining the U.N. Panel of Experts [1]."
    assert [(p.text, p.marker) for p in split_cited(text)] == [
        ("Shea accused Moscow of undermining the U.N. Panel of Experts.", 1)
    ]
