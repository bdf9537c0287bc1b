"""Text normalised (NFC, whitespace folded) without losing offsets: a map from each normalised
character back to the range of the original it came from."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistant.types import Span

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
