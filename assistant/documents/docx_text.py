"""The text of a Word (.docx) file through python-docx: headings, paragraphs, list items and
tables, in document order.

Before python-docx opens it, the file is checked as a zip: it must be a Word document (not a
macro-enabled one), and its parts may not unpack to more than a bound (a zip bomb is refused
from its directory, and Python's zip reader stops at the sizes the directory declares).
Relationships to outside targets (links, linked images, templates) are never followed:
python-docx only records them, and only the document's own text is read.

The text: one paragraph a block, blank lines between blocks; the items of a list and the
rows of a table each on a line of their own within one block ("• " before an item, a row
as "Header: cell · Header: cell.").
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.documents.limits import ReadLimits
from assistant.documents.structure import row_text
from assistant.errors import UnsupportedFileError
from assistant.types import Heading, Span, Structure

if TYPE_CHECKING:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

_HEADING_STYLE = re.compile(r"(?i)^heading\s*([1-9])$")
_MACROS = re.compile(r"(?i)(^|/)vbaProject\.bin$|(^|/)vbaData\.xml$")
ITEM_MARKER = "• "


def check_package(path: Path, name: str, limits: ReadLimits) -> None:
    """Refuse what is not a plain Word document, or would unpack past the bound."""
    try:
        with zipfile.ZipFile(path) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, OSError, EOFError):
        raise UnsupportedFileError(f"{name} is not a Word (.docx) file that can be read.") from None
    names = {info.filename for info in infos}
    if "word/document.xml" not in names and "[Content_Types].xml" not in names:
        raise UnsupportedFileError(f"{name} is not a Word (.docx) file (no document inside).")
    if any(_MACROS.search(n) for n in names):
        raise UnsupportedFileError(
            f"{name} contains macros; save it as a Word document without them (.docx)."
        )
    unpacked = sum(info.file_size for info in infos)
    if unpacked > limits.max_unpacked_bytes:
        raise UnsupportedFileError(
            f"{name} unpacks to {unpacked:,} bytes; the limit is {limits.max_unpacked_bytes:,}."
        )


def read_docx(path: Path, name: str, limits: ReadLimits) -> tuple[str, Structure]:
    """The text of the Word file at ``path`` and its structure; ``UnsupportedFileError``
    (one line, naming the file as ``name``) for what cannot be read."""
    check_package(path, name, limits)
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except (ValueError, KeyError, PackageNotFoundError, zipfile.BadZipFile) as exc:
        reason = "it is a macro-enabled or template file" if "content type" in str(exc) else ""
        raise UnsupportedFileError(
            f"{name} is not a Word (.docx) document that can be read"
            + (f": {reason}." if reason else ".")
        ) from None
    except Exception as exc:  # lxml's XMLSyntaxError and the like: a damaged part
        raise UnsupportedFileError(f"{name} is damaged ({type(exc).__name__}).") from None
    builder = _Builder(name, limits)
    try:
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                builder.table(block)
            else:
                builder.paragraph(block)
    except UnsupportedFileError:
        raise
    except Exception as exc:
        raise UnsupportedFileError(f"{name} is damaged ({type(exc).__name__}).") from None
    return builder.result()


class _Builder:
    """Collects blocks into the text, with the spans of headings, items and rows."""

    def __init__(self, name: str, limits: ReadLimits) -> None:
        self.name = name
        self.limits = limits
        self.parts: list[str] = []
        self.length = 0
        self.in_list = False  # the last block was a list item (the next one joins its block)
        self.headings: list[Heading] = []
        self.items: list[Span] = []
        self.rows: list[Span] = []

    def _add(self, text: str, *, same_block: bool = False) -> int:
        """Append ``text`` as a new block (or a new line of the current one); its offset."""
        if self.parts:
            joint = "\n" if same_block else "\n\n"
            self.parts.append(joint)
            self.length += len(joint)
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        if self.length > self.limits.max_chars:
            raise UnsupportedFileError(
                f"{self.name} holds more than {self.limits.max_chars:,} characters of text;"
                " that is the limit a file."
            )
        return start

    def paragraph(self, paragraph: Paragraph) -> None:
        text = " ".join(paragraph.text.split())
        if not text:
            self.in_list = False
            return
        style = paragraph.style.name if paragraph.style is not None else ""
        level = _heading_level(style or "")
        if level is not None:
            start = self._add(text)
            self.headings.append(Heading(start, start + len(text), level, text))
            self.in_list = False
        elif _is_list_item(paragraph, style or ""):
            start = self._add(ITEM_MARKER + text, same_block=self.in_list) + len(ITEM_MARKER)
            self.items.append(Span(start, start + len(text)))
            self.in_list = True
        else:
            self._add(text)
            self.in_list = False

    def table(self, table: Table) -> None:
        self.in_list = False
        rows = [_row_cells(row) for row in table.rows]
        rows = [r for r in rows if any(r)]
        if not rows:
            return
        headers, body = (rows[0], rows[1:]) if len(rows) > 1 else ([], rows)
        first = True
        for cells in body:
            text = row_text(headers, cells)
            if not text:
                continue
            start = self._add(text, same_block=not first)
            self.rows.append(Span(start, start + len(text)))
            first = False

    def result(self) -> tuple[str, Structure]:
        return "".join(self.parts), Structure(
            headings=tuple(self.headings), items=tuple(self.items), rows=tuple(self.rows)
        )


def _heading_level(style: str) -> int | None:
    if style.lower() == "title":
        return 0
    match = _HEADING_STYLE.match(style.strip())
    return int(match.group(1)) if match else None


def _is_list_item(paragraph: Paragraph, style: str) -> bool:
    properties = paragraph._p.pPr
    numbered = properties is not None and properties.numPr is not None
    return numbered or style.lower().startswith("list")


def _row_cells(row: object) -> list[str]:
    """A row's cell texts, a merged cell once."""
    from docx.table import _Row

    assert isinstance(row, _Row)
    cells: list[str] = []
    seen: set[int] = set()
    for cell in row.cells:
        key = id(cell._tc)
        if key in seen:
            continue
        seen.add(key)
        cells.append(" ".join(cell.text.split()))
    return cells
