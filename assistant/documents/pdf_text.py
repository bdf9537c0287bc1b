"""The text of a PDF's text layer through PDFium (pypdfium2), rebuilt into paragraphs.

PDFium gives each page's text as line segments with their boxes, in the order of the page's
content (for the PDFs writers make, a column at a time). From them: running headers and
footers (a line in the top or bottom band repeated on most pages, digits aside) and page
numbers are dropped; lines join into paragraphs, which end at a wider gap than the page's
usual line spacing, a list marker, or a short line closing a sentence; a word hyphenated
across lines is joined; ligatures (ﬁ, ﬂ, …) become their letters. Pages are joined by a
blank line (a paragraph running on to the next page by a space), and the structure
records where each page starts.
"""

from __future__ import annotations

import itertools
import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from assistant.documents.limits import ReadLimits
from assistant.documents.structure import LIST_MARKER, list_items
from assistant.errors import UnsupportedFileError
from assistant.types import Structure

logger = logging.getLogger(__name__)

# A hyphen PDFium marks as ending a line (U+0002 from its bounded text, U+FFFE from ranges),
# and soft hyphens: none of them is text.
_LINE_HYPHENS = "\x02\ufffe"
_INVISIBLE = str.maketrans({"\x02": None, "\ufffe": None, "\xad": None, "\x00": None})
_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)
# The share of a page's height at its top and bottom where running headers and footers sit.
_BAND = 0.08
_PAGE_NUMBER = re.compile(
    r"(?i)^(?:page\s*)?(?:\d{1,5}|[ivxlcdm]{1,7})(?:\s*(?:of|/)\s*\d{1,5})?$|^[-–—]\s*\d{1,5}\s*[-–—]$"
)
_SENTENCE_END = re.compile(r"[.!?…:;\"”’)]$")


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a page: its text and box (PDF units, y up)."""

    text: str
    left: float
    bottom: float
    right: float
    top: float

    @property
    def height(self) -> float:
        return self.top - self.bottom


def read_pdf(path: Path, name: str, limits: ReadLimits) -> tuple[str, Structure]:
    """The text of the PDF at ``path`` and where its pages start; ``UnsupportedFileError``
    (one line, naming the file as ``name``) for what cannot be read."""
    import pypdfium2 as pdfium

    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        raise UnsupportedFileError(f"{name} is not a PDF (it does not start like one).")
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD:
            raise UnsupportedFileError(
                f"{name} is encrypted and needs a password; save a copy without one."
            ) from None
        raise UnsupportedFileError(f"{name} is damaged or not a PDF that can be read.") from None
    try:
        count = len(document)
        if count == 0:
            raise UnsupportedFileError(f"{name} has no pages.")
        if count > limits.max_pages:
            raise UnsupportedFileError(
                f"{name} has {count:,} pages; the limit is {limits.max_pages:,}"
                f" page{'s' if limits.max_pages != 1 else ''} a file."
            )
        pages: list[tuple[list[Line], float]] = []
        characters = 0
        for index in range(count):
            lines, height, page_characters = _page_lines(
                document, index, name, limits.max_chars - characters
            )
            if page_characters < 0:
                raise UnsupportedFileError(
                    f"{name} holds more than {limits.max_chars:,} characters of text;"
                    " that is the limit a file."
                )
            characters += page_characters
            pages.append((lines, height))
        if not characters:
            if _has_images(document, count):
                raise UnsupportedFileError(
                    f"{name} has no text layer — scanned pages are not supported."
                )
            raise UnsupportedFileError(f"{name} contains no text.")
    finally:
        document.close()
    kept = drop_running_lines(pages)
    return join_pages([paragraphs(lines) for lines in kept])


def _page_lines(
    document: object, index: int, name: str, budget: int
) -> tuple[list[Line], float, int]:
    """A page's lines, its height and how many characters PDFium found on it (-1, and no
    line read, when that is more than ``budget``)."""
    import pypdfium2 as pdfium

    assert isinstance(document, pdfium.PdfDocument)
    try:
        page = document[index]
    except pdfium.PdfiumError:
        raise UnsupportedFileError(f"{name} is damaged: page {index + 1} cannot be read.") from None
    try:
        height = float(page.get_height())
        textpage = page.get_textpage()
        try:
            characters = textpage.count_chars()
            if characters > budget:
                return [], height, -1
            lines: list[Line] = []
            for rect_index in range(textpage.count_rects()):
                left, bottom, right, top = textpage.get_rect(rect_index)
                text = textpage.get_text_bounded(left, bottom, right, top)
                text = " ".join(text.replace("\r", " ").replace("\n", " ").split())
                if not text:
                    continue
                segment = Line(text, left, bottom, right, top)
                if lines and _same_line(lines[-1], segment):
                    lines[-1] = _merge(lines[-1], segment)
                else:
                    lines.append(segment)
            return lines, height, characters
        finally:
            textpage.close()
    finally:
        page.close()


def _same_line(a: Line, b: Line) -> bool:
    """Two segments on one line: vertically overlapping by most of the smaller, ``b`` after
    ``a``."""
    overlap = min(a.top, b.top) - max(a.bottom, b.bottom)
    return overlap > 0.5 * min(a.height, b.height) and b.left >= a.right - 1


def _merge(a: Line, b: Line) -> Line:
    gap = b.left - a.right
    joint = "" if gap < 0.15 * max(a.height, b.height) or a.text.endswith(" ") else " "
    return Line(
        a.text + joint + b.text,
        a.left,
        min(a.bottom, b.bottom),
        b.right,
        max(a.top, b.top),
    )


def _has_images(document: object, count: int) -> bool:
    import pypdfium2 as pdfium

    assert isinstance(document, pdfium.PdfDocument)
    for index in range(min(count, 50)):
        page = document[index]
        try:
            if any(True for _ in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE])):
                return True
        finally:
            page.close()
    return False


# Words a running header or footer has at most when it repeats but for its digits ("Report
# 2024 · page 3"); a longer line is running only when it repeats word for word (a sentence
# such as "The gauge read 4 metres on day 1." is body text however often its shape repeats).
_RUNNING_WORDS = 8


def _running_key(text: str) -> str:
    words = " ".join(text.lower().split())
    return re.sub(r"\d+", "#", words) if len(words.split()) <= _RUNNING_WORDS else words


def drop_running_lines(pages: list[tuple[list[Line], float]]) -> list[list[Line]]:
    """Each page's lines without its running headers and footers and its page numbers.

    A running line is one of the two top or bottom lines of a page, in the page's top or
    bottom band, whose text (digits aside, for a line of at most ``_RUNNING_WORDS`` words) is
    in that band on at least half the pages, and on two at least; a page number is such a
    line that is only a number, "Page 3", "3 of 12" or "- 3 -"."""
    bands: list[list[tuple[int, str]]] = []  # per page: (line index, key) of its band lines
    seen: Counter[str] = Counter()
    for lines, height in pages:
        mine = []
        by_height = sorted(range(len(lines)), key=lambda i: lines[i].bottom)
        edges = set(by_height[:2] + by_height[-2:])  # the two lowest and highest lines
        for index in sorted(edges):
            where = _band(lines[index], height)
            if where:
                mine.append((index, f"{where}:{_running_key(lines[index].text)}"))
        bands.append(mine)
        seen.update({key for _, key in mine})
    needed = max(2, (len(pages) + 1) // 2)
    kept: list[list[Line]] = []
    for (lines, _), mine in zip(pages, bands, strict=True):
        drop = {
            index
            for index, key in mine
            if seen[key] >= needed or _PAGE_NUMBER.match(lines[index].text.strip())
        }
        kept.append([line for index, line in enumerate(lines) if index not in drop])
    return kept


def _band(line: Line, height: float) -> str:
    if height <= 0:
        return ""
    if line.bottom >= height * (1 - _BAND):
        return "top"
    if line.top <= height * _BAND:
        return "bottom"
    return ""


def paragraphs(lines: list[Line]) -> list[str]:
    """One page's lines rebuilt into paragraphs (a list item's lines stay one line each:
    items are joined to their neighbours by a line break, not a space)."""
    if not lines:
        return []
    heights = [line.height for line in lines if line.height > 0]
    height = statistics.median(heights) if heights else 10.0
    steps = [
        a.bottom - b.bottom
        for a, b in itertools.pairwise(lines)
        if 0 < a.bottom - b.bottom < 3 * height
    ]
    # The line spacing within a paragraph: the smallest step down (a page of short
    # paragraphs has more steps between paragraphs than within them).
    step = max(min(steps), 0.8 * height) if steps else 1.2 * height
    right = max(line.right for line in lines)
    out: list[str] = []
    current = ""
    previous: Line | None = None
    for line in lines:
        text = line.text
        if previous is None:
            current = text
        else:
            drop = previous.bottom - line.bottom
            item = LIST_MARKER.match(text) is not None
            ended = _SENTENCE_END.search(previous.text.rstrip(_LINE_HYPHENS)) is not None
            new_column = drop < -0.5 * height
            short = previous.right < right - 4 * height
            if (
                drop > 1.45 * step
                or (new_column and (ended or not text[:1].islower()))
                or (ended and short and not item)
                or (ended and line.left > previous.left + 1.5 * height and not new_column)
            ):
                out.append(current)
                current = text
            elif item:
                current += "\n" + text
            else:
                current = join_lines(current, text)
        previous = line
    out.append(current)
    return [_clean(p) for p in out if p.strip()]


def join_lines(before: str, after: str) -> str:
    """Two lines of one paragraph: a word hyphenated at the line end joined ("para-" +
    "graph"), anything else by a space."""
    stripped = before.rstrip()
    if stripped[-1:] in _LINE_HYPHENS or stripped.endswith("-"):
        stem = stripped.rstrip(_LINE_HYPHENS).removesuffix("-") if stripped else stripped
        if stem[-1:].isalpha() and after[:1].islower():
            return stem + after
        return stem + "-" + after
    return f"{stripped} {after}"


def _clean(text: str) -> str:
    return text.translate(_INVISIBLE).translate(_LIGATURES).strip()


def join_pages(pages: list[list[str]]) -> tuple[str, Structure]:
    """Pages of paragraphs as one text with a blank line between paragraphs; a paragraph that
    does not end a sentence and whose next page begins in lower case runs on by a space."""
    text = ""
    starts: list[int] = []
    for paras in pages:
        if not paras:
            starts.append(len(text))
            continue
        first = paras[0]
        if text and not _SENTENCE_END.search(text) and first[:1].islower():
            text += " "
            starts.append(len(text))
            text += "\n\n".join(paras)
            continue
        if text:
            text += "\n\n"
        starts.append(len(text))
        text += "\n\n".join(paras)
    return text, Structure(pages=tuple(starts), items=list_items(text))
