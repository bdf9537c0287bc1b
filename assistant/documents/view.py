"""A document as the store holds it: its text rebuilt from its chunks at their exact offsets,
and where each page begins."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from assistant.errors import StoreError
from assistant.protocols import DocumentChunks
from assistant.types import Chunk


def document_view(
    store: DocumentChunks,
    source: str,
    *,
    around: Sequence[tuple[int, int]] = (),
    context: int = 2000,
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The document's text (gaps as newlines; with ``around``, only the text within
    ``context`` characters of those spans, the rest newlines) and ``(offset, page)`` where
    each page begins within it (empty without pages)."""
    entry = store.entries().get(source) if around else None
    if entry is None or entry.length < 0:
        chunks = store.chunks_of(source)
        length = max((c.end for c in chunks), default=0)
    else:
        length = entry.length
        chunks = []
        for lo, hi in _merged([(max(0, a - context), b + context) for a, b in around]):
            chunks += store.chunks_between(source, lo, hi)
    if not chunks:
        raise StoreError(f"No document named {source!r} is in the store.")
    pieces: list[str] = []
    position = 0
    for chunk in sorted(chunks, key=lambda c: c.start):
        if chunk.end <= position:
            continue
        pieces.append("\n" * (chunk.start - position))
        pieces.append(chunk.text[max(0, position - chunk.start) :])
        position = chunk.end
    pieces.append("\n" * (length - position))
    return "".join(pieces), page_starts(chunks)


def page_starts(chunks: Iterable[Chunk]) -> tuple[tuple[int, int], ...]:
    """``(offset, page)`` of the first sentence of each page the chunks' sentences are on."""
    first: dict[int, int] = {}
    for chunk in chunks:
        for sentence, page in zip(chunk.sentences, chunk.pages, strict=False):
            if page and (page not in first or sentence.start < first[page]):
                first[page] = sentence.start
    return tuple(sorted((offset, page) for page, offset in first.items()))


def _merged(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans joined, in order."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out
