"""HTML for the sources panel and the document view. Every corpus string is escaped."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence

from assistant.types import Answer, Citation, Passage

_MARKER = re.compile(r"\[(\d+)\]")


def answer_markdown(answer: Answer) -> str:
    """The answer for the chat: corpus text escaped, each [n] a link to its source card."""
    escaped = html.escape(answer.text, quote=False)
    if answer.abstained:
        return escaped
    return _MARKER.sub(lambda m: f"[[{m.group(1)}]](#src-{m.group(1)})", escaped)


def plain_text(markdown: str) -> str:
    """Undo ``answer_markdown`` so the conversation history holds the plain answer."""
    text = re.sub(r"\[\[(\d+)\]\]\(#src-\d+\)", r"[\1]", markdown)
    return html.unescape(text)


def _highlight(passage_text: str, start: int, end: int) -> str:
    return (
        html.escape(passage_text[:start])
        + '<mark class="quote">'
        + html.escape(passage_text[start:end])
        + "</mark>"
        + html.escape(passage_text[end:])
    )


def _score(value: float, show: bool) -> str:
    if not show or not math.isfinite(value):
        return ""
    return f' · <span class="score">score {value:.2f}</span>'


def citation_card(citation: Citation, *, show_scores: bool) -> str:
    body = _highlight(
        citation.passage_text,
        citation.start - citation.passage_start,
        citation.end - citation.passage_start,
    )
    return (
        f'<div class="source-card" id="src-{citation.marker}" data-marker="{citation.marker}">'
        f'<div class="source-head"><span class="marker">[{citation.marker}]</span> '
        f"{html.escape(citation.source)} · paragraph {citation.paragraph} · "
        f"chars {citation.start}–{citation.end}{_score(citation.score, show_scores)}</div>"
        f'<div class="source-text">{body}</div></div>'
    )


def passage_card(passage: Passage, rank: int, *, show_scores: bool) -> str:
    chunk = passage.chunk
    return (
        f'<div class="source-card nearest" id="near-{rank}">'
        f'<div class="source-head">{html.escape(chunk.source)} · paragraph {chunk.paragraph}'
        f"{_score(passage.score, show_scores)}</div>"
        f'<div class="source-text">{html.escape(chunk.text)}</div></div>'
    )


def sources_html(answer: Answer | None, *, show_scores: bool = True) -> str:
    if answer is None:
        return '<div class="sources-empty">Sources for the latest answer appear here.</div>'
    if answer.abstained:
        cards = "".join(
            passage_card(p, i, show_scores=show_scores)
            for i, p in enumerate(answer.passages, start=1)
        )
        return (
            '<div class="abstained"><div class="abstain-note">The documents do not say. '
            "Closest passages:</div>"
            f"{cards or '<div>No passage came close.</div>'}</div>"
        )
    cards = "".join(citation_card(c, show_scores=show_scores) for c in answer.citations)
    return f'<div class="sources">{cards}</div>'


def document_html(source: str, text: str, citations: Sequence[Citation]) -> str:
    """The whole document with every cited span of it marked."""
    spans = sorted((c.start, c.end, c.marker) for c in citations if c.source == source)
    parts: list[str] = []
    pos = 0
    for start, end, marker in spans:
        if start < pos:
            continue
        parts.append(html.escape(text[pos:start]))
        parts.append(f'<mark class="quote" id="doc-{marker}">{html.escape(text[start:end])}</mark>')
        pos = end
    parts.append(html.escape(text[pos:]))
    return (
        f'<div class="document"><div class="document-title">{html.escape(source)}</div>'
        f'<div class="document-text">{"".join(parts)}</div></div>'
    )
