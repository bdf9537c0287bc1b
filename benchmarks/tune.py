"""Choose chunking and retrieval settings by measurement on a Q&A set.

    python benchmarks/tune.py [eval/qa/briefing.jsonl] [--corpus corpus]

For each setting it ingests the corpus into a temporary store, answers every case without
abstaining, and prints: answer-in-cited-passage and contains (answerable cases), hit@1,
median answer length, the best abstention threshold's accuracy, and median latency.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import tempfile
from pathlib import Path

from assistant.app import Assistant
from assistant.config import load_settings
from assistant.evaluation import evaluate, load_cases
from assistant.evaluation.calibration import choose_threshold


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("qa", nargs="?", default="eval/qa/briefing.jsonl")
    parser.add_argument("--corpus", default="corpus")
    args = parser.parse_args()
    cases = load_cases(args.qa)
    grid = {
        "chunk_size": [2, 3, 4],
        "rerank_candidates": [2, 3, 4, 6],
        "answer_delta": [1.5],
    }
    print("chunk cand delta | in_cit contains hit@1 | chars_p50 | thr acc | p50 ms")
    stores: dict[int, str] = {}
    for size, cand, delta in itertools.product(*grid.values()):
        if size not in stores:
            stores[size] = tempfile.mkdtemp()
            overlap = 1 if size > 1 else 0
            settings = load_settings(store_dir=stores[size], chunk_size=size, chunk_overlap=overlap)
            Assistant(settings=settings).ingest([Path(args.corpus)])
        settings = load_settings(
            store_dir=stores[size],
            chunk_size=size,
            chunk_overlap=1,
            rerank_candidates=cand,
            top_k=min(cand, 4),
            answer_delta=delta,
            abstain_threshold=-1e9,
        )
        report = evaluate(Assistant(settings=settings), cases)
        s = report.summary
        scores = [
            (c["best_score"], case.answerable)
            for c, case in zip(report.cases, cases, strict=True)
            if c["best_score"] is not None
        ]
        calib = choose_threshold(scores)
        lengths = [
            len(c["answer"]) for c, case in zip(report.cases, cases, strict=True) if case.answerable
        ]
        print(
            f"{size:5d} {cand:4d} {delta:5.1f} | {s['answer_in_citation']:.3f} "
            f"{s['contains']:.3f} {s['hit@1']:.3f} | {statistics.median(lengths):6.0f} | "
            f"{calib.threshold:6.2f} {calib.accuracy:.3f} | {s['latency_p50_ms']:.0f}"
        )


if __name__ == "__main__":
    main()
