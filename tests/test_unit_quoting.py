"""Fast unit tests of quoting whole sentences from the sentence index
(assistant/answerers/quoting.py):
each sentence cited inside the chunk that holds it, with its page and section, or alone when
that chunk is gone; the passages the citations quote, once each, in order."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.answerers.quoting import cite, passages
from assistant.index.sentences import Sentence
from assistant.types import Chunk, Citation, Passage
from tests.fakes import make_chunk

pytestmark = pytest.mark.unit

TEXT = "The port reopened on Monday. Exports fell by a third. Cranes moved cargo again."
CHUNK = replace(
    make_chunk(TEXT, source="port.md", start=40, paragraph=2, id="port#0"),
    section=("Port", "Trade"),
    pages=(3, 4, 4),
)
OTHER = make_chunk("Gulls nest on the rocks.", source="birds.md", start=0, id="birds#0")


def sentence_of(chunk: Chunk, index: int) -> Sentence:
    """The index's sentence ``index`` of ``chunk`` (at its document offsets)."""
    span = chunk.sentences[index]
    return Sentence(
        source=chunk.source,
        position=index,
        start=span.start,
        end=span.end,
        paragraph=chunk.paragraph,
        chunk=chunk.id,
        centrality=0.5,
        text=chunk.sentence_texts()[index],
    )


EXPORTS = sentence_of(CHUNK, 1)


def test_a_sentence_is_cited_inside_its_chunk_with_its_page_and_section() -> None:
    (citation,) = cite([EXPORTS], {CHUNK.id: CHUNK})
    assert citation == Citation(
        marker=1,
        source="port.md",
        paragraph=2,
        start=EXPORTS.start,
        end=EXPORTS.end,
        quote="Exports fell by a third.",
        score=0.0,
        passage_start=40,
        passage_end=40 + len(TEXT),
        passage_text=TEXT,
        page=4,
        section=("Port", "Trade"),
    )


def test_a_sentence_whose_chunk_is_gone_is_cited_alone() -> None:
    for chunks in ({}, {CHUNK.id: OTHER}):  # missing, or another chunk under its id
        (citation,) = cite([EXPORTS], chunks)
        assert (citation.quote, citation.passage_text) == (EXPORTS.text, EXPORTS.text)
        assert (citation.passage_start, citation.passage_end) == (EXPORTS.start, EXPORTS.end)
        assert (citation.page, citation.section) == (None, ())


def test_a_chunk_must_hold_the_whole_sentence() -> None:
    # A chunk of the same text that starts one character later no longer holds it.
    later = replace(CHUNK, start=CHUNK.start + 1, end=CHUNK.end + 1)
    (citation,) = cite([sentence_of(CHUNK, 0)], {CHUNK.id: later})
    assert citation.passage_text == citation.quote == "The port reopened on Monday."
    shorter = replace(CHUNK, end=CHUNK.sentences[2].end - 1)
    (last,) = cite([sentence_of(CHUNK, 2)], {CHUNK.id: shorter})
    assert last.passage_text == last.quote == "Cranes moved cargo again."
    # A sentence that ends where the chunk ends, or starts where it starts, is held.
    (edge,) = cite([sentence_of(CHUNK, 2)], {CHUNK.id: CHUNK})
    assert edge.passage_text == TEXT


def test_markers_count_from_one_and_scores_are_given_in_order_or_zero() -> None:
    sentences = [sentence_of(CHUNK, 0), sentence_of(CHUNK, 2), sentence_of(OTHER, 0)]
    chunks = {CHUNK.id: CHUNK, OTHER.id: OTHER}
    citations = cite(sentences, chunks, scores=(5.0, 4.0))
    assert [(c.marker, c.score) for c in citations] == [(1, 5.0), (2, 4.0), (3, 0.0)]
    assert [c.quote for c in citations] == [
        "The port reopened on Monday.",
        "Cranes moved cargo again.",
        "Gulls nest on the rocks.",
    ]
    assert [c.page for c in citations] == [3, 4, None]


def test_the_passages_are_the_chunks_quoted_once_each_in_order_of_first_citation() -> None:
    sentences = [sentence_of(OTHER, 0), sentence_of(CHUNK, 0), sentence_of(CHUNK, 2)]
    chunks = {CHUNK.id: CHUNK, OTHER.id: OTHER}
    citations = cite(sentences, chunks, scores=(2.0, 7.0, 9.0))
    assert passages(citations, chunks) == (
        Passage(chunk=OTHER, score=2.0),
        Passage(chunk=CHUNK, score=7.0),
    )


def test_a_citation_of_a_sentence_alone_brings_no_passage() -> None:
    citations = cite([EXPORTS], {})
    assert passages(citations, {CHUNK.id: CHUNK}) == ()
