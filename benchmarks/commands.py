"""What each CLI command costs from a fresh process, this checkout beside another, alternating.

    git worktree add /tmp/before COMMIT
    python benchmarks/commands.py --store STORE --corpus CORPUS --before /tmp/before [--rounds 5]

On an ingested store (e.g. the one `benchmarks/scale.py --keep` leaves) each round runs, in
this checkout and then in ``--before`` (same Python, same store): ``ingest`` of the unchanged
corpus, ``ingest`` after one new six-paragraph file is written into it, ``ingest --prune``
after it is deleted again, and a cold ``ask "Who attended the parade?"``. Printed: the median
wall time of each step with its runs, and the ratio now ÷ before. Alternating makes a busy
machine slow both alike; the store ends as it began.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("unchanged re-run", "add one file", "prune it", "cold ask")


def _new_file(tag: str) -> str:
    paragraphs = (
        " ".join(
            f"In {tag}, paragraph {p} sentence {i}: the harbour pilot {p}{i} guided ship "
            f"number {p * 10 + i} past the reef."
            for i in range(5)
        )
        for p in range(6)
    )
    return "\n\n".join(paragraphs) + "\n"


def _run(tree: Path, store: Path, *args: str) -> float:
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "--store", str(store), *args],
        cwd=tree, capture_output=True, text=True,
    )  # fmt: skip
    wall = time.perf_counter() - began
    if done.returncode:
        raise SystemExit(f"{tree}: assistant {' '.join(args)} failed: {done.stderr.strip()[-300:]}")
    return wall


def _round(tree: Path, store: Path, corpus: Path, tag: str) -> dict[str, float]:
    new = corpus / f"zz-commands-benchmark-{tag}.txt"
    times = {"unchanged re-run": _run(tree, store, "ingest", "--quiet", str(corpus))}
    new.write_text(_new_file(tag), encoding="utf-8")
    try:
        times["add one file"] = _run(tree, store, "ingest", "--quiet", str(corpus))
    finally:
        new.unlink()
    times["prune it"] = _run(tree, store, "ingest", "--quiet", "--prune", str(corpus))
    times["cold ask"] = _run(tree, store, "ask", "Who attended the parade?")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--before", type=Path, required=True, help="a checkout to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    trees = {"now": ROOT, "before": args.before.resolve()}
    runs: dict[str, dict[str, list[float]]] = {n: {s: [] for s in STEPS} for n in trees}
    for r in range(args.rounds):
        for name, tree in trees.items():
            for step, wall in _round(tree, args.store, args.corpus, f"{name}-{r}").items():
                runs[name][step].append(wall)
        print(f"round {r + 1} of {args.rounds} done", file=sys.stderr)
    print(f"{args.rounds} rounds, alternating; CLI wall, median (runs)")
    print("| step | before | now | now ÷ before |")
    print("|---|---:|---:|---:|")
    for step in STEPS:
        before, now = runs["before"][step], runs["now"][step]
        b, n = statistics.median(before), statistics.median(now)
        print(
            f"| {step} | {b:.2f} s ({', '.join(f'{x:.1f}' for x in before)}) "
            f"| {n:.2f} s ({', '.join(f'{x:.1f}' for x in now)}) | {n / b:.2f}× |"
        )


if __name__ == "__main__":
    main()
