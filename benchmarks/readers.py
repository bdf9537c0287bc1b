"""How fast reader's questions are answered over about 100 documents, beside a look-up in the
same run (and, with ``--before CHECKOUT``, a look-up by another checkout over the same store).

    python benchmarks/readers.py [--rounds 5] [--before /path/to/old/checkout] [--keep DIR]

The store holds every corpus of the evaluation suite (100 documents: briefing, fiction,
encyclopedia, manual, news, situation), each file under its corpus's name. Prints the
ingest's wall time, then per kind of question the warm median and maximum over the rounds.
The target for an overview over 100 documents is 1 s warm.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = {
    "overview (everything)": "Summarize the documents.",
    "overview (a topic)": "Summarize what the documents say about the flood.",
    "overview (one document)": "Summarize the article on Holmvik.",
    "inventory (countries)": "Which countries are mentioned?",
    "inventory (people)": "Which people are mentioned?",
    "profile": "Who is Dorothy Shea?",
    "statements": "What did the US say?",
    "reason": "Why is security tight in Moscow?",
    "lookup": "Where was the Victory Day parade held?",
}
LOOKUPS = [
    "Where was the Victory Day parade held?",
    "How many foreign military contingents joined the event?",
    "Which country sent the largest number of honor guards?",
    "When did the Ansel peak at Mill Bridge?",
    "Who designed Corran Point Lighthouse?",
]
_TIMER = """
import json, statistics, sys, time
from assistant.app import Assistant
bot = Assistant(store_dir=sys.argv[1])
questions = json.loads(sys.argv[2]); rounds = int(sys.argv[3])
bot.warm_up()
for q in questions: bot.ask(q)
times = []
for _ in range(rounds):
    for q in questions:
        began = time.perf_counter(); bot.ask(q); times.append((time.perf_counter() - began) * 1000)
print(json.dumps(times))
"""


def corpus(into: Path) -> Path:
    suite = json.loads((ROOT / "eval" / "suite.json").read_text(encoding="utf-8"))
    for entry in suite["corpora"]:
        folder = (ROOT / "eval" / entry["corpus"]).resolve()
        for path in sorted(p for p in folder.iterdir() if p.is_file()):
            shutil.copy(path, into / f"{entry['name']}-{path.name}")
    return into


def timed(checkout: Path, store: Path, questions: list[str], rounds: int) -> list[float]:
    result = subprocess.run(
        [sys.executable, "-c", _TIMER, str(store), json.dumps(questions), str(rounds)],
        capture_output=True, text=True, check=True, cwd=checkout,
        env={"PYTHONPATH": str(checkout), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin",
             "ANONYMIZED_TELEMETRY": "False", "TOKENIZERS_PARALLELISM": "false"},
    )  # fmt: skip
    times: list[float] = json.loads(result.stdout.strip().splitlines()[-1])
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--before", type=Path, help="another checkout to time look-ups with")
    parser.add_argument("--keep", type=Path, help="build the store here (and keep it)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="readers-bench-"))
    store = args.keep or work / "store"
    docs = corpus(Path(tempfile.mkdtemp(dir=work)))
    from assistant.app import Assistant

    bot = Assistant(store_dir=store)
    began = time.perf_counter()
    report = bot.ingest([docs])
    print(f"ingest: {report.summary()} (wall {time.perf_counter() - began:.1f} s)")
    bot.warm_up()
    for question in QUESTIONS.values():
        bot.ask(question)
    print(f"\n{'question':26s} {'median ms':>9s} {'max ms':>8s}  intent")
    for name, question in QUESTIONS.items():
        times = []
        for _ in range(args.rounds):
            began = time.perf_counter()
            answer = bot.ask(question)
            times.append((time.perf_counter() - began) * 1000)
        print(f"{name:26s} {statistics.median(times):9.0f} {max(times):8.0f}  {answer.intent}")
    now = timed(ROOT, store, LOOKUPS, args.rounds)
    print(f"\nlook-ups, this checkout: median {statistics.median(now):.0f} ms over {len(now)}")
    if args.before is not None:
        then = timed(args.before, store, LOOKUPS, args.rounds)
        print(
            f"look-ups, {args.before}: median {statistics.median(then):.0f} ms "
            f"(this/that {statistics.median(now) / statistics.median(then):.2f}x)"
        )
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
