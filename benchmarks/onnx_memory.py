"""The ONNX query model with and without onnxruntime's pre-packed weights: memory and speed.

    python benchmarks/onnx_memory.py [--rounds 3]

onnxruntime normally keeps a second, pre-packed copy of each fp32 MatMul weight for its GEMM
kernels; ``session.disable_prepacking`` drops it. Each round starts one fresh process per
variant (alternating, so a busy machine slows both alike) that loads the embedder, embeds
every question of the evaluation Q&A files one at a time (as ``ask`` does) and then the
briefing's and suite corpora's chunk texts in batches (as an ingest under 512 chunks does),
and reports its RSS growth after loading, after the questions and after the chunks, the
median query time and the chunks per second. Printed: medians over rounds, the ratio to the
pre-packed default of the same run, and the largest 1 - cosine between the two variants'
vectors of the same text.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = {"pre-packed (onnxruntime's default)": True, "no pre-packing": False}


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _texts() -> tuple[list[str], list[str]]:
    from assistant.config import load_settings
    from assistant.documents.chunking import chunk_document, fold
    from assistant.documents.discovery import discover
    from assistant.documents.loading import read_document

    questions = [
        json.loads(line)["question"]
        for qa in sorted((ROOT / "eval" / "qa").glob("*.jsonl"))
        for line in qa.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    settings = load_settings()
    chunks = [
        fold(chunk.text)
        for path, name in discover([ROOT / "corpus", ROOT / "eval" / "corpora"])
        for chunk in chunk_document(
            read_document(path, source=name),
            chunk_size=settings.chunk_size,
            chunk_overlap=settings.chunk_overlap,
        )
    ]
    return questions, chunks[:480]  # under 512: the ONNX path, as a small ingest


def child(prepack: bool, out: Path) -> None:
    from assistant.index.embeddings import SentenceTransformerEmbedder
    from assistant.offline import ensure_offline

    ensure_offline()
    questions, chunks = _texts()
    before = _rss_mb()
    embedder = SentenceTransformerEmbedder(prepack=prepack, torch_from=None)
    embedder.embed_query("warm-up")
    loaded = _rss_mb()
    times, vectors = [], []
    for question in questions:
        began = time.perf_counter()
        vectors.append(embedder.embed_query(question))
        times.append(time.perf_counter() - began)
    asked = _rss_mb()
    began = time.perf_counter()
    docs = embedder.encode(chunks)
    docs_s = time.perf_counter() - began
    np.save(out, np.vstack([np.asarray(vectors, dtype=np.float32), docs]))
    print(
        json.dumps(
            {
                "load_mb": loaded - before,
                "asked_mb": asked - before,
                "end_mb": _rss_mb() - before,
                "query_ms": 1000 * statistics.median(times),
                "chunks_per_s": len(chunks) / docs_s,
                "queries": len(questions),
                "chunks": len(chunks),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", choices=["prepack", "noprepack"], help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child == "prepack", args.out)
        return
    results: dict[str, list[dict[str, float]]] = {name: [] for name in VARIANTS}
    with tempfile.TemporaryDirectory() as tmp:
        files = {name: Path(tmp) / f"{i}.npy" for i, name in enumerate(VARIANTS)}
        for _ in range(args.rounds):
            for name, prepack in VARIANTS.items():
                done = subprocess.run(
                    [sys.executable, __file__, "--child", "prepack" if prepack else "noprepack",
                     "--out", str(files[name])],
                    capture_output=True, text=True, check=True,
                )  # fmt: skip
                results[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
        a, b = (np.load(f) for f in files.values())
    first = results[next(iter(VARIANTS))]
    counts = first[0]
    print(
        f"{args.rounds} rounds; {counts['queries']:.0f} questions one at a time, "
        f"{counts['chunks']:.0f} chunk texts in batches; medians over rounds"
    )
    print("| variant | RSS: loaded | + questions | + chunks | query p50 | chunks/s |")
    print("|---|---:|---:|---:|---:|---:|")
    base = {k: statistics.median(r[k] for r in first) for k in first[0]}
    for name, runs in results.items():
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        print(
            f"| {name} | {med['load_mb']:.0f} MB ({med['load_mb'] - base['load_mb']:+.0f}) "
            f"| {med['asked_mb']:.0f} MB ({med['asked_mb'] - base['asked_mb']:+.0f}) "
            f"| {med['end_mb']:.0f} MB ({med['end_mb'] - base['end_mb']:+.0f}) "
            f"| {med['query_ms']:.1f} ms ({med['query_ms'] / base['query_ms']:.2f}×) "
            f"| {med['chunks_per_s']:.1f} ({med['chunks_per_s'] / base['chunks_per_s']:.2f}×) |"
        )
    cosine = np.sum(a * b, axis=1)
    print(f"largest 1 - cosine between the variants' vectors: {float(np.max(1 - cosine)):.2e}")


if __name__ == "__main__":
    main()
