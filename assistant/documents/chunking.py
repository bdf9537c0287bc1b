"""Normalise text without losing offsets, segment sentences, and window them into chunks."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from assistant.documents.structure import MARKER_ONLY
from assistant.types import Chunk, Document, Span, Structure

# Bumped whenever the same text would be cut into different chunks (2: headings join the
# paragraph after them; 3: list items and table rows are sentences of their own, chunks carry
# their heading path and pages; 4: a row's cells are joined by " · "; 5: a chunk opening with a
# list item opens with its marker; 6: a line holding a sentence end before a lower-case word,
# or starting "#1", is not a heading; 7: HTML link text after a sentence's end starts after
# it, a long PDF line repeating but for its digits is body text); cached evaluation
# stores and the file records of every store are keyed by it (a changed loader changes the
# text of files whose bytes did not change).
CHUNKER_VERSION = 7

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_NEWLINE = re.compile(r"\n")
_SPACE = re.compile(r"\s+")

# The longest sentence or chunk, in normalised characters: about what the embedder reads
# (all-MiniLM-L6-v2 reads 256 word pieces, ~3-4 characters each in prose). Longer sentences
# are cut at a clause or word boundary; a chunk ends early rather than grow past it.
MAX_CHUNK_CHARS = 1000
# Paragraphs longer than this are normalised and segmented a block at a time (cut after a
# sentence end where there is one): memory follows the block, not the paragraph.
BLOCK_CHARS = 10_000
_BLOCK_END = re.compile(r"[.!?…][\"'”’)\]]*\s")


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
