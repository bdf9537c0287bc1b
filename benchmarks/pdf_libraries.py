"""pypdfium2, pypdf and pdfplumber on the same PDFs: speed per page and what their text gets
right (reading order of two columns, words hyphenated at line ends, ligatures, running
headers/footers and page numbers), beside our reader (pypdfium2 + assistant/documents/pdf_text.py).

    .venv/bin/python benchmarks/pdf_libraries.py [--pages 50] [--rounds 3]

The PDFs are written here by fpdf2 (tests/documents.py): a briefing of about ``--pages``
pages flowing from the suite's corpora (for speed), and a page built to test each feature.
Each library is asked for a page's text with its plain API (``get_text_range``,
``extract_text``); the figures are the best of ``--rounds`` runs, in one process.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import documents as make  # noqa: E402

FEATURE_PAGES = [
    [
        "The Harlow flood report was written by the county engi-\nneer Maria Okafor.",
        "The ﬁnance oﬃce counted the cost of the damage.",
        "Left one opens the page and reads first. It says the river rose.",
        "Left two follows it in the same column. It says the road closed.",
        "Right one begins the second column. It says the bridge held.",
        "Right two ends the page. It says the rain stopped.",
    ],
    [
        "A second page, so that the header and footer repeat.",
    ],
]
ORDER = ("Left one opens", "Left two follows", "Right one begins", "Right two ends")


def _two_column_pages() -> list[list[str]]:
    return FEATURE_PAGES


def _pypdfium2(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def _pypdf(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def _pdfplumber(path: Path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def _ours(path: Path) -> list[str]:
    from assistant.documents.limits import ReadLimits
    from assistant.documents.pdf_text import read_pdf

    text, structure = read_pdf(path, path.name, ReadLimits())
    bounds = [*structure.pages, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


LIBRARIES: dict[str, Callable[[Path], list[str]]] = {
    "pypdfium2 (get_text_range)": _pypdfium2,
    "pypdf (extract_text)": _pypdf,
    "pdfplumber (extract_text)": _pdfplumber,
    "ours: pypdfium2 + pdf_text.py": _ours,
}


def _flat(text: str) -> str:
    return " ".join(text.replace("\ufffe", "-").replace("\x02", "-").split())


def checks(pages: list[str]) -> dict[str, bool]:
    first = _flat(pages[0])
    whole = _flat(" ".join(pages))
    at = [first.find(p) for p in ORDER]
    return {
        "two columns in order": all(a >= 0 for a in at) and at == sorted(at),
        "hyphen joined": "county engineer" in first,
        "ligatures as letters": "finance office" in first,
        "header/footer dropped": "Quarterly Briefing" not in whole
        and not re.search(r"Page \d of \d", whole),
    }


def _flowing(folder: Path, pages: int) -> Path:
    paragraphs: list[str] = []
    for file in sorted((ROOT / "eval" / "corpora").rglob("*.txt")):
        paragraphs += [p for p in file.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    paragraphs = (paragraphs * 10)[: pages * 7]  # ~7 paragraphs a page
    return make.write_flowing_pdf(folder / "flowing.pdf", paragraphs, title="Briefing")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        flowing = _flowing(folder, args.pages)
        features = make.write_pdf(folder / "features.pdf", FEATURE_PAGES, columns=1)
        columns = make.write_pdf(folder / "columns.pdf", FEATURE_PAGES, columns=2)
        count = len(_pypdfium2(flowing))
        print(f"speed: {flowing.name}, {count} pages (fpdf2, DejaVu Serif); features: 2 pages\n")
        print(
            "| library | ms/page | two columns in order | hyphen joined | ligatures"
            " | headers/footers dropped |"
        )
        print("|---|---:|:-:|:-:|:-:|:-:|")
        for name, extract in LIBRARIES.items():
            best = float("inf")
            for _ in range(args.rounds):
                began = time.perf_counter()
                extract(flowing)
                best = min(best, time.perf_counter() - began)
            got = checks(extract(features))
            order = checks(extract(columns))["two columns in order"]
            marks = [
                "yes" if order else "no",
                "yes" if got["hyphen joined"] else "no",
                "yes" if got["ligatures as letters"] else "no",
                "yes" if got["header/footer dropped"] else "no",
            ]
            print(f"| {name} | {1000 * best / count:.1f} | " + " | ".join(marks) + " |")


if __name__ == "__main__":
    main()
