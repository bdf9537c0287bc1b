"""Fit the bold model (``assistant/answer/bold.py``) on the dev halves of every corpus, check
it leave-one-corpus-out, and write it to ``assistant/answer/bold.json``.

    python benchmarks/fit_bold.py [--suite eval/suite.json] [--cache DIR] [--precision 0.95]
                                  [--dry-run]

Every dev case is answered with every short answer shown (``bold_threshold=-inf``); each
shown short answer gives the bold model's features and a label: right (token F1 of at least
0.5 with an accepted answer) or not. An L2-regularised logistic regression is fitted on all
corpora together; the threshold is the lowest whose pooled dev precision (right among shown)
is at least ``--precision``, so as many right answers as possible stay bold. Leave-one-corpus-out
repeats the fit without each corpus and reports that corpus's precision and coverage. Test
halves are never read.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.answer.bold import FEATURES, PACKAGED_MODEL, BoldPolicy
from assistant.config import load_settings
from assistant.evaluation.suite import load_suite, run_suite

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Samples:
    corpus: np.ndarray
    x: np.ndarray
    y: np.ndarray  # 1 = the short answer is right


def collect(suite_path: Path, cache: Path | None) -> Samples:
    settings = load_settings(bold_threshold=-math.inf)
    results = run_suite(load_suite(suite_path), settings, split="dev", cache_dir=cache)
    corpus, x, y = [], [], []
    for result in results:
        for record in result.assistant.cases:
            metrics = record["metrics"]
            if not metrics.get("short_shown") or not record.get("short_features"):
                continue
            corpus.append(result.name)
            x.append(record["short_features"])
            y.append(1 if metrics.get("short_right") else 0)
    return Samples(np.array(corpus), np.array(x, dtype=float), np.array(y))


def logistic(z: np.ndarray, y: np.ndarray, l2: float = 1.0) -> tuple[np.ndarray, float]:
    from scipy.optimize import minimize  # type: ignore[import-untyped]

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = params[:-1], params[-1]
        margin = z @ w + b
        p = 1.0 / (1.0 + np.exp(-margin))
        value = float(np.mean(np.logaddexp(0.0, -np.where(y == 1, margin, -margin))))
        value += 0.5 * l2 * float(w @ w) / len(y)
        grad_margin = (p - y) / len(y)
        grad = np.append(z.T @ grad_margin + l2 * w / len(y), grad_margin.sum())
        return value, grad

    result = minimize(loss, np.zeros(z.shape[1] + 1), jac=True, method="L-BFGS-B")
    return result.x[:-1], float(result.x[-1])


def fit(x: np.ndarray, y: np.ndarray, precision: float) -> BoldPolicy:
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    coef, intercept = logistic((x - mean) / scale, y)
    weights = coef / scale
    bias = float(intercept - np.sum(coef * mean / scale))
    confidence = x @ weights + bias
    threshold = math.inf
    for cut in sorted(set(confidence.tolist()), reverse=True):
        shown = confidence >= cut
        if shown.any() and y[shown].mean() >= precision:
            threshold = cut  # lower and lower, while precision holds
    if not math.isfinite(threshold):
        threshold = float(confidence.max()) + 1.0  # nothing is sure enough: show none
    return BoldPolicy(tuple(float(w) for w in weights), bias, round(threshold - 1e-6, 6))


def rates(policy: BoldPolicy, x: np.ndarray, y: np.ndarray) -> tuple[float, float, int]:
    """(precision of the shown, share of right ones still shown, how many shown)."""
    shown = (x @ np.array(policy.weights) + policy.bias) >= policy.threshold
    precision = float(y[shown].mean()) if shown.any() else float("nan")
    kept = float(shown[y == 1].mean()) if (y == 1).any() else float("nan")
    return precision, kept, int(shown.sum())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--suite", type=Path, default=ROOT / "eval" / "suite.json")
    parser.add_argument("--cache", type=Path, help="keep each corpus's store here")
    parser.add_argument("--precision", type=float, default=0.95)
    parser.add_argument("--dry-run", action="store_true", help="print, do not write the model")
    args = parser.parse_args()

    samples = collect(args.suite, args.cache)
    policy = fit(samples.x, samples.y, args.precision)
    print(f"{len(samples.y)} short answers on the dev halves, {int(samples.y.sum())} right")
    print(
        "weights: "
        + ", ".join(f"{f} {w:+.3f}" for f, w in zip(FEATURES, policy.weights, strict=True))
    )
    print(f"bias {policy.bias:+.3f}, threshold {policy.threshold:+.3f}")
    print(f"\n{'corpus':14s} {'shown':>5s} {'precision':>9s} {'kept':>5s} | "
          f"{'LOCO shown':>10s} {'LOCO precision':>14s} {'LOCO kept':>9s}")  # fmt: skip
    for name in dict.fromkeys(samples.corpus.tolist()):
        held = samples.corpus == name
        precision, kept, shown = rates(policy, samples.x[held], samples.y[held])
        loco = fit(samples.x[~held], samples.y[~held], args.precision)
        lo_precision, lo_kept, lo_shown = rates(loco, samples.x[held], samples.y[held])
        print(f"{name:14s} {shown:5d} {precision:9.2f} {kept:5.2f} | "
              f"{lo_shown:10d} {lo_precision:14.2f} {lo_kept:9.2f}")  # fmt: skip
    precision, kept, shown = rates(policy, samples.x, samples.y)
    print(f"{'all':14s} {shown:5d} {precision:9.2f} {kept:5.2f}")
    if not args.dry_run:
        path = ROOT / "assistant" / "answer" / PACKAGED_MODEL
        path.write_text(json.dumps(policy.to_dict(), indent=2) + "\n", encoding="utf-8")
        print(f"\nwritten to {path}")


if __name__ == "__main__":
    main()
