"""The structure of plain and Markdown text: headings, list items and table rows.

Markdown tables are rewritten at load into one line per row that carries its header cells
("Quarter: Q3 · Revenue: £4.1m."), so that a row reads as a sentence; every other character
stays where it was, and every offset of the structure indexes the text returned.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.types import Heading, Span, Structure

# A list item's marker at the start of a line: a bullet ("- ", "* ", "+ ", "• ", …), a number
# or a letter with a dot or bracket ("1. ", "12) ", "a) ", "(iv) "). Capital letters and
# Roman numerals with a dot are left out: "A. Smith said" is no list item.
_MARKER = r"(?:[-*+•▪◦‣–]|\d{1,3}[.)]|[a-z][.)]|\((?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})\))"
LIST_MARKER = re.compile(rf"[ \t]*{_MARKER}[ \t]+(?=\S)")
# A list marker alone (the text before an item's span, on its line).
MARKER_ONLY = re.compile(rf"\s*{_MARKER}\s*")
_FENCE = re.compile(r"[ \t]{0,3}(```|~~~)")
_ATX = re.compile(r"[ \t]{0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"[ \t]{0,3}(=+|-+)[ \t]*$")
_TABLE_LINE = re.compile(r"[ \t]*\|.*\|[ \t]*$")
_TABLE_RULE = re.compile(r"[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$")
_SENTENCE_END = re.compile(r"[.!?…]$")
# Between a row's cells. Not "; ": syntok ends a sentence at "; " before a capital letter, and
# answers are cut into sentences by it again (an answer quoting a row showed its last cell).
ROW_SEPARATOR = " · "


def _lines(text: str) -> list[tuple[int, str]]:
    """``(offset, line without its newline)`` of every line."""
    out = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]


def row_text(headers: Sequence[str], cells: Sequence[str]) -> str:
    """One table row as a sentence: "Header: cell · Header: cell." (a cell without a header,
    or under an empty one, stands alone; empty cells are left out)."""
    parts = []
    for index, cell in enumerate(cells):
        cell = " ".join(cell.split())
        if not cell:
            continue
        header = " ".join(headers[index].split()) if index < len(headers) else ""
        parts.append(f"{header}: {cell}" if header and header != cell else cell)
    text = ROW_SEPARATOR.join(parts)
    return text if not text or _SENTENCE_END.search(text) else f"{text}."


def rewrite_tables(text: str) -> tuple[str, tuple[Span, ...]]:
    """Markdown pipe tables (a header line, a rule line, body lines) rewritten as one line per
    body row; returns the new text and the rows' spans in it. Text without a table comes
    back as it was."""
    lines = text.split("\n")
    out: list[str] = []
    row_lines: list[int] = []
    index = 0
    fenced = False
    while index < len(lines):
        line = lines[index]
        if _FENCE.match(line):
            fenced = not fenced
        if (
            not fenced
            and _TABLE_LINE.match(line)
            and index + 1 < len(lines)
            and "|" in lines[index + 1]
            and _TABLE_RULE.match(lines[index + 1])
        ):
            headers = _cells(line)
            index += 2
            while index < len(lines) and _TABLE_LINE.match(lines[index]):
                row = row_text(headers, _cells(lines[index]))
                if row:
                    row_lines.append(len(out))
                    out.append(row)
                index += 1
            continue
        out.append(line)
        index += 1
    if not row_lines:
        return text, ()
    starts = [0]
    for line in out:
        starts.append(starts[-1] + len(line) + 1)
    rows = tuple(Span(starts[i], starts[i] + len(out[i])) for i in row_lines)
    return "\n".join(out), rows


def markdown_headings(text: str) -> tuple[Heading, ...]:
    """ATX (``# Title`` … ``###### Title``) and setext (a line over ``===`` or ``---``)
    headings outside fenced code; each span is the heading's text without its markers."""
    headings: list[Heading] = []
    fenced = False
    lines = _lines(text)
    for index, (offset, line) in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        atx = _ATX.match(line)
        if atx and atx.group(2):
            start = offset + atx.start(2)
            headings.append(
                Heading(start, start + len(atx.group(2)), len(atx.group(1)), atx.group(2))
            )
            continue
        if index + 1 < len(lines) and line.strip() and not LIST_MARKER.match(line):
            under = _SETEXT.match(lines[index + 1][1])
            previous_blank = index == 0 or not lines[index - 1][1].strip()
            if under and previous_blank and not _TABLE_LINE.match(line):
                stripped = line.strip()
                start = offset + line.index(stripped)
                level = 1 if under.group(1).startswith("=") else 2
                headings.append(Heading(start, start + len(stripped), level, stripped))
    return tuple(headings)


def list_items(text: str, *, skip: Sequence[Span] = ()) -> tuple[Span, ...]:
    """List items: a line that starts with a marker begins one, which runs to the next item,
    blank line or heading line; each span is the item's text after its marker (lines within
    ``skip``, e.g. table rows, are never items)."""
    items: list[Span] = []
    current: Span | None = None
    skipped = sorted((s.start, s.end) for s in skip)
    for offset, line in _lines(text):
        in_skip = any(lo <= offset < hi for lo, hi in skipped)
        marker = None if in_skip else LIST_MARKER.match(line)
        if marker is not None and _ATX.match(line) is None:
            if current is not None:
                items.append(current)
            current = Span(offset + marker.end(), offset + len(line.rstrip()))
        elif current is not None and line.strip() and not in_skip and not _ATX.match(line):
            current = Span(current.start, offset + len(line.rstrip()))  # a continuation
        elif current is not None:
            items.append(current)
            current = None
    if current is not None:
        items.append(current)
    return tuple(i for i in items if i.end > i.start)


def markdown_structure(text: str) -> tuple[str, Structure]:
    """The text of a Markdown file (its tables rewritten) and its structure."""
    text, rows = rewrite_tables(text)
    return text, Structure(
        headings=markdown_headings(text), items=list_items(text, skip=rows), rows=rows
    )


def plain_structure(text: str) -> Structure:
    """A plain text's list items (it has no headings we can be sure of)."""
    return Structure(items=list_items(text))
