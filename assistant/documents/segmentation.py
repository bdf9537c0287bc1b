"""A document's text into paragraphs and sentences: blank-line paragraphs, long ones read a
block at a time, syntok's sentences, long sentences cut; list items and table rows alone."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.documents.normalized_text import normalize
from assistant.documents.structure import MARKER_ONLY
from assistant.types import Span, Structure

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_NEWLINE = re.compile(r"\n")

# The longest sentence or chunk, in normalised characters: about what the embedder reads
# (all-MiniLM-L6-v2 reads 256 word pieces, ~3-4 characters each in prose). Longer sentences
# are cut at a clause or word boundary; a chunk ends early rather than grow past it.
MAX_CHUNK_CHARS = 1000
# Paragraphs longer than this are normalised and segmented a block at a time (cut after a
# sentence end where there is one): memory follows the block, not the paragraph.
BLOCK_CHARS = 10_000
_BLOCK_END = re.compile(r"[.!?…][\"'”’)\]]*\s")


def paragraph_spans(text: str) -> list[Span]:
    """Paragraphs split on blank lines, or on single newlines when the text has no blank line."""
    splitter = _BLANK_LINE if _BLANK_LINE.search(text) else _NEWLINE
    spans: list[Span] = []
    pos = 0
    for match in [*splitter.finditer(text), None]:
        end = match.start() if match else len(text)
        if text[pos:end].strip():
            spans.append(Span(pos, end))
        if match:
            pos = match.end()
    return spans


def split_sentences(text: str) -> list[Span]:
    """Sentence spans (syntok) of an already normalised paragraph."""
    import syntok.segmenter

    spans: list[Span] = []
    for paragraph in syntok.segmenter.analyze(text):
        for sentence in paragraph:
            tokens = list(sentence)
            if tokens:
                last = tokens[-1]
                spans.append(Span(tokens[0].offset, last.offset + len(last.value)))
    return spans


def split_long(text: str, span: Span, limit: int = MAX_CHUNK_CHARS) -> list[Span]:
    """``span`` of ``text`` (normalised: single spaces) in pieces of at most ``limit``
    characters, each cut after the last "; " or ", " in its second half, else at its last
    space, else (one endless word) at the limit."""
    pieces = []
    start = span.start
    while span.end - start > limit:
        end, start_next = _cut(text, start, start + limit)
        pieces.append(Span(start, end))
        start = start_next
    pieces.append(Span(start, span.end))
    return pieces


def _cut(text: str, start: int, limit: int) -> tuple[int, int]:
    """Where a piece of ``text[start:]`` ending by ``limit`` ends, and the next one starts."""
    for separator in ("; ", ", "):
        at = text.rfind(separator, (start + limit) // 2, limit + 1)
        if at > start:
            return at + 1, at + 2
    at = text.rfind(" ", start + 1, limit + 1)
    if at > start:
        return at, at + 1
    while limit > start + 1 and unicodedata.combining(text[limit]):
        limit -= 1  # keep an accent with its letter
    return limit, limit


def paragraph_blocks(text: str, para: Span, size: int = BLOCK_CHARS) -> Iterator[Span]:
    """``para`` in spans of at most ``size`` characters, cut after the last sentence end in a
    block's second half, else at its last line break, else at its last space."""
    start = para.start
    while para.end - start > size:
        limit = start + size
        middle = start + size // 2
        ends = [m.end() - 1 for m in _BLOCK_END.finditer(text, middle, limit)]
        cut = ends[-1] if ends else text.rfind("\n", middle, limit)
        if cut <= start:
            cut = max(text.rfind(" ", start + 1, limit), text.rfind("\t", start + 1, limit))
        if cut <= start:
            cut = limit
        yield Span(start, cut)
        start = cut
    yield Span(start, para.end)


@dataclass(frozen=True, slots=True)
class _Sentence:
    """A sentence's span in the document and its normalised text."""

    span: Span
    text: str


def _sentences(text: str, para: Span) -> list[_Sentence]:
    """The sentences of one stretch of text, none longer than ``MAX_CHUNK_CHARS``."""
    sentences = []
    for block in paragraph_blocks(text, para):
        norm = normalize(text[block.start : block.end], offset=block.start)
        for sentence in split_sentences(norm.text):
            for piece in split_long(norm.text, sentence):
                span = norm.original_span(piece.start, piece.end)
                sentences.append(_Sentence(span, norm.text[piece.start : piece.end]))
    return sentences


def _whole(text: str, unit: Span) -> list[_Sentence]:
    """A table row as one sentence (cut only when longer than ``MAX_CHUNK_CHARS``)."""
    norm = normalize(text[unit.start : unit.end], offset=unit.start)
    if not norm.text:
        return []
    return [
        _Sentence(norm.original_span(p.start, p.end), norm.text[p.start : p.end])
        for p in split_long(norm.text, Span(0, len(norm.text)))
    ]


def _marker_only(text: str) -> bool:
    """Whether ``text`` (a gap before a list item, on its line) is only the item's marker."""
    return MARKER_ONLY.fullmatch(text) is not None


def _paragraph_sentences(
    text: str, para: Span, structure: Structure
) -> tuple[list[_Sentence], bool]:
    """The sentences of one paragraph: each list item and table row of ``structure`` inside
    it on its own (an item without its marker, a row whole), the text around them as usual;
    and whether the paragraph holds an item or row."""
    units = sorted(
        [(u, False) for u in structure.items if para.start <= u.start < para.end]
        + [(u, True) for u in structure.rows if para.start <= u.start < para.end],
        key=lambda pair: pair[0].start,
    )
    if not units:
        return _sentences(text, para), False
    sentences: list[_Sentence] = []
    pos = para.start
    for unit, whole in units:
        if unit.start < pos:
            continue
        line_start = max(pos, text.rfind("\n", pos, unit.start) + 1)
        gap_end = line_start if _marker_only(text[line_start : unit.start]) else unit.start
        if text[pos:gap_end].strip():
            sentences += _sentences(text, Span(pos, gap_end))
        end = min(unit.end, para.end)
        sentences += (
            _whole(text, Span(unit.start, end))
            if whole
            else _sentences(text, Span(unit.start, end))
        )
        pos = end
    if text[pos : para.end].strip():
        sentences += _sentences(text, Span(pos, para.end))
    return sentences, True
