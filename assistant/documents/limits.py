"""How much one file may cost to read: the bounds every loader keeps (Settings give them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """``max_bytes``: a text, Markdown or HTML file's size; ``max_document_bytes``: a PDF or
    Word file's; ``max_pages``: a PDF's pages; ``max_chars``: the text extracted from a PDF
    or Word file (and a Word file's parts, decompressed, may hold at most ten times that in
    bytes); ``timeout``: seconds to read a PDF or Word file; ``memory_mb``: the address space
    the process reading it may use."""

    max_bytes: int = 5_000_000
    max_document_bytes: int = 50_000_000
    max_pages: int = 2_000
    max_chars: int = 5_000_000
    timeout: float = 60.0
    memory_mb: int = 2_048

    @property
    def max_unpacked_bytes(self) -> int:
        return 10 * self.max_chars
