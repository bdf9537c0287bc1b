"""Parity: each suite corpus converted to PDF (fpdf2) and to Word (python-docx) answers its
Q&A file as its text version does: answers containing a gold answer and cases whose
evidence is in the top three passages, counted per corpus and format.

    .venv/bin/python benchmarks/formats.py [--split dev|test|all] [--only NAME ...]

Each corpus and format is ingested into a fresh store in a temp folder (the converted files
keep each document's name with the new suffix; tests/documents.py converts them: a PDF's
paragraphs flow over pages with a running header and page numbers, a Word file's Markdown
headings become heading styles). "within one" compares each format with the text version.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.evaluation.suite import load_suite, select  # noqa: E402
from tests.documents import format_scores  # noqa: E402

FORMATS = ("text", "pdf", "docx")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("--only", nargs="+", metavar="NAME")
    parser.add_argument("--suite", type=Path, default=ROOT / "eval" / "suite.json")
    args = parser.parse_args()
    split = None if args.split == "all" else args.split
    print(f"split: {args.split}\n")
    print(
        "| corpus | cases | contains text / pdf / docx | hit@3 text / pdf / docx "
        "| ingest s text / pdf / docx | within one |"
    )
    print("|---|---:|---|---|---|:-:|")
    for corpus in select(load_suite(args.suite), args.only):
        cases = corpus.cases(split)
        with tempfile.TemporaryDirectory(prefix="formats-") as tmp:
            scores = {
                kind: format_scores(corpus.corpus, cases, Path(tmp), kind) for kind in FORMATS
            }
        within = all(
            abs(scores[kind][metric] - scores["text"][metric]) <= 1
            for kind in ("pdf", "docx")
            for metric in ("contains", "hit@3")
        )

        def row(metric: str, digits: int = 0, scores: dict[str, dict[str, float]] = scores) -> str:
            return " / ".join(f"{scores[k][metric]:.{digits}f}" for k in FORMATS)

        print(
            f"| {corpus.name} | {len(cases)} | {row('contains')} | {row('hit@3')} "
            f"| {row('ingest_s', 1)} | {'yes' if within else 'NO'} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
