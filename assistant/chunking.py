"""Normalise text without losing offsets, segment sentences, and window them into chunks."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from assistant.types import Chunk, Document, Span

# Bumped whenever the same text would be cut into different chunks (2: headings join the
# paragraph after them); cached evaluation stores are keyed by it.
CHUNKER_VERSION = 2

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_NEWLINE = re.compile(r"\n")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """NFC text with whitespace runs folded to one space; ``starts[i]``/``ends[i]`` give the
    original half-open range that normalised character ``i`` came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> Span:
        return Span(self.starts[start], self.ends[end - 1])


def normalize(text: str, offset: int = 0) -> NormalizedText:
    """NFC-normalise and fold whitespace, keeping a map back to ``offset``-based positions."""
    if not unicodedata.is_normalized("NFC", text):
        return _normalize_slowly(text, offset)
    # Already NFC (the usual case): only whitespace runs change, so map whole runs at once.
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    space_len = 0
    for match in _SPACE.finditer(text):
        lo, hi = match.span()
        if lo > pos:
            if out:
                out.append(" ")
                starts.append(offset + pos - space_len)
                ends.append(offset + pos)
            out.append(text[pos:lo])
            starts.extend(range(offset + pos, offset + lo))
            ends.extend(range(offset + pos + 1, offset + lo + 1))
        space_len = hi - lo
        pos = hi
    if pos < len(text):
        if out:
            out.append(" ")
            starts.append(offset + pos - space_len)
            ends.append(offset + pos)
        out.append(text[pos:])
        starts.extend(range(offset + pos, offset + len(text)))
        ends.extend(range(offset + pos + 1, offset + len(text) + 1))
    return NormalizedText("".join(out), tuple(starts), tuple(ends))


def _normalize_slowly(text: str, offset: int) -> NormalizedText:
    """Character by character: NFC applied to each base character with its combining marks."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        if text[i].isspace():
            while j < n and text[j].isspace():
                j += 1
            if out and out[-1] != " ":
                out.append(" ")
                starts.append(offset + i)
                ends.append(offset + j)
            i = j
            continue
        while j < n and unicodedata.combining(text[j]):
            j += 1
        for ch in unicodedata.normalize("NFC", text[i:j]):
            out.append(ch)
            starts.append(offset + i)
            ends.append(offset + j)
        i = j
    if out and out[-1] == " ":
        out.pop()
        starts.pop()
        ends.pop()
    return NormalizedText("".join(out), tuple(starts), tuple(ends))


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


def sentence_windows(count: int, size: int, overlap: int) -> list[tuple[int, int]]:
    """Half-open index windows of ``size`` sentences sharing ``overlap`` with the previous one."""
    if count <= size:
        return [(0, count)] if count else []
    step = size - overlap
    windows = []
    start = 0
    while True:
        end = min(start + size, count)
        windows.append((start, end))
        if end == count:
            return windows
        start += step


def chunk_id(source: str, text: str, occurrence: int) -> str:
    digest = hashlib.sha256(f"{source}\x00{occurrence}\x00{text}".encode()).hexdigest()
    return digest[:32]


# A heading: a one-line paragraph of a few words that does not end like a sentence.
_HEADING_MAX_WORDS = 15
_SENTENCE_END = re.compile(r"[.!?…:;\"”’)]\s*$")


def is_heading(sentences: list[str]) -> bool:
    """Is a paragraph a title or section heading: a Markdown heading ("## How often can rent
    go up?"), or a short line that does not end like a sentence ("Museum Opens at Mill")?"""
    if len(sentences) != 1 or len(sentences[0].split()) > _HEADING_MAX_WORDS:
        return False
    return sentences[0].startswith("#") or not _SENTENCE_END.search(sentences[0])


def chunk_document(document: Document, *, chunk_size: int, chunk_overlap: int) -> list[Chunk]:
    """Sentence-aligned chunks of one document; offsets index ``document.text`` exactly.

    Chunks never cross a paragraph, except that headings are carried into the first chunk of
    the paragraph after them (on top of its ``chunk_size`` sentences), so a section's first
    passage says what the section is about and no chunk is a bare title.
    """
    chunks: list[Chunk] = []
    seen: Counter[str] = Counter()
    headings: list[Span] = []
    heading_paragraph = 0

    def emit(window: tuple[Span, ...], number: int) -> None:
        start, end = window[0].start, window[-1].end
        text = document.text[start:end]
        key = " ".join(text.split())
        occurrence = seen[key]
        seen[key] += 1
        chunks.append(
            Chunk(
                id=chunk_id(document.source, key, occurrence),
                source=document.source,
                paragraph=number,
                start=start,
                end=end,
                text=text,
                sentences=window,
                document_hash=document.content_hash,
            )
        )

    for number, para in enumerate(paragraph_spans(document.text), start=1):
        norm = normalize(document.text[para.start : para.end], offset=para.start)
        spans = split_sentences(norm.text)
        sentences = [norm.original_span(s.start, s.end) for s in spans]
        if is_heading([norm.text[s.start : s.end] for s in spans]):
            heading_paragraph = heading_paragraph or number
            headings.extend(sentences)
            continue
        for index, (lo, hi) in enumerate(
            sentence_windows(len(sentences), chunk_size, chunk_overlap)
        ):
            prefix = tuple(headings) if index == 0 else ()
            emit(prefix + tuple(sentences[lo:hi]), number)
        headings, heading_paragraph = [], 0
    if headings:  # headings with nothing after them stand alone
        emit(tuple(headings), heading_paragraph)
    return chunks


def fold(text: str) -> str:
    """The normalised form of a text span (what embeddings, BM25 and the reader see)."""
    return " ".join(unicodedata.normalize("NFC", text).split())
