"""Citation markers: render, parse, and verify each cited sentence against its passage."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.documents.chunking import fold
from assistant.documents.segmentation import split_sentences
from assistant.types import Citation, ShortAnswer

MARKER = re.compile(r"\s*\[(\d{1,4})\]")  # a longer "number" is text
_PUNCT = r"([.!?…]+[\"”’)]*)"
_TRAILING_PUNCT = re.compile(_PUNCT + "$")
_LEADING_PUNCT = re.compile(_PUNCT)
_WORD = re.compile(r"\w+")
_ABBREVIATION_END = re.compile(r"(?:\b[A-Z]\.){2,}$")  # "U.S.", "U.N."


@dataclass(frozen=True, slots=True)
class CitedSentence:
    text: str
    marker: int | None


def with_marker(sentence: str, marker: int) -> str:
    """``"… May 9."`` → ``"… May 9 [1]."``: the marker sits before the closing punctuation —
    but after an abbreviation's full stop (``"U.S."`` → ``"U.S. [1]"``)."""
    match = _TRAILING_PUNCT.search(sentence)
    if match and not _ABBREVIATION_END.search(sentence):
        return f"{sentence[: match.start()]} [{marker}]{match.group(1)}"
    return f"{sentence} [{marker}]"


def split_cited(text: str) -> list[CitedSentence]:
    """Cut an answer after each marker (and its closing punctuation) into cited sentences."""
    pieces: list[CitedSentence] = []
    pos = 0
    for match in MARKER.finditer(text):
        end = match.end()
        tail = _LEADING_PUNCT.match(text, end)
        stop = tail.end() if tail else end
        body = (text[pos : match.start()] + (tail.group(1) if tail else "")).strip()
        # Only the last sentence before a marker is cited by it.
        *uncited, cited = _sentences(body) or [""]
        pieces.extend(CitedSentence(s.strip(), None) for s in uncited if s.strip())
        if cited.strip():
            pieces.append(CitedSentence(cited.strip(), int(match.group(1))))
        pos = stop
    pieces.extend(CitedSentence(s, None) for s in _sentences(text[pos:]))
    return pieces


def _sentences(text: str) -> list[str]:
    """Sentences of a stretch of answer text (the same segmenter as ingestion)."""
    folded = fold(text)
    return [folded[s.start : s.end] for s in split_sentences(folded)]


def quote_matches_passage(citation: Citation) -> bool:
    """The quote is exactly the passage text at the cited offsets."""
    lo = citation.start - citation.passage_start
    hi = citation.end - citation.passage_start
    return 0 <= lo < hi <= len(citation.passage_text) and (
        citation.passage_text[lo:hi] == citation.quote
    )


def supported(sentence: str, citation: Citation, *, min_recall: float = 0.8) -> bool:
    """A sentence is supported when it is a span of its quote, or (for paraphrase) when at
    least ``min_recall`` of its words occur in the quoted passage."""
    if not quote_matches_passage(citation):
        return False
    claim = fold(sentence).lower()
    if claim and claim in fold(citation.quote).lower():
        return True
    words = _WORD.findall(claim)
    source = set(_WORD.findall(fold(citation.passage_text).lower()))
    return bool(words) and sum(w in source for w in words) / len(words) >= min_recall


def verify(text: str, citations: tuple[Citation, ...]) -> tuple[str, tuple[Citation, ...]]:
    """Keep only sentences whose marker points at a citation that supports them, renumbered
    1..n in order of appearance (pieces citing the same citation keep sharing one marker)."""
    by_marker = {c.marker: c for c in citations}
    kept_text: list[str] = []
    kept: list[Citation] = []
    renumbered: dict[int, int] = {}  # pieces citing one citation share its new marker
    for piece in split_cited(text):
        citation = by_marker.get(piece.marker) if piece.marker is not None else None
        if citation is None or not supported(piece.text, citation):
            continue
        marker = renumbered.get(citation.marker)
        if marker is None:
            marker = renumbered[citation.marker] = len(kept) + 1
            kept.append(replace(citation, marker=marker))
        kept_text.append(with_marker(piece.text, marker))
    return " ".join(kept_text), tuple(kept)


VERDICTS = frozenset({"Yes", "No"})


def verify_short(
    short: ShortAnswer | None,
    drafted: tuple[Citation, ...],
    kept: tuple[Citation, ...],
) -> ShortAnswer | None:
    """The short answer, renumbered to its citation's marker after ``verify``; None when its
    citation did not survive, its span is not inside that citation's quote, or its text is
    not the quote's text at the span (for a Yes/No verdict: not "Yes" or "No")."""
    if short is None:
        return None
    cited = next((c for c in drafted if c.marker == short.marker), None)
    if cited is None or not cited.start <= short.start < short.end <= cited.end:
        return None
    survivor = next(
        (c for c in kept if (c.source, c.start, c.end) == (cited.source, cited.start, cited.end)),
        None,
    )
    if survivor is None:
        return None
    if short.text in VERDICTS and short.kind == "yes/no":
        return replace(short, marker=survivor.marker)
    span = cited.quote[short.start - cited.start : short.end - cited.start]
    if fold(span) != short.text:
        return None
    return replace(short, marker=survivor.marker)


def with_short(text: str, short: ShortAnswer | None) -> str:
    """``"**Moscow** — <the cited sentences>"``: the short answer first, when there is one."""
    return text if short is None or not text else f"**{short.text}** — {text}"
