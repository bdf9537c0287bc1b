"""Fit the abstention gate on the dev halves of every corpus, check it leave-one-corpus-out,
and write it to ``assistant/answer/abstention.json``.

    python benchmarks/fit_abstention.py [--suite eval/suite.json] [--cache DIR] [--dry-run]

Every dev case is answered with abstention off; each answered case gives the gate's signals
(``assistant.answer.abstention.Signals``) and a label (answerable or not). A logistic regression
(standardised features, balanced classes, weights constrained to be non-negative) is
fitted on all corpora together.
The threshold is the highest that keeps the pooled dev false-abstention rate at or under
``--max-false-abstention``: a wrongly refused question helps nobody, while a wrongly answered
one still carries a checked citation. Leave-one-corpus-out repeats the whole procedure
without each corpus and reports the held-out corpus's rates; an ablation drops each signal in
turn. Test halves are never read.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.answer.abstention import FEATURES, PACKAGED_MODEL, LogisticGate
from assistant.config import load_settings
from assistant.evaluation.suite import load_suite, run_suite

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Samples:
    corpus: np.ndarray  # corpus name per case
    x: np.ndarray  # signals
    y: np.ndarray  # 1 = answerable


def collect(suite_path: Path, cache: Path | None) -> Samples:
    settings = load_settings(abstain_threshold=-math.inf)
    results = run_suite(load_suite(suite_path), settings, split="dev", cache_dir=cache)
    corpus, x, y = [], [], []
    for result in results:
        for record, case in zip(result.assistant.cases, result.cases, strict=True):
            signals = record.get("signals")
            if signals is None:  # nothing to answer with: refused whatever the gate says
                continue
            corpus.append(result.name)
            x.append([signals[f] for f in FEATURES])
            y.append(1 if case.answerable else 0)
    return Samples(np.array(corpus), np.array(x, dtype=float), np.array(y))


def monotone_logistic(z: np.ndarray, y: np.ndarray, l2: float = 1.0) -> tuple[np.ndarray, float]:
    """Class-balanced, L2-regularised logistic regression whose weights are all >= 0: every
    signal may only raise the confidence that the question is answerable. Without the
    constraint, correlated signals get weights of opposite signs (a question sharing *fewer*
    words with its answer looking *more* answerable), which does not transfer."""
    from scipy.optimize import minimize  # type: ignore[import-untyped]

    balance = np.where(y == 1, 0.5 / max(y.sum(), 1), 0.5 / max((1 - y).sum(), 1))

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = params[:-1], params[-1]
        margin = z @ w + b
        p = 1.0 / (1.0 + np.exp(-margin))
        value = float(np.sum(balance * np.logaddexp(0.0, -np.where(y == 1, margin, -margin))))
        value += 0.5 * l2 * float(w @ w) / len(y)
        grad_margin = balance * (p - y)
        grad = np.append(z.T @ grad_margin + l2 * w / len(y), grad_margin.sum())
        return value, grad

    start = np.zeros(z.shape[1] + 1)
    bounds = [(0.0, None)] * z.shape[1] + [(None, None)]
    result = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds)
    return result.x[:-1], float(result.x[-1])


def fit(x: np.ndarray, y: np.ndarray, max_false_abstention: float) -> LogisticGate:
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    coef, intercept = monotone_logistic((x - mean) / scale, y)
    weights = coef / scale
    bias = float(intercept - np.sum(coef * mean / scale))
    confidence = x @ weights + bias
    positives = np.sort(confidence[y == 1])
    # Highest threshold that refuses at most max_false_abstention of the answerable cases.
    allowed = math.floor(max_false_abstention * len(positives))
    threshold = float(positives[allowed] - 1e-6) if len(positives) else 0.0
    return LogisticGate(tuple(float(w) for w in weights), bias, round(threshold, 4))


def rates(gate: LogisticGate, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(false-abstention rate, share of unanswerable refused)."""
    refused = (x @ np.array(gate.weights) + gate.bias) < gate.threshold
    far = float(refused[y == 1].mean()) if (y == 1).any() else float("nan")
    rec = float(refused[y == 0].mean()) if (y == 0).any() else float("nan")
    return far, rec


def leave_one_out(samples: Samples, max_far: float) -> dict[str, tuple[float, float]]:
    out = {}
    for name in dict.fromkeys(samples.corpus.tolist()):
        held = samples.corpus == name
        gate = fit(samples.x[~held], samples.y[~held], max_far)
        out[name] = rates(gate, samples.x[held], samples.y[held])
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--suite", type=Path, default=ROOT / "eval" / "suite.json")
    parser.add_argument("--cache", type=Path, help="keep each corpus's store here")
    parser.add_argument("--max-false-abstention", type=float, default=0.06)
    parser.add_argument("--dry-run", action="store_true", help="print, do not write the model")
    args = parser.parse_args()

    samples = collect(args.suite, args.cache)
    gate = fit(samples.x, samples.y, args.max_false_abstention)
    print(f"{len(samples.y)} dev cases ({int(samples.y.sum())} answerable)")
    print(
        "weights: "
        + ", ".join(f"{f} {w:+.3f}" for f, w in zip(FEATURES, gate.weights, strict=True))
    )
    print(f"bias {gate.bias:+.3f}, threshold {gate.threshold:+.3f}")
    print("\nper corpus (fitted on all dev halves | leave-one-corpus-out):")
    print(
        f"{'corpus':14s} {'false abst.':>11s} {'unans. refused':>14s} | "
        f"{'LOCO false':>10s} {'LOCO refused':>12s}"
    )
    loco = leave_one_out(samples, args.max_false_abstention)
    for name, (lo_far, lo_rec) in loco.items():
        held = samples.corpus == name
        far, rec = rates(gate, samples.x[held], samples.y[held])
        print(f"{name:14s} {far:11.2f} {rec:14.2f} | {lo_far:10.2f} {lo_rec:12.2f}")
    print("\nablation (LOCO, mean over corpora, each signal dropped):")
    for drop in [None, *FEATURES]:
        keep = [i for i, f in enumerate(FEATURES) if f != drop]
        reduced = Samples(samples.corpus, samples.x[:, keep], samples.y)
        # Pad the dropped signal with zeros so the gate keeps its shape.
        results = []
        for name in dict.fromkeys(samples.corpus.tolist()):
            held = reduced.corpus == name
            sub = fit_padded(reduced.x[~held], reduced.y[~held], keep, args.max_false_abstention)
            results.append(rates(sub, pad(reduced.x[held], keep), reduced.y[held]))
        far = float(np.nanmean([r[0] for r in results]))
        rec = float(np.nanmean([r[1] for r in results]))
        print(f"  without {drop or '(none)':10s} false abst. {far:.3f}  unans. refused {rec:.3f}")
    if not args.dry_run:
        path = ROOT / "assistant" / "answer" / PACKAGED_MODEL
        path.write_text(json.dumps(gate.to_dict(), indent=2) + "\n", encoding="utf-8")
        print(f"\nwritten to {path}")


def pad(x: np.ndarray, keep: list[int]) -> np.ndarray:
    full = np.zeros((x.shape[0], len(FEATURES)))
    full[:, keep] = x
    return full


def fit_padded(x: np.ndarray, y: np.ndarray, keep: list[int], max_far: float) -> LogisticGate:
    return fit(pad(x, keep), y, max_far)


if __name__ == "__main__":
    main()
