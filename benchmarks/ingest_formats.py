"""What share of an ingest goes to reading the file: a 50-page PDF briefing and a 30-page
Word file, each ingested into a fresh store (embedding included), and what reading in a
child process costs beside reading in this one.

    .venv/bin/python benchmarks/ingest_formats.py [--rounds 3]

The files are written here (fpdf2, python-docx) from the suite's corpora. Printed per
format and round: the ingest's wall time, the time spent reading the file into text (the
child process included: ``IngestReport.read_seconds``) and its share; then the reading alone,
in the child (a fresh child, and one already running) and in this process.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import documents as make  # noqa: E402


def _paragraphs() -> list[str]:
    out: list[str] = []
    for file in sorted((ROOT / "eval" / "corpora").rglob("*")):
        if file.suffix in (".txt", ".md"):
            text = file.read_text(encoding="utf-8")
            out += [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    return out


def _pdf(folder: Path, pages: int) -> Path:
    paragraphs = [p.lstrip("# ") for p in _paragraphs()]
    count = 7 * pages
    path = make.write_flowing_pdf(folder / "briefing.pdf", paragraphs[:count], title="Briefing")
    import pypdfium2 as pdfium

    while len(pdfium.PdfDocument(str(path))) < pages:  # fill up to the pages asked for
        count += 7
        path = make.write_flowing_pdf(folder / "briefing.pdf", (paragraphs * 3)[:count])
    return path


def _docx(folder: Path, pages: int) -> Path:
    blocks: list[tuple[str, object]] = []
    words = 0
    for paragraph in _paragraphs() * 3:
        if paragraph.startswith("#"):
            blocks.append(("heading1", paragraph.lstrip("# ")))
        else:
            blocks.append(("paragraph", paragraph))
            words += len(paragraph.split())
        if words >= 500 * pages:  # ~500 words a page of 11 pt text
            break
    return make.write_docx(folder / "briefing.docx", blocks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from assistant.app import Assistant
    from assistant.documents.isolation import extract, extract_isolated, stop_reader
    from assistant.documents.limits import ReadLimits

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = {"pdf": _pdf(folder, 50), "docx": _docx(folder, 30)}
        import pypdfium2 as pdfium

        pages = len(pdfium.PdfDocument(str(files["pdf"])))
        print(
            f"PDF: {pages} pages, {files['pdf'].stat().st_size:,} bytes; "
            f"DOCX: {files['docx'].stat().st_size:,} bytes (~30 pages of text)\n"
        )
        print("| format | round | chunks | ingest s | reading s | reading share |")
        print("|---|---:|---:|---:|---:|---:|")
        shares: dict[str, list[float]] = {"pdf": [], "docx": []}
        for round_ in range(1, args.rounds + 1):
            for kind, path in files.items():
                stop_reader()  # each ingest starts its own child, as a fresh process would
                bot = Assistant(store_dir=folder / f"store-{kind}-{round_}")
                report = bot.ingest([path])
                share = report.read_seconds / report.seconds
                shares[kind].append(share)
                print(
                    f"| {kind} | {round_} | {report.added} | {report.seconds:.2f} "
                    f"| {report.read_seconds:.2f} | {100 * share:.1f}% |",
                    flush=True,
                )
        for kind in files:
            print(f"\n{kind}: reading share median {100 * statistics.median(shares[kind]):.1f}%")
        print("\n| format | fresh child s | running child s | in this process s |")
        print("|---|---:|---:|---:|")
        limits = ReadLimits()
        for kind, path in files.items():
            stop_reader()
            began = time.perf_counter()
            extract_isolated(kind, path, path.name, limits)  # type: ignore[arg-type]
            fresh = time.perf_counter() - began
            running = min(_timed(extract_isolated, kind, path, path.name, limits) for _ in range(3))
            local = min(_timed(extract, kind, path, path.name, limits) for _ in range(3))
            print(f"| {kind} | {fresh:.3f} | {running:.3f} | {local:.3f} |")


def _timed(action: Callable[..., object], *args: object) -> float:
    began = time.perf_counter()
    action(*args)
    return time.perf_counter() - began


if __name__ == "__main__":
    main()
