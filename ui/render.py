"""The chat's Markdown, and HTML for the sources panel and the document view. Every corpus
string is escaped: document text can never become a link, an image or markup."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence

from assistant.types import Answer, Citation, Passage, ShortAnswer, Span

_MARKER = re.compile(r"\[(\d+)\]")
# What could make document text a link, image, autolink (``http:``, ``www.``, ``a@b.c``),
# code, emphasis, heading, list, table or formula; ``.`` only where it joins two words.
_MARKDOWN_SYNTAX = re.compile(r"[\\`*_{}\[\]()#+\-!|~$:@=^]|\.(?=\S)")
_ORDERED_LIST = re.compile(r"(?m)^(\s*\d+)\.(?=\s|$)")
_BACKSLASHED = re.compile(r"\\([!-/:-@\[-`{-~])")
DOCUMENT_CONTEXT = 2000


def escape_markdown(text: str) -> str:
    """``text`` shown as itself by a Markdown renderer: HTML escaped, and each character that
    could start Markdown syntax backslash-escaped (``plain_text`` undoes both)."""
    escaped = _MARKDOWN_SYNTAX.sub(lambda m: "\\" + m.group(0), html.escape(text, quote=False))
    return _ORDERED_LIST.sub(r"\1\\.", escaped)


def answer_markdown(answer: Answer) -> str:
    """The answer for the chat: document text inert (no link, image or markup of its own
    survives), each [n] a link to its source card; a list answer a Markdown list (its
    "- " bullets ours, every line's text inert)."""
    if answer.abstained and not answer.citations:
        return escape_markdown(answer.text)
    if answer.layout == "list":
        return list_markdown(answer.text)
    pieces: list[str] = []
    pos = 0
    short = answer.short
    if short is not None and answer.text.startswith(f"**{short.text}** — "):
        pieces.append(f"**{escape_markdown(short.text)}** — ")  # in bold, itself inert
        pos = len(f"**{short.text}** — ")
    pieces.append(cited_markdown(answer.text[pos:]))
    return "".join(pieces)


def list_markdown(text: str) -> str:
    """A list answer ("lead\n- item [1]\n- item [2]"): each "- " line a list item, the rest
    of every line shown as itself with its markers as links."""
    lines = []
    for line in text.split("\n"):
        if line.startswith("- "):
            lines.append(f"- {cited_markdown(line[2:])}")
        else:
            lines.append(cited_markdown(line))
    return "\n".join(lines)


def fallback_note(answer: Answer, failure: Exception | None = None) -> str:
    """What the chat says under an answer the LLM did not write: its server failed (the
    error), or nothing of its draft held against the passages."""
    if failure is not None:
        why = str(failure)
    elif answer.fell_back and not answer.abstained:
        why = "The LLM's draft did not hold against the passages"
    else:
        return ""
    return f"\n\n*{escape_markdown(why.rstrip('.'))}. This is the extractive answer.*"


def cited_markdown(text: str) -> str:
    """Answer text with ``[n]`` markers: its document text inert, each marker a link to its
    source card."""
    pieces: list[str] = []
    pos = 0
    for match in _MARKER.finditer(text):
        marker = match.group(1)
        pieces.append(escape_markdown(text[pos : match.start()]))
        pieces.append(f"[[{marker}]](#src-{marker})")
        pos = match.end()
    pieces.append(escape_markdown(text[pos:]))
    return "".join(pieces)


_BOLD_LEAD = re.compile(r"\*\*([^*\n]+)\*\* — ")


def partial_markdown(text: str) -> str:
    """The answer so far, while it streams: as inert as ``answer_markdown`` makes the whole
    (a leading bold short answer stays bold, its text escaped)."""
    if "\n- " in text or text.startswith("- "):
        return list_markdown(text)  # a list answer as it streams
    lead = _BOLD_LEAD.match(text)
    if lead is None:
        return cited_markdown(text)
    return f"**{escape_markdown(lead.group(1))}** — {cited_markdown(text[lead.end() :])}"


def plain_text(markdown: str) -> str:
    """Undo ``answer_markdown`` so the conversation history holds the plain answer."""
    text = re.sub(r"\[\[(\d+)\]\]\(#src-\d+\)", r"[\1]", markdown)
    return html.unescape(_BACKSLASHED.sub(r"\1", text))


def _highlight(passage_text: str, start: int, end: int, inner: Span | None = None) -> str:
    """The passage with ``[start, end)`` marked, and ``inner`` (the short answer's span,
    inside it) marked again."""
    quote = html.escape(passage_text[start:end])
    if inner is not None and start <= inner.start < inner.end <= end:
        quote = (
            html.escape(passage_text[start : inner.start])
            + '<strong class="short">'
            + html.escape(passage_text[inner.start : inner.end])
            + "</strong>"
            + html.escape(passage_text[inner.end : end])
        )
    return (
        html.escape(passage_text[:start])
        + '<mark class="quote">'
        + quote
        + "</mark>"
        + html.escape(passage_text[end:])
    )


def _score(value: float, show: bool) -> str:
    if not show or not math.isfinite(value):
        return ""
    return f' · <span class="score">score {value:.2f}</span>'


def citation_card(
    citation: Citation, *, show_scores: bool, short: ShortAnswer | None = None
) -> str:
    inner = None
    if short is not None and short.marker == citation.marker:
        inner = Span(short.start - citation.passage_start, short.end - citation.passage_start)
    body = _highlight(
        citation.passage_text,
        citation.start - citation.passage_start,
        citation.end - citation.passage_start,
        inner,
    )
    return (
        f'<div class="source-card" id="src-{citation.marker}" data-marker="{citation.marker}">'
        f'<div class="source-head"><span class="marker">[{citation.marker}]</span> '
        f"{html.escape(citation.source)} · {html.escape(citation.location())} · "
        f"chars {citation.start}–{citation.end}{_score(citation.score, show_scores)}</div>"
        f'<div class="source-text">{body}</div></div>'
    )


def passage_card(passage: Passage, rank: int, *, show_scores: bool) -> str:
    chunk = passage.chunk
    page = chunk.page_at(chunk.start)
    where = "" if page is None else f" · page {page}"
    return (
        f'<div class="source-card nearest" id="near-{rank}">'
        f'<div class="source-head">{html.escape(chunk.source)}{where} · paragraph {chunk.paragraph}'
        f"{_score(passage.score, show_scores)}</div>"
        f'<div class="source-text">{html.escape(chunk.text)}</div></div>'
    )


def sources_html(answer: Answer | None, *, show_scores: bool = True) -> str:
    if answer is None:
        return '<div class="sources-empty">Sources for the latest answer appear here.</div>'
    if answer.abstained and not answer.citations:
        cards = "".join(
            passage_card(p, i, show_scores=show_scores)
            for i, p in enumerate(answer.passages, start=1)
        )
        return (
            '<div class="abstained"><div class="abstain-note">The documents do not say. '
            "Closest passages:</div>"
            f"{cards or '<div>No passage came close.</div>'}</div>"
        )
    cards = "".join(
        citation_card(c, show_scores=show_scores, short=answer.short) for c in answer.citations
    )
    return f'<div class="sources">{cards}</div>'


def _windows(
    spans: Sequence[tuple[int, int, int]], length: int, context: int
) -> list[tuple[int, int]]:
    """``[lo, hi)`` ranges around the spans, ``context`` characters each side, merged where
    they meet (the document's beginning when no span is given)."""
    if not spans:
        return [(0, min(length, 2 * context))]
    windows: list[tuple[int, int]] = []
    for start, end, _ in spans:
        lo, hi = max(0, start - context), min(length, end + context)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], hi))
        else:
            windows.append((lo, hi))
    return windows


def _word_edges(text: str, lo: int, hi: int, first: int, last: int) -> tuple[int, int]:
    """Move a cut ``lo``/``hi`` to the nearest whitespace inside ``[lo, first)``/``[last, hi)``."""
    if lo > 0:
        gap = re.search(r"\s", text[lo:first])
        lo = lo + gap.end() if gap else lo
    if hi < len(text):
        cut = max(text.rfind(" ", last, hi), text.rfind("\n", last, hi))
        hi = cut if cut != -1 else hi
    return lo, hi


_GAP = '<span class="gap" title="not shown">…</span>'


def _page_break(page: int) -> str:
    return f'<span class="page-break" data-page="{page}">page {page}</span>'


def _with_pages(
    text: str,
    lo: int,
    hi: int,
    breaks: Sequence[tuple[int, int]],
    *,
    opened: bool = False,
    closing: bool = False,
) -> str:
    """``text[lo:hi]`` escaped, a page mark where each page of ``breaks`` begins (``opened``:
    not at ``lo``, which is marked already; ``closing``: at ``hi`` too, where a quote
    begins, so that the mark stands before the quote)."""
    parts: list[str] = []
    pos = lo
    for offset, page in breaks:
        if lo + opened <= offset < hi + closing:
            parts.append(html.escape(text[pos:offset]))
            parts.append(_page_break(page))
            pos = offset
    parts.append(html.escape(text[pos:hi]))
    return "".join(parts)


def document_html(
    source: str,
    text: str,
    citations: Sequence[Citation],
    *,
    context: int = DOCUMENT_CONTEXT,
    pages: Sequence[tuple[int, int]] = (),
) -> str:
    """The cited passages of one document, each cited span marked, with ``context``
    characters around them (``…`` where text is left out): bounded, whatever the size of
    the document. With ``pages`` (``(offset, page)`` where each page begins), each shown
    stretch opens with the page it starts on and marks where the next pages begin."""
    spans = sorted((c.start, c.end, c.marker) for c in citations if c.source == source)
    breaks = sorted(pages)
    shown: list[str] = []
    lo = hi = 0
    for window_lo, window_hi in _windows(spans, len(text), context):
        inside = [s for s in spans if window_lo <= s[0] and s[1] <= window_hi]
        first = inside[0][0] if inside else window_hi
        last = max((s[1] for s in inside), default=window_lo)
        lo, hi = _word_edges(text, window_lo, window_hi, first, last)
        if not shown and lo > 0:
            shown.append("")  # a gap before the first window
        parts: list[str] = []
        opening = [page for offset, page in breaks if offset <= lo]
        if opening:
            parts.append(_page_break(opening[-1]))
        pos = lo
        for start, end, marker in inside:
            if start < pos:
                continue
            parts.append(_with_pages(text, pos, start, breaks, opened=pos == lo, closing=True))
            quote = _with_pages(text, start, end, breaks, opened=True)
            parts.append(f'<mark class="quote" id="doc-{marker}">{quote}</mark>')
            pos = end
        parts.append(_with_pages(text, pos, hi, breaks, opened=pos == lo))
        shown.append("".join(parts))
    if hi < len(text):
        shown.append("")  # a gap after the last window
    body = _GAP.join(shown)
    return (
        f'<div class="document"><div class="document-title">{html.escape(source)}</div>'
        f'<div class="document-text">{body}</div></div>'
    )
