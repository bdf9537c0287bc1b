"""Warm-question cost of the cross-encoder: the settings before issue 10 item 4 beside the
current ones, measured in the same run, question by question.

    python benchmarks/rerank_pairs.py [--corpora briefing news] [--split all] [--rounds 1]
                                      [--cache DIR] [--also 4:12] [--serial]

*before* is ``rerank_batch_size=0`` (every pair in one ONNX run, padded to the longest: the
old scorer, bit for bit) with ``rerank_context_margin=inf`` (every leaning sentence scored
again with its predecessor in front); *after* is the current ``Settings`` defaults. Each
``--also BATCH:MARGIN`` adds a variant. Every corpus of ``eval/suite.json`` named is
ingested (into ``--cache`` to reuse between runs). ``--serial`` adds the current settings
with the cross-encoder's runs one after another, each on every core (``parallel=False``: the
scorer before runs went side by side). Every variant answers a few questions to
warm up, then every question of the chosen half is asked of each variant in turn (the order
alternating from question to question, so the machine's drift falls on all alike).

Prints per variant: warm ``ask`` p50 / p95 (ms), the retrieve stage's p50, cross-encoder
pairs per question, the ratio of medians to *before* and the median of per-question ratios,
and how many answers are identical to *before*'s. The machine is shared and has 2 cores: run
nothing else heavy meanwhile; the load average at start and end is printed.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from figures import percentile

from assistant.app import Assistant
from assistant.config import Settings, load_settings
from assistant.evaluation.suite import corpus_assistant, load_suite, select, store_key
from assistant.factory import Components
from assistant.offline import ensure_offline
from assistant.protocols import Reranker
from assistant.retrieve.rerank import OnnxCrossEncoder

ROOT = Path(__file__).resolve().parents[1]
WARM_UP = 3  # questions each variant answers before timing starts


@dataclass
class Counting:
    """A ``Reranker`` that counts the pairs it is asked to score."""

    inner: Reranker
    pairs: int = 0

    def score(self, query: str, texts: Sequence[str]) -> list[float]:
        self.pairs += len(texts)
        return self.inner.score(query, texts)


@dataclass
class Variant:
    name: str
    settings: Settings
    parallel: bool = True  # the cross-encoder's runs side by side
    ask_ms: list[float] = field(default_factory=list)
    retrieve_ms: list[float] = field(default_factory=list)
    pairs: list[int] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)


def variants(also: Sequence[str], *, serial: bool = False) -> list[Variant]:
    base = load_settings()
    found = [
        Variant(
            "before",
            base.model_copy(update={"rerank_batch_size": 0, "rerank_context_margin": math.inf}),
        ),
        Variant("after", base),
    ]
    for spec in also:
        batch, margin = spec.split(":")
        settings = load_settings(rerank_batch_size=int(batch), rerank_context_margin=float(margin))
        found.append(Variant(f"batch {batch}, margin {margin}", settings))
    if serial:
        found.append(Variant("after, runs one by one", base, parallel=False))
    return found


def reranker(variant: Variant, settings: Settings) -> Reranker:
    if variant.parallel:
        return Components.shared().reranker(settings.onnx_threads, settings.rerank_batch_size)
    return OnnxCrossEncoder(
        threads=settings.onnx_threads, batch_size=settings.rerank_batch_size, parallel=False
    )


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min) on {os.cpu_count()} CPUs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--suite", type=Path, default=ROOT / "eval" / "suite.json")
    parser.add_argument("--corpora", nargs="+", metavar="NAME", help="default: every corpus")
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--rounds", type=int, default=1, help="passes over the questions")
    parser.add_argument("--cache", type=Path, help="keep each corpus's store here")
    parser.add_argument(
        "--also", nargs="*", default=[], metavar="BATCH:MARGIN", help="more variants to time"
    )
    parser.add_argument(
        "--serial", action="store_true", help="also time the cross-encoder's runs one by one"
    )
    args = parser.parse_args(argv)
    ensure_offline()
    runs = variants(args.also, serial=args.serial)
    suite = select(load_suite(args.suite), args.corpora)
    cache = args.cache or Path(tempfile.mkdtemp(prefix="rerank-pairs-"))
    print(f"load average at start: {load()}", flush=True)
    began = time.perf_counter()
    asked = 0
    for corpus in suite:
        store = cache / f"{corpus.name}-{store_key(runs[0].settings)}"
        corpus_assistant(corpus, runs[0].settings, store)  # ingest (incrementally) once
        bots: list[tuple[Variant, Assistant, Counting]] = []
        for run in runs:
            settings = run.settings.model_copy(update={"store_dir": store, "chroma_url": None})
            counting = Counting(reranker(run, settings))
            bots.append((run, Assistant(settings=settings, reranker=counting), counting))
        cases = corpus.cases(None if args.split == "all" else args.split)
        for _, bot, _ in bots:
            for case in cases[:WARM_UP]:
                bot.ask(case.question, case.history)
        for _ in range(args.rounds):
            for case in cases:
                order = bots if asked % 2 == 0 else bots[::-1]
                asked += 1
                for run, bot, counting in order:
                    before = counting.pairs
                    start = time.perf_counter()
                    answer = bot.ask(case.question, case.history)
                    run.ask_ms.append((time.perf_counter() - start) * 1000)
                    run.retrieve_ms.append(answer.timings.get("retrieve", math.nan))
                    run.pairs.append(counting.pairs - before)
                    run.answers.append(answer.text)
        print(f"  {corpus.name}: {len(cases)} questions × {args.rounds}", flush=True)
    print(f"load average at end: {load()}; {time.perf_counter() - began:.0f} s")
    print()
    report(runs, asked)
    return 0


def report(runs: list[Variant], asked: int) -> None:
    old = runs[0]
    print(f"warm ask over {asked} questions per variant (ms; medians)")
    print(
        f"{'variant':26s} {'p50':>7s} {'p95':>7s} {'retrieve p50':>13s} {'pairs/q':>8s} "
        f"{'p50 ratio':>10s} {'per-q ratio':>12s} {'same answer':>12s}"
    )
    for run in runs:
        ratios = [a / b for a, b in zip(run.ask_ms, old.ask_ms, strict=True) if b > 0]
        same = sum(a == b for a, b in zip(run.answers, old.answers, strict=True))
        print(
            f"{run.name:26s} {percentile(run.ask_ms, 50):7.1f} {percentile(run.ask_ms, 95):7.1f} "
            f"{percentile(run.retrieve_ms, 50):13.1f} {statistics.fmean(run.pairs):8.1f} "
            f"{percentile(run.ask_ms, 50) / percentile(old.ask_ms, 50):9.2f}x "
            f"{statistics.median(ratios):11.2f}x {same:5d}/{len(run.answers)}"
        )


if __name__ == "__main__":
    sys.exit(main())
