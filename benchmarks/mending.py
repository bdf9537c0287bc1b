"""What mending a question's misspelt words costs a look-up: warm asks of the same questions
over the same store, with the mender and without it (``Assistant.mender`` set to None), in
the same run, alternating; and the mender's own time per question.

    python benchmarks/mending.py [--rounds 3] [--keep DIR]

The store holds the bundled briefing. The questions: the briefing's evaluation questions as
written (almost none misspelt) and the same with one word misspelt each (a letter dropped
from its longest lower-case word), so both paths are timed. Prints the medians and the
ratio.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def questions() -> list[str]:
    lines = (ROOT / "eval" / "qa" / "briefing.jsonl").read_text(encoding="utf-8").splitlines()
    asked = [json.loads(line)["question"] for line in lines if line.strip()]
    return [q for q in asked if len(q) < 120][:30]


def misspelt(question: str) -> str:
    """The question with a letter dropped from the middle of its longest lower-case word."""
    words = re.findall(r"\b[a-z]{5,}\b", question)
    if not words:
        return question
    word = max(words, key=len)
    return question.replace(word, word[: len(word) // 2] + word[len(word) // 2 + 1 :], 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="reuse (or leave) the store in this folder")
    args = parser.parse_args()

    from assistant import Assistant

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-mending-"))
    bot = Assistant(store_dir=folder / "store")
    try:
        bot.ingest([ROOT / "corpus"])
        bot.warm_up()
        mender = bot.mender
        assert mender is not None
        asked = questions()
        slips = [misspelt(q) for q in asked]
        both = [*asked, *slips]
        for q in both:  # warm every cache a question touches
            bot.ask(q)
        chains = {}
        for name, used in (("without", None), ("with", mender)):
            bot.__dict__.pop("chain", None)
            bot.__dict__["mender"] = used
            chains[name] = bot.chain  # the chain is built with the mender it is given
        timings: dict[str, list[float]] = {"with": [], "without": []}
        mending: list[float] = []
        for _ in range(args.rounds):
            for q in both:
                for name in ("without", "with"):
                    bot.__dict__["chain"] = chains[name]
                    start = time.perf_counter()
                    bot.ask(q)
                    timings[name].append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                mender.mend(q)
                mending.append((time.perf_counter() - start) * 1000)
        changed = sum(mender.mend(q) != q for q in both)
        print(f"{len(both)} questions ({len(asked)} as written, {len(slips)} with a slip) "
              f"× {args.rounds} rounds; mended: {changed}")  # fmt: skip
        for name, values in timings.items():
            print(f"warm ask p50 {name} the mender: {statistics.median(values):.1f} ms")
        ratio = statistics.median(timings["with"]) / statistics.median(timings["without"])
        print(f"ratio with / without: {ratio:.2f}")
        ordered = sorted(mending)
        print(f"mend alone: p50 {statistics.median(mending):.2f} ms, "
              f"p95 {ordered[int(0.95 * (len(ordered) - 1))]:.2f} ms")  # fmt: skip
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
