"""An HTML page's visible text and its structure, in one streaming pass over the markup."""

from __future__ import annotations

import re
from collections import Counter
from html.entities import html5
from html.parser import HTMLParser

from assistant.errors import UnsupportedFileError
from assistant.types import Heading, Span, Structure

_DROPPED_HTML_TAGS = ("script", "style", "noscript", "template", "head", "svg", "iframe")
_BLOCK_HTML_TAGS = (
    "p", "div", "section", "article", "header", "footer", "li", "ul", "ol", "table", "tr",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "br", "hr", "title", "main", "aside",
)  # fmt: skip


# Deeper than any real page (browsers stop nesting layout at ~512); refusing what lies beyond
# keeps a pathological file from passing for a document.
MAX_HTML_DEPTH = 1000


def html_to_text(markup: str, *, name: str = "The HTML", max_depth: int = MAX_HTML_DEPTH) -> str:
    """Visible text of an HTML page, one block element per paragraph; scripts and styles dropped.

    One streaming pass, linear in the markup, with the text BeautifulSoup's "html.parser" tree
    would give; tags nested over ``max_depth`` deep raise ``UnsupportedFileError``.
    """
    return html_document(markup, name=name, max_depth=max_depth)[0]


def html_document(
    markup: str, *, name: str = "The HTML", max_depth: int = MAX_HTML_DEPTH
) -> tuple[str, Structure]:
    """``html_to_text``'s text and the page's structure (headings, list items, table rows)."""
    extractor = _HtmlText(rescan_budget=_RESCAN_BUDGET + _RESCANS_PER_CHAR * len(markup))
    try:
        extractor.feed(markup)
        extractor.close()
    except AssertionError as exc:  # html.parser's refusal of a malformed declaration
        raise UnsupportedFileError(f"{name} is not HTML that can be read: {exc}.") from None
    except _NeverClosedError as exc:
        raise UnsupportedFileError(
            f"{name} has too many tags, comments or quotes that never close (from line"
            f" {exc.line:,}, column {exc.column:,} on) to be read; close or remove them."
        ) from None
    if extractor.deepest > max_depth:
        raise UnsupportedFileError(
            f"{name} nests tags {extractor.deepest:,} deep; the limit is {max_depth:,}."
        )
    text = extractor.text()
    return text, extractor.structure(text)


# How BeautifulSoup (bs4 4.x) builds its tree from html.parser events, reproduced without
# building it: void elements close at once, an end tag closes everything opened after the
# last open tag of its name (and is ignored when there is none), whitespace-only strings
# fold to one newline or space outside <pre>/<textarea>, text inside <rt>/<rp> and comments,
# doctypes and processing instructions are not text, a CDATA section is.
_VOID_HTML_TAGS = frozenset({
    "area", "base", "basefont", "bgsound", "br", "col", "command", "embed", "frame", "hr",
    "image", "img", "input", "isindex", "keygen", "link", "menuitem", "meta", "nextid", "param",
    "source", "spacer", "track", "wbr",
})  # fmt: skip
_PRESERVE_SPACE_TAGS = frozenset({"pre", "textarea"})
_NOT_TEXT_TAGS = frozenset({"rt", "rp"})
# Left open, "<p>one<p>two" nests the second paragraph in the first; a browser makes them
# siblings, and so does the depth budget.
_SIBLING_TAGS = frozenset({"p", "li", "dt", "dd", "option", "tr", "td", "th"})
_ASCII_SPACES = " \n\t\x0c\r"
_BLOCK_TAGS = frozenset(_BLOCK_HTML_TAGS)
_HEADING_TAGS = {f"h{n}": n for n in range(1, 7)}
_MARKED_TAGS = frozenset({*_HEADING_TAGS, "li", "tr"})
_DROPPED_TAGS = frozenset(_DROPPED_HTML_TAGS)
_NUMERIC_REFERENCE = re.compile(r"^([0-9]+)(.*)")
_HEX_REFERENCE = re.compile(r"^([0-9a-f]+)(.*)")
_ENTITIES = {name.rstrip(";"): text for name, text in html5.items()}  # "amp" and "amp;" agree


def _numeric_reference(number: int) -> str:
    """The character a reference like "&#8212;" stands for (the HTML5 rules: U+FFFD for what
    no character has, Windows-1252 for "&#150;" and its like)."""
    if number == 0 or number > 0x10FFFF or 0xD800 <= number <= 0xDFFF:
        return "\ufffd"
    if 0x80 <= number <= 0x9F:
        try:
            return bytes([number]).decode("cp1252")
        except UnicodeDecodeError:
            return chr(number)
    return chr(number)


# html.parser (before CPython 3.11.13 / 3.12.11 / 3.13.4) reads each unclosed "<", "<!--" or
# quote to the end of the file, again and again: quadratic. Rereading is allowed for this many
# characters (a file with one unclosed comment and its later comments stays well within).
_RESCAN_BUDGET = 10_000_000
_RESCANS_PER_CHAR = 10


class _NeverClosedError(Exception):
    def __init__(self, line: int, column: int) -> None:
        super().__init__(line, column)
        self.line, self.column = line, column


# A sentence's end: its mark and any closing quotes or brackets, right at the end of the text.
_ENDS_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*$")


class _HtmlText(HTMLParser):
    """Streams the visible text of a page; ``deepest`` is the deepest tag nesting seen
    (a "<p>" left open before the next one counts as the next one's sibling)."""

    def __init__(self, *, rescan_budget: int) -> None:
        super().__init__(convert_charrefs=False)
        self._rescan_budget = rescan_budget
        self._first_unclosed: tuple[int, int] | None = None  # (line, column)
        self._parts: list[str] = []
        self._pending: list[str] = []  # the string being read, in pieces
        self._open: list[str] = []  # open tags, innermost last
        self._depths: list[int] = []  # how deep each open tag nests
        self._open_count: Counter[str] = Counter()
        self._closed_voids: Counter[str] = Counter()  # void tags whose "</tag>" to ignore
        self._dropped = 0  # open script, style, head, … tags
        self._preserving = 0  # open <pre>/<textarea> tags
        self._not_text = 0  # open <rt>/<rp> tags
        self.deepest = 0
        self._length = 0  # characters in ``_parts``
        self._marks: list[int] = []  # where each open tag's text begins
        self._spans: list[tuple[str, int, int]] = []  # (tag, start, end) of marked tags

    def _append(self, text: str) -> None:
        self._parts.append(text)
        self._length += len(text)

    def text(self) -> str:
        self._flush(keep=not self._not_text)
        while self._open:
            self._pop()
        return "".join(self._parts)

    def structure(self, text: str) -> Structure:
        """The headings (h1-h6), list items (li) and table rows (tr) of ``text()``, each
        span trimmed of the whitespace around it; an item holding another item is left to
        its innermost ones."""
        headings: list[Heading] = []
        items: list[Span] = []
        rows: list[Span] = []
        for tag, start, end in sorted(self._spans, key=lambda t: (t[1], -t[2])):
            piece = text[start:end]
            lead = len(piece) - len(piece.lstrip())
            body = piece.strip()
            if not body:
                continue
            span = Span(start + lead, start + lead + len(body))
            if tag in _HEADING_TAGS:
                headings.append(
                    Heading(span.start, span.end, _HEADING_TAGS[tag], " ".join(body.split()))
                )
            elif tag == "li":
                if items and items[-1].start <= span.start < items[-1].end:
                    items.pop()  # the outer item holds this one
                items.append(span)
            else:
                rows.append(span)
        return Structure(headings=tuple(headings), items=tuple(items), rows=tuple(rows))

    def _flush(self, *, keep: bool) -> None:
        """End the string being read; ``keep``: it is text (not a comment or the like)."""
        if not self._pending:
            return
        data = "".join(self._pending)
        self._pending = []
        if not self._preserving and not data.strip(_ASCII_SPACES):
            data = "\n" if "\n" in data else " "
        if keep and not self._dropped:
            self._append(data)

    def _push(self, tag: str) -> None:
        if tag in _BLOCK_TAGS and not self._dropped:
            self._append("\n\n")
        self._marks.append(self._length)
        sibling = bool(self._open) and self._open[-1] == tag and tag in _SIBLING_TAGS
        depth = (self._depths[-1] if self._depths else 0) + (not sibling)
        self.deepest = max(self.deepest, depth)
        self._depths.append(depth)
        self._open.append(tag)
        self._open_count[tag] += 1
        self._dropped += tag in _DROPPED_TAGS
        self._preserving += tag in _PRESERVE_SPACE_TAGS
        self._not_text += tag in _NOT_TEXT_TAGS

    def _pop(self) -> str:
        tag = self._open.pop()
        self._depths.pop()
        self._open_count[tag] -= 1
        self._dropped -= tag in _DROPPED_TAGS
        self._preserving -= tag in _PRESERVE_SPACE_TAGS
        self._not_text -= tag in _NOT_TEXT_TAGS
        start = self._marks.pop()
        if tag in _MARKED_TAGS and not self._dropped and self._length > start:
            self._spans.append((tag, start, self._length))
        if tag in _BLOCK_TAGS and not self._dropped:
            self._append("\n\n")
        return tag

    def _end(self, tag: str) -> None:
        self._flush(keep=not self._not_text)
        if self._open_count[tag]:
            while self._pop() != tag:
                pass

    # Every construct html.parser may read to the end of the file without closing it.
    def parse_starttag(self, i: int) -> int:
        return self._charge(i, super().parse_starttag(i))

    def parse_endtag(self, i: int) -> int:
        return self._charge(i, super().parse_endtag(i))

    def parse_comment(self, i: int, report: bool = True) -> int:
        return self._charge(i, super().parse_comment(i, report))

    def parse_pi(self, i: int) -> int:
        return self._charge(i, super().parse_pi(i))

    def parse_html_declaration(self, i: int) -> int:
        return self._charge(i, super().parse_html_declaration(i))

    def _charge(self, i: int, end: int) -> int:
        """A construct at ``i`` that does not close (``end`` < 0) was read to the end."""
        if end < 0:
            line, offset = self.getpos()
            self._first_unclosed = self._first_unclosed or (line, offset + 1)
            self._rescan_budget -= len(self.rawdata) - i
            if self._rescan_budget < 0:
                raise _NeverClosedError(*self._first_unclosed)
        return end

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._flush(keep=not self._not_text)
        if tag == "a" and self._parts and _ENDS_SENTENCE.search(self._parts[-1]):
            # "… in 1911.<a>click here</a>": the link's text starts after the sentence, not in
            # it (read as one, "1911.click here" left the sentence unreadable).
            self._append(" ")
        self._push(tag)
        if tag in _VOID_HTML_TAGS:
            self._end(tag)
            self._closed_voids[tag] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._flush(keep=not self._not_text)
        self._push(tag)
        self._end(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._closed_voids[tag]:
            self._closed_voids[tag] -= 1
        else:
            self._end(tag)

    def handle_data(self, data: str) -> None:
        self._pending.append(data)

    def handle_charref(self, name: str) -> None:
        pattern = _NUMERIC_REFERENCE
        base = 10
        if name[:1] in ("x", "X"):
            name, pattern, base = name[1:], _HEX_REFERENCE, 16
        try:
            number, rest = int(name, base), ""
        except ValueError:
            match = pattern.search(name)
            if match is None:
                self._pending += ["", name]
                return
            number, rest = int(match.group(1), base), match.group(2)
        self._pending += [_numeric_reference(number), rest]

    def handle_entityref(self, name: str) -> None:
        self._pending.append(_ENTITIES.get(name, f"&{name}"))

    def handle_comment(self, data: str) -> None:
        self._ignore(data)

    def handle_decl(self, decl: str) -> None:
        self._ignore(decl)

    def handle_pi(self, data: str) -> None:
        self._ignore(data)

    def unknown_decl(self, data: str) -> None:
        if data.upper().startswith("CDATA["):
            self._flush(keep=not self._not_text)
            self._pending.append(data[len("CDATA[") :])
            self._flush(keep=True)
        else:
            self._ignore(data)

    def _ignore(self, data: str) -> None:
        """A comment, declaration or processing instruction: it ends a string, is none."""
        self._flush(keep=not self._not_text)
        self._pending.append(data)
        self._flush(keep=False)
