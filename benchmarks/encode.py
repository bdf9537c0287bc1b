"""Document encoding: sentence-transformers (torch) against the ONNX export, fp32 and INT8.

    python benchmarks/encode.py [--rounds 3] [--suite eval/suite.json] [--batch-size 32]

The texts are every chunk of the suite's corpora (eval/corpora/** and corpus/), cut with the
default ``Settings`` and folded as ``assistant ingest`` embeds them. Prints, from one run:

- speed: the median of ``--rounds`` timed encodes of all the texts per encoder, in chunks/s
  and as a ratio to sentence-transformers (the rounds interleave the encoders, so a busy
  machine slows them alike), and the process CPU time per 100 chunks (less sensitive to other
  processes; torch's OpenMP threads spin while waiting, onnxruntime's are set not to);
- agreement: max and mean of 1 - cosine between each ONNX vector and the sentence-transformers
  vector of the same text, and the max 1 - cosine between a text encoded alone and in its
  batch (over 50 texts): INT8's dynamic quantisation scales activations per batch;
- dense retrieval quality per corpus on the dev half of its Q&A file (answerable cases with
  evidence and no history; the question embedded as the query): hit@1/3/5 and MRR@10 of an
  exact cosine search over that corpus's chunks, judged as ``assistant eval`` judges passages
  (``retrieval_metrics``), plus how many cases changed their first relevant rank against
  sentence-transformers. "ST docs, INT8 queries" is what an INT8 embedder would do to a store
  built with fp32 vectors;
- cold start: seconds from a new process to its first vector, and its peak RSS, through
  sentence-transformers and through ONNX (what ``encode`` chooses below ``torch_from`` texts).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from assistant.config import load_settings
from assistant.documents.chunking import chunk_document, fold
from assistant.documents.discovery import discover
from assistant.documents.loading import read_document
from assistant.evaluation.metrics import retrieval_metrics
from assistant.evaluation.suite import load_suite
from assistant.index.embeddings import SentenceTransformerEmbedder
from assistant.offline import ensure_offline

ROOT = Path(__file__).resolve().parents[1]
Matrix = NDArray[np.float32]
METRICS = ("hit@1", "hit@3", "hit@5", "mrr")
SEARCH_K = 10
SAMPLE = 50  # texts encoded one at a time to see whether a vector depends on its batch


@dataclass(frozen=True, slots=True)
class Corpus:
    name: str
    texts: tuple[str, ...]  # the chunk texts, as the reader and the metrics see them
    rows: slice  # where this corpus's chunks sit in the big matrix
    questions: tuple[str, ...]
    evidence: tuple[tuple[str, ...], ...]


def load_corpora(suite_path: Path) -> tuple[list[Corpus], list[str]]:
    settings = load_settings()
    corpora: list[Corpus] = []
    folded: list[str] = []
    for entry in load_suite(suite_path):
        chunks = [
            chunk
            for path, name in discover([entry.corpus])
            for chunk in chunk_document(
                read_document(path, source=name),
                chunk_size=settings.chunk_size,
                chunk_overlap=settings.chunk_overlap,
            )
        ]
        cases = [c for c in entry.cases("dev") if c.answerable and c.evidence and not c.history]
        start = len(folded)
        folded.extend(fold(c.text) for c in chunks)
        corpora.append(
            Corpus(
                entry.name,
                tuple(c.text for c in chunks),
                slice(start, len(folded)),
                tuple(c.question for c in cases),
                tuple(c.evidence for c in cases),
            )
        )
    return corpora, folded


def cosines(a: Matrix, b: Matrix) -> NDArray[np.float64]:
    """Row-wise cosine in float64 (the float32 rows are unit length only to about 1e-7)."""
    x, y = a.astype(np.float64), b.astype(np.float64)
    dots: NDArray[np.float64] = (x * y).sum(axis=1)
    return dots / (np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1))


def timed(work: Callable[[], Matrix]) -> tuple[float, Matrix]:
    began = time.perf_counter()
    result = work()
    return time.perf_counter() - began, result


def first_ranks(
    corpus: Corpus, documents: Matrix, queries: Matrix
) -> tuple[dict[str, float], list[int | None]]:
    """Mean retrieval metrics over the corpus's cases, and each case's first relevant rank."""
    scores = queries @ documents[corpus.rows].T
    totals = dict.fromkeys(METRICS, 0.0)
    ranks: list[int | None] = []
    for row, evidence in zip(scores, corpus.evidence, strict=True):
        top = np.argsort(-row, kind="stable")[:SEARCH_K]
        texts = [corpus.texts[i] for i in top]
        metrics = retrieval_metrics(texts, evidence)
        for name in METRICS:
            totals[name] += metrics[name]
        mrr = metrics["mrr"]
        ranks.append(round(1 / mrr) if mrr else None)
    count = max(len(corpus.questions), 1)
    return {name: value / count for name, value in totals.items()}, ranks


# Peak RSS from VmHWM: getrusage's ru_maxrss keeps the parent's high-water mark across exec.
COLD = """
import re, sys, time
began = time.perf_counter()
from assistant.index.embeddings import SentenceTransformerEmbedder
embedder = SentenceTransformerEmbedder(threads={threads})
embedder.{method}(["Who attended the parade?"])
took = time.perf_counter() - began
with open("/proc/self/status") as status:
    rss = int(re.search(r"VmHWM:\\s+(\\d+)", status.read()).group(1)) / 1024
print(took, rss, "torch" in sys.modules)
"""


def cold_start(method: str, threads: int, rounds: int) -> tuple[float, float, bool]:
    """Median seconds from a new process to its first vector, peak RSS (MB), torch imported."""
    runs = []
    for _ in range(rounds):
        out = subprocess.run(
            [sys.executable, "-c", COLD.format(method=method, threads=threads)],
            capture_output=True, text=True, check=True, cwd=ROOT,
        ).stdout.split()  # fmt: skip
        runs.append((float(out[0]), float(out[1]), out[2] == "True"))
    return (
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        any(r[2] for r in runs),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--suite", type=Path, default=ROOT / "eval" / "suite.json")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="for torch and onnxruntime alike")
    args = parser.parse_args(argv)
    ensure_offline()

    corpora, texts = load_corpora(args.suite)
    import torch

    torch.set_num_threads(args.threads)
    common = {"batch_size": args.batch_size, "threads": args.threads}
    st = SentenceTransformerEmbedder(**common)  # type: ignore[arg-type]
    fp32 = SentenceTransformerEmbedder(torch_from=None, **common)  # type: ignore[arg-type]
    int8 = SentenceTransformerEmbedder(precision="int8", **common)  # type: ignore[arg-type]
    encoders: dict[str, Callable[[list[str]], Matrix]] = {
        "sentence-transformers": st.encode_with_torch,
        "ONNX fp32": fp32.encode,
        "ONNX INT8": int8.encode,
    }
    for encode in encoders.values():  # load, export and quantise outside the timings
        encode(texts[:64])

    load_before = os.getloadavg()[0]
    seconds: dict[str, list[float]] = {name: [] for name in encoders}
    cpu: dict[str, list[float]] = {name: [] for name in encoders}
    vectors: dict[str, Matrix] = {}
    for _ in range(args.rounds):
        for name, encode in encoders.items():
            began = time.process_time()
            took, vectors[name] = timed(lambda encode=encode: encode(texts))  # type: ignore[misc]
            cpu[name].append(time.process_time() - began)
            seconds[name].append(took)

    load_after = os.getloadavg()[0]
    print(f"{len(texts)} chunks of {len(corpora)} corpora ({args.suite}); batch size "
          f"{args.batch_size}; {args.threads} thread(s); medians of {args.rounds} rounds; "
          f"load average {load_before:.1f} before, {load_after:.1f} after the timings")  # fmt: skip
    print()
    print("| encoder | chunks/s | × sentence-transformers | CPU s per 100 chunks "
          "| 1 - cos vs ST: max | mean | alone vs batched: max |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    base = len(texts) / statistics.median(seconds["sentence-transformers"])
    reference = vectors["sentence-transformers"]
    sample = list(range(0, len(texts), max(len(texts) // SAMPLE, 1)))
    for name, encode in encoders.items():
        rate = len(texts) / statistics.median(seconds[name])
        gap = 1.0 - cosines(vectors[name], reference)
        alone = np.array([encode([texts[i]])[0] for i in sample])
        drift = 1.0 - cosines(alone, vectors[name][sample])
        work = 100 * statistics.median(cpu[name]) / len(texts)
        print(f"| {name} | {rate:.1f} | {rate / base:.2f} | {work:.2f} | {gap.max():.2e} "
              f"| {gap.mean():.2e} | {drift.max():.2e} |")  # fmt: skip

    print()
    print("| first vector in a new process | seconds | peak RSS | imports torch |")
    print("|---|---|---|---|")
    for label, method in (("sentence-transformers", "encode_with_torch"), ("ONNX", "encode")):
        took, rss, torch_loaded = cold_start(method, args.threads, args.rounds)
        print(f"| {label} | {took:.1f} | {rss:.0f} MB | {'yes' if torch_loaded else 'no'} |")

    queries: dict[str, Callable[[list[str]], Matrix]] = {
        "sentence-transformers": st.encode_with_torch,
        "ONNX fp32": lambda qs: np.array([fp32.embed_query(q) for q in qs], dtype=np.float32),
        "ONNX INT8": lambda qs: np.array([int8.embed_query(q) for q in qs], dtype=np.float32),
    }
    setups = [(name, name, name) for name in encoders]
    setups.append(("ST docs, INT8 queries", "sentence-transformers", "ONNX INT8"))
    print()
    print(f"dense retrieval, dev halves (top {SEARCH_K} by cosine; changed = cases whose "
          "first relevant rank differs from sentence-transformers)")  # fmt: skip
    print()
    print("| corpus | cases | encoder | hit@1 | hit@3 | hit@5 | MRR | changed |")
    print("|---|---|---|---|---|---|---|---|")
    for corpus in corpora:
        reference_ranks: list[int | None] = []
        for label, documents, query_encoder in setups:
            query_vectors = queries[query_encoder](list(corpus.questions))
            metrics, ranks = first_ranks(corpus, vectors[documents], query_vectors)
            if not reference_ranks:
                reference_ranks = ranks
            changed = sum(a != b for a, b in zip(ranks, reference_ranks, strict=True))
            cells = " | ".join(f"{metrics[m]:.3f}" for m in METRICS)
            print(f"| {corpus.name} | {len(corpus.questions)} | {label} | {cells} | {changed} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
