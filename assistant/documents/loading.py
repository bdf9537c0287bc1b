"""Read one file into a ``Document``: its type checked by name and content, then decoded and
read as text, Markdown or HTML here, or as PDF or Word in a child process."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from assistant.documents.decoding import decode_bytes
from assistant.documents.formats import (
    DOCX_SUFFIXES,
    HTML_SUFFIXES,
    MARKDOWN_SUFFIXES,
    PDF_SUFFIXES,
    SUPPORTED_SUFFIXES,
    sniff,
)
from assistant.documents.html_text import html_document
from assistant.documents.limits import ReadLimits
from assistant.documents.structure import markdown_structure, plain_structure
from assistant.errors import UnsupportedFileError
from assistant.types import Document
from assistant.validation import printable_name

logger = logging.getLogger(__name__)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_document(
    path: Path,
    *,
    source: str | None = None,
    max_bytes: int = 5_000_000,
    limits: ReadLimits | None = None,
) -> Document:
    """Load one supported file; raises ``UnsupportedFileError`` with the reason otherwise.

    A PDF or Word file is read in a child process under ``limits`` (time, memory, pages,
    characters); text, Markdown and HTML here, up to ``limits.max_bytes`` (``max_bytes``
    when no limits are given)."""
    limits = limits or ReadLimits(max_bytes=max_bytes)
    name = printable_name(source or path.name)  # as messages show it
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise UnsupportedFileError(f"{name}: unsupported file type '{suffix}' (use {allowed}).")
    binary = suffix in PDF_SUFFIXES | DOCX_SUFFIXES
    limit = limits.max_document_bytes if binary else limits.max_bytes
    try:
        size = path.stat().st_size
        if size > limit:
            raise UnsupportedFileError(
                f"{name} is {size:,} bytes; the limit is {limit:,} bytes a file."
            )
        with path.open("rb") as handle:
            raw = handle.read(limit + 1 if not binary else 1024)
    except OSError as exc:
        raise UnsupportedFileError(f"{name} cannot be read: {exc.strerror or exc}.") from None
    kind = sniff(raw)
    if binary:
        from assistant.documents.isolation import Kind, extract_isolated

        wanted: Kind = "pdf" if suffix in PDF_SUFFIXES else "docx"
        if kind != wanted:
            what = {"pdf": "a PDF", "docx": "a zip file (a Word document?)"}.get(kind or "", "")
            raise UnsupportedFileError(
                f"{name} is not {'a PDF' if wanted == 'pdf' else 'a Word (.docx) file'}"
                + (f": its content is {what}." if what else ".")
            )
        text, structure = extract_isolated(wanted, path, name, limits)
    else:
        if kind is not None:
            proper = ".pdf" if kind == "pdf" else ".docx"
            raise UnsupportedFileError(
                f"{name} is {'a PDF' if kind == 'pdf' else 'a zip file (a Word document?)'},"
                f" not text; name it {proper} if it is one."
            )
        text = decode_bytes(raw, name)
        if suffix in HTML_SUFFIXES:
            text, structure = html_document(text, name=name)
        elif suffix in MARKDOWN_SUFFIXES:
            text, structure = markdown_structure(text)
        else:
            structure = plain_structure(text)
    if not text.strip():
        raise UnsupportedFileError(f"{name} contains no text.")
    return Document(source=name, text=text, content_hash=content_hash(text), structure=structure)
