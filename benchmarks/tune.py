"""Choose chunking, retrieval and reading settings on the dev halves of the evaluation suite.

    python benchmarks/tune.py [--suite eval/suite.json] [--cache DIR] [--grid small|full]

For each setting it answers the dev half of every corpus with abstention off (the gate is
fitted separately, by ``benchmarks/fit_abstention.py``) and prints, averaged over corpora
(each corpus weighs the same): contains, token F1, answer in a cited passage, hit@1, hit@3,
MRR, median answer length, and median latency. Test halves are never read.
"""

from __future__ import annotations

import argparse
import itertools
import math
import statistics
import tempfile
from pathlib import Path
from typing import Any

from assistant.config import load_settings
from assistant.evaluation.suite import CorpusResult, load_suite, run_suite

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ("contains", "f1", "answer_in_citation", "hit@1", "hit@3", "mrr")

GRIDS: dict[str, dict[str, list[Any]]] = {
    "small": {
        "chunk_size": [3],
        "rerank_candidates": [5, 8],
        "answer_delta": [1.5],
    },
    "chunks": {
        "chunk_size": [3, 4, 5],
        "rerank_candidates": [5],
        "answer_delta": [1.5],
    },
    "full": {
        "chunk_size": [2, 3, 4],
        "rerank_candidates": [5, 8, 12],
        "answer_delta": [0.5, 1.5, 3.0],
    },
}


def macro(results: list[CorpusResult], name: str) -> float:
    values = [r.assistant.summary.get(name) for r in results]
    known = [v for v in values if v is not None]
    return statistics.fmean(known) if known else math.nan


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--suite", type=Path, default=ROOT / "eval" / "suite.json")
    parser.add_argument("--cache", type=Path, help="keep each corpus's store here")
    parser.add_argument("--grid", choices=sorted(GRIDS), default="small")
    parser.add_argument("--per-corpus", action="store_true", help="also print each corpus")
    args = parser.parse_args()
    suite = load_suite(args.suite)
    cache = args.cache or Path(tempfile.mkdtemp(prefix="tune-"))
    grid = GRIDS[args.grid]
    print(" | ".join(grid) + " | " + " ".join(f"{c:>8s}" for c in COLUMNS) + " | chars | ms")
    for values in itertools.product(*grid.values()):
        overrides = dict(zip(grid, values, strict=True))
        overrides["chunk_overlap"] = 1 if overrides.get("chunk_size", 3) > 1 else 0
        settings = load_settings(abstain_threshold=-math.inf, **overrides)
        results = run_suite(suite, settings, split="dev", cache_dir=cache)
        chars = statistics.median(
            len(c["answer"]) for r in results for c in r.assistant.cases if not c["abstained"]
        )
        latency = statistics.median(r.assistant.summary["latency_p50_ms"] for r in results)
        print(
            " | ".join(f"{v!s:>{len(k)}}" for k, v in zip(grid, values, strict=True))
            + " | "
            + " ".join(f"{macro(results, c):8.3f}" for c in COLUMNS)
            + f" | {chars:5.0f} | {latency:4.0f}"
        )
        if args.per_corpus:
            for r in results:
                print(
                    f"    {r.name:14s} "
                    + " ".join(f"{r.assistant.summary.get(c, math.nan):8.3f}" for c in COLUMNS)
                )


if __name__ == "__main__":
    main()
