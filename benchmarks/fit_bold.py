"""Choose the bold policy's thresholds (``assistant/answer/bold.py``) on the dev halves.

    python benchmarks/fit_bold.py [--suite eval/suite.json] [--cache DIR] [--precision 0.95]

Every dev case is answered with every short answer shown (``bold_threshold=-inf``); each
shown short answer is right (token F1 of at least 0.5 with an accepted answer) or not. For
each pair of thresholds (the cross-encoder score of the short answer's sentence, the gate's
confidence) the policy's other rules are applied as they are, and the pooled dev precision
(right among shown) and coverage (right answers kept) printed; the lowest pair whose pooled
precision, and whose precision with each corpus left out, reach ``--precision`` is the
choice (set it as ``BoldPolicy``'s defaults). Test halves are never read.
"""

from __future__ import annotations

import argparse
import itertools
import math
from dataclasses import dataclass
from pathlib import Path

from assistant.answer.bold import BoldPolicy
from assistant.config import load_settings
from assistant.evaluation.suite import load_suite, run_suite
from assistant.types import Citation, ShortAnswer

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Sample:
    corpus: str
    question: str
    short: ShortAnswer
    citations: tuple[Citation, ...]
    confidence: float | None
    right: bool


def collect(suite_path: Path, cache: Path | None) -> list[Sample]:
    settings = load_settings(bold_threshold=-math.inf)
    results = run_suite(load_suite(suite_path), settings, split="dev", cache_dir=cache)
    samples = []
    for result in results:
        for record in result.assistant.cases:
            short = record.get("short")
            if not record["metrics"].get("short_shown") or not short:
                continue
            citations = tuple(
                Citation(
                    c["marker"], c["source"], 0, c["quote_start"], c["quote_end"], c["quote"],
                    c["score"] if c.get("score") is not None else -math.inf,
                    c["start"], c["end"], c["text"],
                )
                for c in record["citations"]
            )  # fmt: skip
            gated = record["metrics"].get("confidence")
            gate = gated if record.get("intent") in {"lookup", "reason"} else None
            right = bool(record["metrics"].get("short_right"))
            answer = ShortAnswer(**short)
            samples.append(Sample(result.name, record["question"], answer, citations, gate, right))
    return samples


def rates(policy: BoldPolicy, samples: list[Sample]) -> tuple[int, int, int]:
    """(shown, right among shown, right in all)."""
    shown = [s for s in samples if policy.shows(s.question, s.short, s.citations, s.confidence)]
    return len(shown), sum(s.right for s in shown), sum(s.right for s in samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--suite", type=Path, default=ROOT / "eval" / "suite.json")
    parser.add_argument("--cache", type=Path, help="keep each corpus's store here")
    parser.add_argument("--precision", type=float, default=0.95)
    args = parser.parse_args()
    samples = collect(args.suite, args.cache)
    corpora = sorted({s.corpus for s in samples})
    print(f"{len(samples)} short answers on the dev halves, {sum(s.right for s in samples)} right")
    print(f"{'score':>5s} {'conf':>5s} {'shown':>5s} {'precision':>9s} {'kept':>5s}  worst LOCO")
    chosen = None
    for score, confidence in itertools.product([5, 6, 7, 8, 9, 10], [-1, 0, 0.5, 1, 2]):
        policy = BoldPolicy(min_score=score, min_confidence=confidence)
        shown, right, total = rates(policy, samples)
        precision = right / shown if shown else math.nan
        worst = min(
            (r / n if n else 1.0)
            for n, r, _ in (rates(policy, [s for s in samples if s.corpus == c]) for c in corpora)
        )
        print(f"{score:5.1f} {confidence:5.1f} {shown:5d} {precision:9.2f} "
              f"{right / max(total, 1):5.2f}  {worst:.2f}")  # fmt: skip
        if chosen is None and shown and precision >= args.precision and worst >= 0.8:
            chosen = (score, confidence)
    print(f"\nchosen (lowest score, then confidence, reaching {args.precision}): {chosen}")


if __name__ == "__main__":
    main()
