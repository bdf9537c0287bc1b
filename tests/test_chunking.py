from __future__ import annotations

import itertools
import unicodedata

import pytest

from assistant.documents.chunking import (
    chunk_document,
    fold,
    heading_flags,
    is_heading,
    sentence_windows,
)
from assistant.documents.loading import content_hash
from assistant.documents.normalized_text import normalize
from assistant.documents.segmentation import (
    MAX_CHUNK_CHARS,
    paragraph_blocks,
    paragraph_spans,
    split_long,
    split_sentences,
)
from assistant.types import Document, Span
from tests.conftest import BRIEFING, PARADE_SENTENCE

pytestmark = pytest.mark.unit


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
    parade = next(
        span
        for chunk in chunks
        for span, sentence in zip(chunk.sentences, chunk.sentence_texts(), strict=True)
        if sentence == PARADE_SENTENCE
    )
    assert parade.start == text.index(PARADE_SENTENCE)  # where it is, whatever the document


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


def test_a_sentence_glued_to_lower_case_words_is_text_not_a_heading() -> None:
    # syntok ends no sentence before a lower-case word, so a sentence and the link text after
    # it are one "sentence" that does not end like one: prose, all the same.
    text = "The Zephyr lighthouse was rebuilt by Quillon Marr in 1887. click me"
    assert [len(split_sentences(text))] == [1]
    assert not is_heading([text])
    assert not is_heading(["It was approved in March! read more"])
    assert [c.text for c in chunk_document(_doc(f"{text}\n\nNext one."), chunk_size=3,
                                           chunk_overlap=1)] == [text, "Next one."]  # fmt: skip
    # Titles stay titles, abbreviations (syntok's) included.
    for title in ("Museum Opens at Mill", "Dr. Smith arrives in Leith", "## Version 2.1"):
        assert is_heading([title]), title


def test_a_hash_mark_makes_a_heading_only_as_markdown_writes_one() -> None:
    assert is_heading(["# Brannoch Island"])
    assert is_heading(["###### Deep?"])
    assert is_heading(["#"])
    assert not is_heading(["#1 on the list was Quillon Marr."])
    assert not is_heading(["#hashtags were everywhere that year."])


def test_a_markdown_heading_is_a_heading_even_as_a_question() -> None:
    text = "## How often can rent go up?\n\nRent may rise once a year. Notice is two months."
    chunks = chunk_document(_doc(text), chunk_size=5, chunk_overlap=1)
    assert [c.sentence_texts() for c in chunks] == [
        ("## How often can rent go up?", "Rent may rise once a year.", "Notice is two months.")
    ]


def test_a_long_sentence_is_cut_after_a_clause_else_at_a_word() -> None:
    clauses = "; ".join(f"clause {i} runs on" for i in range(100))  # 1,888 characters
    pieces = [clauses[s.start : s.end] for s in split_long(clauses, Span(0, len(clauses)), 500)]
    assert all(len(p) <= 500 for p in pieces)
    assert all(p.endswith(";") for p in pieces[:-1])
    assert "; ".join(p.removesuffix(";") for p in pieces) == clauses
    words = " ".join(["word"] * 300)
    pieces = [words[s.start : s.end] for s in split_long(words, Span(0, len(words)), 100)]
    assert {len(p) for p in pieces[:-1]} == {99}
    assert " ".join(pieces) == words


def test_a_word_longer_than_the_limit_is_cut_but_not_between_letter_and_accent() -> None:
    word = "e\u0301" * 300  # one 600-character "word" of e + combining acute
    spans = split_long(word, Span(0, len(word)), 101)
    assert "".join(word[s.start : s.end] for s in spans) == word
    assert all(s.end - s.start <= 101 and not unicodedata.combining(word[s.start]) for s in spans)
    short = "Short enough."
    assert split_long(short, Span(0, len(short)), 100) == [Span(0, len(short))]


def test_a_long_paragraph_is_read_in_blocks_cut_after_sentences() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(100))
    blocks = list(paragraph_blocks(text, Span(0, len(text)), size=500))
    assert blocks[0].start == 0
    assert blocks[-1].end == len(text)
    for before, after in itertools.pairwise(blocks):
        assert before.end == after.start
        assert text[before.end - 1 : before.end + 1] == ". "
    assert all(b.end - b.start <= 500 for b in blocks)
    lines = "\n".join(["| a | b |"] * 200)  # a table: no sentence ends, cut at rows
    assert all(
        lines[b.end] == "\n" for b in list(paragraph_blocks(lines, Span(0, len(lines)), 100))[:-1]
    )


def test_a_window_closes_early_where_the_next_sentence_would_not_fit() -> None:
    lengths = [300, 300, 300, 300, 300, 900, 50]
    ends = [sum(lengths[: i + 1]) for i in range(len(lengths))]

    def fits(lo: int, hi: int) -> bool:
        return ends[hi - 1] - (ends[lo - 1] if lo else 0) <= 1000

    assert sentence_windows(7, 5, 1, fits) == [(0, 3), (2, 5), (4, 5), (5, 7)]
    assert sentence_windows(3, 5, 1, lambda lo, hi: False) == [(0, 1), (1, 2), (2, 3)]


def test_chunks_of_long_sentences_close_early_and_headings_that_do_not_fit_stand_alone() -> None:
    sentence = "It went on " + "and on " * 40 + "at last."  # 299 characters
    text = "## A heading\n\n" + " ".join([sentence] * 5) + "\n\nA closing remark."
    chunks = chunk_document(_doc(text), chunk_size=5, chunk_overlap=1)
    # The heading and three sentences (12 + 3 × 299 + 3 spaces = 912 characters), then the
    # last three: a fourth would pass MAX_CHUNK_CHARS.
    assert [len(c.sentences) for c in chunks] == [4, 3, 1]
    assert chunks[0].sentence_texts()[0] == "## A heading"
    assert all(len(fold(c.text)) <= MAX_CHUNK_CHARS for c in chunks)
    long_first = "## A heading\n\n" + "word " * 199 + "end."  # 1,000 characters
    chunks = chunk_document(_doc(long_first), chunk_size=5, chunk_overlap=1)
    assert [c.sentence_texts()[0][:12] for c in chunks] == ["## A heading", "word word wo"]
    assert [c.paragraph for c in chunks] == [1, 2]


def test_headings_are_read_as_the_chunker_placed_them_never_a_list_item() -> None:
    from assistant.documents.structure import markdown_structure

    raw = (
        "## Plan\n\n- Restore power first\n- Open the bridge\n\n"
        "The plan was agreed. It was revised in 1887\n\nCorran Point\n"
    )
    text, structure = markdown_structure(raw)
    document = Document("p.md", text, content_hash(text), structure=structure)
    flags = {
        texts: heading_flags(chunk)
        for chunk in chunk_document(document, chunk_size=5, chunk_overlap=1)
        for texts in [chunk.sentence_texts()]
    }
    assert flags == {
        ("## Plan", "Restore power first", "Open the bridge"): (True, False, False),
        ("The plan was agreed.", "It was revised in 1887"): (False, False),
        ("Corran Point",): (True,),  # a heading with nothing after it stands alone
    }
