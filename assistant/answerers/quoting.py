"""Citations of whole sentences from the sentence index, and the passages that hold them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assistant.index.sentences import Sentence
from assistant.types import Chunk, Citation, Passage


def cite(
    sentences: Sequence[Sentence], chunks: Mapping[str, Chunk], scores: Sequence[float] = ()
) -> tuple[Citation, ...]:
    """One citation per sentence, numbered from 1 in order, each quoting the sentence inside
    the chunk that holds it, with its page and section (the sentence alone, with neither,
    when that chunk is gone)."""
    citations = []
    page: int | None
    section: tuple[str, ...]
    for marker, sentence in enumerate(sentences, start=1):
        chunk = chunks.get(sentence.chunk)
        if chunk is None or not chunk.start <= sentence.start < sentence.end <= chunk.end:
            start, end, text = sentence.start, sentence.end, sentence.text
            page, section = None, ()
        else:
            start, end, text = chunk.start, chunk.end, chunk.text
            page, section = chunk.page_at(sentence.start), chunk.section
        citations.append(
            Citation(
                marker=marker,
                source=sentence.source,
                paragraph=sentence.paragraph,
                start=sentence.start,
                end=sentence.end,
                quote=text[sentence.start - start : sentence.end - start],
                score=scores[marker - 1] if len(scores) >= marker else 0.0,
                passage_start=start,
                passage_end=end,
                passage_text=text,
                page=page,
                section=section,
            )
        )
    return tuple(citations)


def passages(citations: Sequence[Citation], chunks: Mapping[str, Chunk]) -> tuple[Passage, ...]:
    """The distinct chunks the citations quote, in order of first citation."""
    by_place = {(c.source, c.start, c.end): c for c in chunks.values()}
    seen: dict[tuple[str, int, int], Passage] = {}
    for citation in citations:
        key = (citation.source, citation.passage_start, citation.passage_end)
        chunk = by_place.get(key)
        if chunk is not None and key not in seen:
            seen[key] = Passage(chunk=chunk, score=citation.score)
    return tuple(seen.values())
