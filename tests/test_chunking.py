from __future__ import annotations

import unicodedata

import pytest

from assistant.chunking import (
    chunk_document,
    fold,
    normalize,
    paragraph_spans,
    sentence_windows,
    split_sentences,
)
from assistant.loading import content_hash
from assistant.types import Document, Span
from tests.conftest import BRIEFING, PARADE_SENTENCE


def _doc(text: str, source: str = "doc.txt") -> Document:
    return Document(source=source, text=text, content_hash=content_hash(text))


def test_briefing_chunks_map_back_to_the_exact_original_text() -> None:
    text = BRIEFING.read_text(encoding="utf-8")
    chunks = chunk_document(_doc(text), chunk_size=3, chunk_overlap=1)
    assert [c.paragraph for c in chunks] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
        for span, sentence in zip(chunk.sentences, chunk.sentence_texts(), strict=True):
            assert text[span.start : span.end] == sentence
    sentences = {s for c in chunks for s in c.sentence_texts()}
    assert PARADE_SENTENCE in sentences
    assert len(sentences) == 25
    assert text.index(PARADE_SENTENCE) == 1629


def test_normalisation_keeps_offsets_through_nfd_and_odd_whitespace() -> None:
    original = "Caf\u0065\u0301  au\u00a0lait.\r\n\tSecond   line."
    norm = normalize(original)
    assert norm.text == "Café au lait. Second line."
    assert unicodedata.is_normalized("NFC", norm.text)
    span = norm.original_span(0, 4)
    assert original[span.start : span.end] == "Caf\u0065\u0301"
    second = norm.text.index("Second")
    span = norm.original_span(second, len(norm.text))
    assert original[span.start : span.end] == "Second   line."


def test_sentences_are_never_cut_and_overlap_by_one() -> None:
    text = "One is here. Two is here. Three is here. Four is here. Five is here."
    chunks = chunk_document(_doc(text), chunk_size=2, chunk_overlap=1)
    assert [c.text for c in chunks] == [
        "One is here. Two is here.",
        "Two is here. Three is here.",
        "Three is here. Four is here.",
        "Four is here. Five is here.",
    ]


def test_abbreviations_do_not_split_sentences() -> None:
    text = "Their comments follow criticism from the U.S. at a recent U.N. meeting. Next one."
    assert [text[s.start : s.end] for s in split_sentences(text)] == [
        "Their comments follow criticism from the U.S. at a recent U.N. meeting.",
        "Next one.",
    ]


def test_paragraphs_split_on_blank_lines_when_present_else_newlines() -> None:
    assert paragraph_spans("a\nb\n\nc") == [Span(0, 3), Span(5, 6)]
    assert paragraph_spans("a\nb\nc") == [Span(0, 1), Span(2, 3), Span(4, 5)]


@pytest.mark.parametrize(
    ("count", "size", "overlap", "expected"),
    [
        (0, 3, 1, []),
        (2, 3, 1, [(0, 2)]),
        (5, 3, 1, [(0, 3), (2, 5)]),
        (6, 3, 1, [(0, 3), (2, 5), (4, 6)]),
        (4, 2, 0, [(0, 2), (2, 4)]),
    ],
)
def test_sentence_windows(
    count: int, size: int, overlap: int, expected: list[tuple[int, int]]
) -> None:
    assert sentence_windows(count, size, overlap) == expected


def test_chunk_ids_are_content_hashes() -> None:
    text = BRIEFING.read_text(encoding="utf-8")
    first = chunk_document(_doc(text), chunk_size=3, chunk_overlap=1)
    edited = text.replace("Over 150 guests", "Over 160 guests")
    second = chunk_document(_doc(edited), chunk_size=3, chunk_overlap=1)
    changed = {c.id for c in first} ^ {c.id for c in second}
    assert len(changed) == 2  # only the paragraph-5 chunk that holds the sentence (old + new)
    assert fold("  a \n b ") == "a b"


def test_headings_join_the_first_chunk_of_the_paragraph_after_them() -> None:
    text = (
        "# Brannoch Island\n\n## Population\n\n"
        "In 2011 it had 5,830 inhabitants. In 2021 it had 5,602. Most live in Holmvik. "
        "The rest live in villages.\n\nA closing remark without a heading.\n\n## Trailing heading"
    )
    chunks = chunk_document(_doc(text), chunk_size=3, chunk_overlap=1)
    assert [c.sentence_texts() for c in chunks] == [
        (
            "# Brannoch Island",
            "## Population",
            "In 2011 it had 5,830 inhabitants.",
            "In 2021 it had 5,602.",
            "Most live in Holmvik.",
        ),
        ("Most live in Holmvik.", "The rest live in villages."),
        ("A closing remark without a heading.",),
        ("## Trailing heading",),
    ]
    assert [c.paragraph for c in chunks] == [3, 3, 4, 5]
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text


def test_a_one_sentence_paragraph_that_ends_like_a_sentence_is_not_a_heading() -> None:
    text = "Short and complete.\n\nNext paragraph here. And more."
    chunks = chunk_document(_doc(text), chunk_size=3, chunk_overlap=1)
    assert [c.text for c in chunks] == ["Short and complete.", "Next paragraph here. And more."]


def test_a_markdown_heading_is_a_heading_even_as_a_question() -> None:
    text = "## How often can rent go up?\n\nRent may rise once a year. Notice is two months."
    chunks = chunk_document(_doc(text), chunk_size=5, chunk_overlap=1)
    assert [c.sentence_texts() for c in chunks] == [
        ("## How often can rent go up?", "Rent may rise once a year.", "Notice is two months.")
    ]
