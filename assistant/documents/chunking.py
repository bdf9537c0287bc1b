"""Window a document's sentences into chunks: sentence-aligned, within a paragraph, headings
carried into the paragraph after them, none longer than ``MAX_CHUNK_CHARS``."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable

from assistant.documents.segmentation import (
    MAX_CHUNK_CHARS,
    _marker_only,
    _paragraph_sentences,
    _Sentence,
    paragraph_spans,
    split_sentences,
)
from assistant.types import Chunk, Document, Span

# Bumped whenever the same text would be cut into different chunks (2: headings join the
# paragraph after them; 3: list items and table rows are sentences of their own, chunks carry
# their heading path and pages; 4: a row's cells are joined by " · "; 5: a chunk opening with a
# list item opens with its marker; 6: a line holding a sentence end before a lower-case word,
# or starting "#1", is not a heading; 7: HTML link text after a sentence's end starts after
# it, a long PDF line repeating but for its digits is body text); cached evaluation
# stores and the file records of every store are keyed by it (a changed loader changes the
# text of files whose bytes did not change).
CHUNKER_VERSION = 7


def _always(start: int, end: int) -> bool:
    return True


def sentence_windows(
    count: int, size: int, overlap: int, fits: Callable[[int, int], bool] = _always
) -> list[tuple[int, int]]:
    """Half-open index windows of ``size`` sentences sharing ``overlap`` with the previous one;
    a window also ends before sentences ``start..end`` stop to ``fits`` (it holds one at least)."""
    windows: list[tuple[int, int]] = []
    start = 0
    while start < count:
        end = start + 1
        while end < min(start + size, count) and fits(start, end + 1):
            end += 1
        windows.append((start, end))
        if end == count:
            break
        start = max(end - overlap, start + 1)
    return windows


def chunk_id(source: str, text: str, occurrence: int) -> str:
    digest = hashlib.sha256(f"{source}\x00{occurrence}\x00{text}".encode()).hexdigest()
    return digest[:32]


# A heading: a one-line paragraph of a few words that does not end like a sentence.
_HEADING_MAX_WORDS = 15
_SENTENCE_END = re.compile(r"[.!?…:;\"”’)]\s*$")
# A Markdown (ATX) heading: one to six "#" and then a space or nothing ("#1 on the list" and
# "#hashtags" are text).
_MARKDOWN_HEADING = re.compile(r"#{1,6}(?:\s|$)")
# A sentence end (with its closing quotes or brackets) and the first letter after it.
_STOP_THEN_LETTER = re.compile(r"[.!?…][\"'”’)\]]*\s+([^\W\d_])")


def is_heading(sentences: list[str]) -> bool:
    """Is a paragraph a title or section heading: a Markdown heading ("## How often can rent
    go up?"), or a short line that does not end like a sentence ("Museum Opens at Mill") and
    holds no sentence end inside ("… in 1887. click me" is a sentence and a link's text)?"""
    if len(sentences) != 1 or len(sentences[0].split()) > _HEADING_MAX_WORDS:
        return False
    text = sentences[0]
    if _MARKDOWN_HEADING.match(text):
        return True
    return not (_SENTENCE_END.search(text) or _holds_sentences(text))


def _holds_sentences(text: str) -> bool:
    """Whether ``text``, one sentence to syntok, is several once the case of the word after a
    sentence end no longer counts. syntok ends no sentence before a lower-case word (so that
    "approx. three" stays whole), which glues a sentence to link text or a fragment after it
    ("… in 1887. click me"): read with that letter in capitals, syntok's own rules say whether
    a sentence ends there ("Dr. Smith arrives" stays one)."""
    lower = [m.start(1) for m in _STOP_THEN_LETTER.finditer(text) if m.group(1).islower()]
    if not lower:
        return False
    letters = list(text)
    for at in lower:
        upper = letters[at].upper()
        letters[at] = upper if len(upper) == 1 else letters[at]  # "ß" → "SS" would shift offsets
    return len(split_sentences("".join(letters))) > 1


def heading_flags(chunk: Chunk) -> tuple[bool, ...]:
    """Which of ``chunk``'s sentences are headings, as ``chunk_document`` placed them: whole
    one-line paragraphs carried in front of the paragraph after them, or a chunk of headings
    alone. A paragraph's own last sentence is never one, whatever it looks like ("… It was
    rebuilt in 1887" without its full stop), nor is a list item ("- Restore power first")."""
    texts = chunk.sentence_texts()
    leading = 0
    while leading < len(texts) and is_heading([texts[leading]]) and not _list_item(chunk, leading):
        leading += 1
    return (True,) * leading + (False,) * (len(texts) - leading)


def _list_item(chunk: Chunk, index: int) -> bool:
    """Whether sentence ``index`` of ``chunk`` is a list item: only its marker stands before it
    on its line (a chunk opening with an item opens with its marker)."""
    line = chunk.text[: chunk.sentences[index].start - chunk.start].rsplit("\n", 1)[-1]
    return bool(line) and _marker_only(line)


def _length(sentences: list[_Sentence]) -> int:
    """Normalised characters of consecutive sentences: their own and a space between each two
    (no space is there when one runs into the next: counting one is on the safe side)."""
    return sum(len(s.text) + 1 for s in sentences) - 1 if sentences else 0


def chunk_document(document: Document, *, chunk_size: int, chunk_overlap: int) -> list[Chunk]:
    """Sentence-aligned chunks of one document; offsets index ``document.text`` exactly.

    Chunks never cross a paragraph, except that headings are carried into the first chunk of
    the paragraph after them (on top of its ``chunk_size`` sentences), so a section's first
    passage says what the section is about and no chunk is a bare title. No chunk is longer
    than ``MAX_CHUNK_CHARS`` normalised characters: a window of sentences closes early, and
    headings that would not fit stand alone.
    """
    chunks: list[Chunk] = []
    seen: Counter[str] = Counter()
    headings: list[_Sentence] = []
    heading_paragraph = 0
    structure = document.structure
    heading_starts = sorted(h.start for h in structure.headings)

    def emit(window: list[_Sentence], number: int, body: int = 0) -> None:
        """A chunk of ``window``'s sentences; its body (for the heading path) begins at
        sentence ``body`` (the carried headings come before it)."""
        start, end = window[0].span.start, window[-1].span.end
        start = _with_marker(document.text, start)
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
                sentences=tuple(s.span for s in window),
                document_hash=document.content_hash,
                section=structure.section_at(window[min(body, len(window) - 1)].span.start),
                pages=tuple(structure.page_at(s.span.start) or 0 for s in window)
                if structure.pages
                else (),
            )
        )

    for number, para in enumerate(paragraph_spans(document.text), start=1):
        sentences, listed = _paragraph_sentences(document.text, para, structure)
        if headings and _length([*headings, *sentences[:1]]) > MAX_CHUNK_CHARS:
            # No room for them in front: they stand alone.
            emit(headings, heading_paragraph, len(headings) - 1)
            headings, heading_paragraph = [], 0
        marked = len(sentences) == 1 and _heading_span(sentences[0].span, heading_starts)
        if not listed and (marked or is_heading([s.text for s in sentences])):
            heading_paragraph = heading_paragraph or number
            headings.extend(sentences)
            continue
        lead = _length(headings) + 1 if headings else 0
        before = [0]
        for sentence in sentences:
            before.append(before[-1] + len(sentence.text) + 1)

        def fits(lo: int, hi: int, lead: int = lead, before: list[int] = before) -> bool:
            return (lead if lo == 0 else 0) + before[hi] - before[lo] - 1 <= MAX_CHUNK_CHARS

        for index, (lo, hi) in enumerate(
            sentence_windows(len(sentences), chunk_size, chunk_overlap, fits)
        ):
            lead_in = headings if index == 0 else []
            emit(lead_in + sentences[lo:hi], number, len(lead_in))
        headings, heading_paragraph = [], 0
    if headings:  # headings with nothing after them stand alone
        emit(headings, heading_paragraph, len(headings) - 1)
    return chunks


def _with_marker(text: str, start: int) -> int:
    """Where a chunk whose first sentence begins at ``start`` begins: at its line's start when
    only a list marker stands before it there ("1. Finish the search …"), so the chunk's text
    shows the item as an item; else at ``start``."""
    line = text.rfind("\n", 0, start) + 1
    return line if line < start and _marker_only(text[line:start]) else start


def _heading_span(span: Span, starts: list[int]) -> bool:
    """Whether the sentence ``span`` holds the start of a heading the document's structure
    names (``starts``: the headings' starts, in order)."""
    at = bisect_left(starts, span.start)
    return at < len(starts) and starts[at] < span.end


def fold(text: str) -> str:
    """The normalised form of a text span (what embeddings, BM25 and the reader see)."""
    return " ".join(unicodedata.normalize("NFC", text).split())
