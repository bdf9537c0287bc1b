"""How fast a topic overview is over a handbook of many Markdown sections: the headings read
with their prose by the cross-encoder are only the ``max_rated_headings`` nearest the topic
(by the embeddings); beside it, in the same run and over the same store, every heading read so
(``max_rated_headings`` as large as the document).

    python benchmarks/headings.py [--sections 400] [--rounds 5] [--keep DIR]

The handbook is written here: ``--sections`` sections of two sentences under "## " headings
of assorted topics. Prints the warm median and maximum of each, and their ratio.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

SUBJECTS = (
    "Batteries", "Charging", "Mounting", "Cleaning", "Storage", "Safety", "Wi-Fi", "Firmware",
    "Warranty", "Displays", "Sensors", "Cables", "Alarms", "Calibration", "Disposal", "Noise",
)  # fmt: skip
TOPICS = ("batteries", "cleaning the sensors", "what to do about noise")


def handbook(sections: int) -> str:
    parts = ["# Handbook"]
    for n in range(sections):
        subject = SUBJECTS[n % len(SUBJECTS)]
        parts.append(
            f"## {subject} note {n}\n\nStep {n} of the {subject.lower()} routine takes about "
            f"{n % 9 + 1} minutes. Record it in log {n} before the next step."
        )
    return "\n\n".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sections", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()

    from assistant.app import Assistant
    from assistant.config import load_settings
    from assistant.intent.kinds import Intent

    work = args.keep or Path(tempfile.mkdtemp(prefix="headings-"))
    docs = work / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "handbook.md").write_text(handbook(args.sections), encoding="utf-8")
    bot = Assistant(settings=load_settings(store_dir=work / "store"))
    started = time.perf_counter()
    bot.ingest([docs])
    print(f"ingest of {args.sections} sections: {time.perf_counter() - started:.1f} s")
    overview = bot.answerers[Intent.OVERVIEW]
    nearest = overview.policy  # type: ignore[attr-defined]
    every = replace(nearest, max_rated_headings=args.sections + 1)
    results = {}
    for name, policy in (("nearest headings", nearest), ("every heading", every)):
        overview.policy = policy  # type: ignore[attr-defined]
        bot.ask(f"Summarize what the documents say about {TOPICS[0]}.")  # warm
        times = []
        for _ in range(args.rounds):
            for topic in TOPICS:
                t = time.perf_counter()
                bot.ask(f"Summarize what the documents say about {topic}.")
                times.append((time.perf_counter() - t) * 1000)
        results[name] = times
        print(f"{name:18s} median {statistics.median(times):6.0f} ms  max {max(times):6.0f} ms")
    ratio = statistics.median(results["nearest headings"]) / statistics.median(
        results["every heading"]
    )
    print(f"nearest/every: {ratio:.2f}x")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
