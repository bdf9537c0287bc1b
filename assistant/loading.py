"""Read files into ``Document``s: decoding, HTML text extraction, refusal of what we can't read."""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from assistant.errors import EmptyCorpusError, UnsupportedFileError
from assistant.types import Document

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
_DROPPED_HTML_TAGS = ("script", "style", "noscript", "template", "head", "svg", "iframe")
_BLOCK_HTML_TAGS = (
    "p", "div", "section", "article", "header", "footer", "li", "ul", "ol", "table", "tr",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "br", "hr", "title", "main", "aside",
)  # fmt: skip


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def decode_bytes(raw: bytes, name: str) -> str:
    """Decode UTF-8 (with or without BOM), else a detected legacy encoding, else refuse."""
    if b"\x00" in raw:
        raise UnsupportedFileError(f"{name} looks like a binary file, not text.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _decode_legacy(raw, name)
    if _control_ratio(text) > 0.01:
        raise UnsupportedFileError(f"{name} looks like a binary file, not text.")
    return text


def _decode_legacy(raw: bytes, name: str) -> str:
    """A language-confident guess from charset-normalizer (e.g. cp1251 Russian), else cp1252
    when the result reads like western text; anything else is refused."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is not None and best.coherence >= 0.2:
        return str(best)
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    if text and _reads_as_western(text):
        return text
    guess = best.encoding if best is not None else "none"
    raise UnsupportedFileError(
        f"{name} is not UTF-8 and its encoding could not be identified (best guess: {guess});"
        " re-save it as UTF-8."
    )


_TYPOGRAPHIC = frozenset("‘’“”–—…•€«»°·")


def _reads_as_western(text: str) -> bool:
    """Accented letters sit inside words of ASCII letters ("café"); mojibake of another
    script comes in runs of symbols and accented letters with no ASCII around them."""
    foreign = [i for i, ch in enumerate(text) if ord(ch) > 127 and ch not in _TYPOGRAPHIC]
    if not foreign:
        return True
    inside_words = sum(
        1
        for i in foreign
        if (i > 0 and text[i - 1].isascii() and text[i - 1].isalpha())
        or (i + 1 < len(text) and text[i + 1].isascii() and text[i + 1].isalpha())
    )
    return inside_words / len(foreign) >= 0.6


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    return bad / len(text)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, one block element per paragraph; scripts and styles dropped."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(_DROPPED_HTML_TAGS):
        tag.decompose()
    for tag in soup.find_all(_BLOCK_HTML_TAGS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    return soup.get_text()


def read_document(path: Path, *, source: str | None = None, max_bytes: int = 5_000_000) -> Document:
    """Load one supported file; raises ``UnsupportedFileError`` with the reason otherwise."""
    name = source or path.name
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise UnsupportedFileError(f"{name}: unsupported file type '{suffix}' (use {allowed}).")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise UnsupportedFileError(
                f"{name} is {size:,} bytes; the limit is {max_bytes:,} bytes a file."
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise UnsupportedFileError(f"{name} cannot be read: {exc.strerror or exc}.") from None
    text = decode_bytes(raw, name)
    if suffix in HTML_SUFFIXES:
        text = html_to_text(text)
    if not text.strip():
        raise UnsupportedFileError(f"{name} contains no text.")
    return Document(source=name, text=text, content_hash=content_hash(text))


def discover(paths: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    """Yield ``(file, source name)`` for every supported file under the given paths.

    A directory's files are named relative to it; a file given directly by its name.
    """
    seen: set[Path] = set()
    for path in paths:
        if not path.exists():
            raise EmptyCorpusError(f"{path} does not exist.")
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )  # fmt: skip
            for file in files:
                if file.resolve() not in seen:
                    seen.add(file.resolve())
                    yield file, file.relative_to(path).as_posix()
        elif path.resolve() not in seen:
            seen.add(path.resolve())
            yield path, path.name
