"""Real PDF and Word files for the tests, made by real writers (fpdf2, python-docx) or, for
the hostile ones, byte by byte as a damaged or malicious file would be."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SERIF = FONT_DIR / "DejaVuSerif.ttf"


def write_pdf(
    path: Path,
    pages: Sequence[Sequence[str]],
    *,
    header: str | None = "Quarterly Briefing — Internal",
    numbered: bool = True,
    columns: int = 1,
) -> Path:
    """A PDF of the given pages, each a list of paragraphs (a paragraph starting with "• " or
    "1. " is a list item line), with a running header and "Page n of N" footer on every
    page, written by fpdf2 in DejaVu Serif (a real font, so ligatures are real glyphs).
    With ``columns=2`` each page's paragraphs are set in two columns, half on each side."""
    from fpdf import FPDF

    total = len(pages)

    class _Pdf(FPDF):  # type: ignore[misc]
        def header(self) -> None:
            if header:
                self.set_font("serif", size=9)
                self.set_y(8)
                self.cell(0, 5, header, align="C")
            self.set_y(25)

        def footer(self) -> None:
            if numbered:
                self.set_font("serif", size=9)
                self.set_y(-14)
                self.cell(0, 5, f"Page {self.page_no()} of {total}", align="C")

    pdf = _Pdf(format="A4")
    pdf.add_font("serif", "", str(SERIF))
    pdf.set_auto_page_break(False)
    for paragraphs in pages:
        pdf.add_page()
        pdf.set_font("serif", size=11)
        if columns == 1:
            for paragraph in paragraphs:
                pdf.multi_cell(0, 5.5, paragraph)
                pdf.ln(4)
            continue
        half = (len(paragraphs) + 1) // 2
        top = pdf.get_y()
        for column, part in enumerate((paragraphs[:half], paragraphs[half:])):
            pdf.set_y(top)
            for paragraph in part:
                pdf.set_x(10 + column * 100)
                pdf.multi_cell(90, 5.5, paragraph)
                pdf.ln(4)
    pdf.output(str(path))
    return path


def write_flowing_pdf(path: Path, paragraphs: Sequence[str], *, title: str = "") -> Path:
    """A PDF whose paragraphs flow from page to page as a word processor sets them (fpdf2's
    automatic page breaks), with a running header and page numbers."""
    from fpdf import FPDF

    class _Pdf(FPDF):  # type: ignore[misc]
        def header(self) -> None:
            self.set_font("serif", size=9)
            self.set_y(8)
            self.cell(0, 5, title or "Briefing", align="C")
            self.set_y(25)

        def footer(self) -> None:
            self.set_font("serif", size=9)
            self.set_y(-14)
            self.cell(0, 5, f"{self.page_no()}", align="C")

    pdf = _Pdf(format="A4")
    pdf.add_font("serif", "", str(SERIF))
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_page()
    pdf.set_font("serif", size=11)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 5.5, paragraph)
        pdf.ln(4)
    pdf.output(str(path))
    return path


def write_docx(path: Path, blocks: Sequence[tuple[str, object]]) -> Path:
    """A Word file written by python-docx from ``(kind, content)`` blocks: ("title", text),
    ("heading1".."heading3", text), ("paragraph", text), ("bullet", text),
    ("number", text), ("table", [[header, …], [cell, …], …])."""
    import docx

    document = docx.Document()
    for kind, content in blocks:
        if kind == "title":
            document.add_heading(str(content), level=0)
        elif kind.startswith("heading"):
            document.add_heading(str(content), level=int(kind[-1]))
        elif kind == "bullet":
            document.add_paragraph(str(content), style="List Bullet")
        elif kind == "number":
            document.add_paragraph(str(content), style="List Number")
        elif kind == "table":
            rows = list(content)  # type: ignore[call-overload]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = str(cell)
        else:
            document.add_paragraph(str(content))
    document.save(str(path))
    return path


def raw_pdf(objects: Sequence[bytes], *, root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF file of the given objects (object ``n`` is ``objects[n - 1]``) with a correct
    cross-reference table: the skeleton for files no writer would make."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, root, trailer_extra, xref)
    )
    return out.getvalue()


def _stream(data: bytes, extra: bytes = b"", *, compress: bool = False) -> bytes:
    if compress:
        data = zlib.compress(data)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _text_content(text: str) -> bytes:
    return b"BT /F1 12 Tf 72 720 Td (" + text.encode("latin-1") + b") Tj ET"


def looping_page_tree_pdf() -> bytes:
    """A page tree whose node lists itself among its kids (and a page that says so)."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            _stream(_text_content("Looping tree.")),
            _FONT,
        ]
    )


def empty_pages_pdf(count: int) -> bytes:
    """``count`` pages with nothing on them."""
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(count))
    pages = [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"] * count
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
            *pages,
        ]
    )


def huge_stream_pdf(megabytes: int, *, text: bool = False) -> bytes:
    """One page of text, then a page whose content stream unpacks to ``megabytes`` MB (a few
    hundred kB on disk) of spaces, or (``text``) of text-showing operators."""
    compressor = zlib.compressobj(9)
    unit = b"(Spam spam spam.) Tj 0 1 Td\n" if text else b" "
    block = unit * ((1 << 20) // len(unit))
    packed = compressor.compress(b"BT /F1 1 Tf 9 9 Td\n" if text else b"")
    packed += b"".join(compressor.compress(block) for _ in range(megabytes))
    packed += compressor.compress(b"ET" if text else b"") + compressor.flush()
    huge = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R"
            b" /Resources << /Font << /F1 7 0 R >> >> >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 6 0 R"
            b" /Resources << /Font << /F1 7 0 R >> >> >>",
            _stream(_text_content("The first page holds this sentence.")),
            huge + b"\nendstream",
            _FONT,
        ]
    )


def scanned_pdf() -> bytes:
    """A page that is only an image (a grey square), as a scanner makes: no text layer."""
    pixels = bytes([128]) * (64 * 64)
    image = _stream(
        pixels,
        b" /Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray"
        b" /BitsPerComponent 8",
        compress=True,
    )
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
            b" /Resources << /XObject << /Im1 5 0 R >> >> >>",
            _stream(b"q 500 0 0 700 56 46 cm /Im1 Do Q"),
            image,
        ]
    )


def zip_bomb_docx(path: Path, good: Path, megabytes: int) -> Path:
    """``good`` (a real .docx) with one more part that unpacks to ``megabytes`` MB."""
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info, source.read(info.filename))
        with out.open("word/media/bomb.bin", "w") as bomb:
            block = b"\0" * (1 << 20)
            for _ in range(megabytes):
                bomb.write(block)
    return path


def with_parts(path: Path, good: Path, parts: dict[str, bytes], *, replace: bool = True) -> Path:
    """``good`` with ``parts`` added (or replacing its own of the same name)."""
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if replace and info.filename in parts:
                continue
            out.writestr(info, source.read(info.filename))
        for name, data in parts.items():
            out.writestr(name, data)
    return path


def convert_corpus(source: Path, target: Path, kind: str) -> list[Path]:
    """Every document under ``source`` written again as a PDF (``kind`` "pdf": its paragraphs
    flowing over pages, fpdf2) or a Word file ("docx": python-docx), at the same relative path
    with the new suffix, as a person would make it: headings as headings (Word's heading
    styles), list items as list items ("• " lines; Word's List Bullet), table rows as lines
    of their own (Word: a table with the header row). Returns the files written."""
    from assistant.documents.discovery import discover
    from assistant.documents.loading import read_document
    from assistant.documents.segmentation import paragraph_spans
    from assistant.documents.structure import ROW_SEPARATOR

    written = []
    for path, name in discover([source]):
        document = read_document(path, source=name)
        text, structure = document.text, document.structure
        levels = {h.start: h.level for h in structure.headings}
        blocks: list[tuple[str, object]] = []
        for span in paragraph_spans(text):
            level = next((lv for at, lv in levels.items() if span.start <= at < span.end), None)
            items = [i for i in structure.items if span.start <= i.start < span.end]
            rows = [r for r in structure.rows if span.start <= r.start < span.end]
            flat = " ".join(text[span.start : span.end].split())
            if level is not None:
                blocks.append((f"heading{min(max(level, 1), 3)}", flat.lstrip("#").strip()))
            elif rows:
                cells = [text[r.start : r.end].rstrip(".").split(ROW_SEPARATOR) for r in rows]
                header = [c.split(": ", 1)[0] for c in cells[0]]
                body = [[c.split(": ", 1)[-1] for c in row] for row in cells]
                blocks.append(("table", [header, *body]))
            elif items:
                lead = " ".join(text[span.start : items[0].start].split()).rstrip("-*+•").strip()
                if lead:
                    blocks.append(("paragraph", lead))
                for item in items:
                    blocks.append(("bullet", " ".join(text[item.start : item.end].split())))
            else:
                blocks.append(("paragraph", flat))
        out = target / Path(name).with_suffix(f".{kind}")
        out.parent.mkdir(parents=True, exist_ok=True)
        if kind == "pdf":
            write_flowing_pdf(out, _pdf_paragraphs(blocks), title=Path(name).stem)
        else:
            write_docx(out, blocks)
        written.append(out)
    return written


def _pdf_paragraphs(blocks: Sequence[tuple[str, object]]) -> list[str]:
    """Blocks as the paragraphs of a PDF: consecutive list items one paragraph of "• " lines,
    a table its header line and one line per row."""
    from assistant.documents.structure import row_text

    paragraphs: list[str] = []
    items: list[str] = []
    for kind, content in blocks:
        if kind == "bullet":
            items.append(f"• {content}")
            continue
        if items:
            paragraphs.append("\n".join(items))
            items = []
        if kind == "table":
            header, *body = list(content)  # type: ignore[call-overload]
            paragraphs.append("\n".join(row_text(header, row) for row in body))
        else:
            paragraphs.append(str(content))
    if items:
        paragraphs.append("\n".join(items))
    return paragraphs


def format_scores(
    corpus: Path, cases: Sequence[object], folder: Path, kind: str
) -> dict[str, float]:
    """Ingest ``corpus`` as it is ("text") or converted to ``kind`` ("pdf", "docx") into a
    fresh store under ``folder`` and answer ``cases``: how many answers contain a gold
    answer, how many cases found their evidence in the top three passages, and the seconds
    spent ingesting."""
    import time

    from assistant.app import Assistant
    from assistant.evaluation.runner import evaluate

    documents = corpus
    if kind != "text":
        documents = folder / f"corpus-{kind}"
        convert_corpus(corpus, documents, kind)
    bot = Assistant(store_dir=folder / f"store-{kind}")
    began = time.perf_counter()
    bot.ingest([documents])
    seconds = time.perf_counter() - began
    report = evaluate(bot, cases)  # type: ignore[arg-type]
    answered = [c for c in report.cases if c["metrics"].get("contains") is not None]
    return {
        "contains": sum(c["metrics"]["contains"] for c in answered),
        "hit@3": sum(c["metrics"].get("hit@3") or 0.0 for c in report.cases),
        "ingest_s": seconds,
    }
