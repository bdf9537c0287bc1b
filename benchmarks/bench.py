"""Speed and memory of the assistant beside the plain LangChain recipe, measured in one run.

    python benchmarks/bench.py [--chunks 5000] [--rounds 3]

Prints, each beside its baseline from the same run:
- warm ``ask`` latency p50/p95 over the dev-set questions (target p50 ≤ 40 ms on 2 cores),
  against the recipe's top-4 similarity search;
- ingest throughput on a generated corpus of at least ``--chunks`` chunks, against raw
  ``SentenceTransformer.encode`` of the same texts (target ≥ 0.95×) and against the recipe
  (RecursiveCharacterTextSplitter 1000/200 → HuggingFaceEmbeddings → Chroma; target ≥ 1.0×);
- re-ingesting the unchanged corpus;
- cold ``assistant ask`` wall time and peak RSS, against the recipe started cold;
- seconds from ``assistant serve`` to the first answer through ``/chat``.
Medians throughout: this machine is noisy.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from figures import percentile

from assistant.app import Assistant
from assistant.config import load_settings
from assistant.documents.chunking import chunk_document, fold
from assistant.documents.discovery import discover
from assistant.documents.loading import read_document
from assistant.evaluation import load_cases
from assistant.evaluation.baseline import BaselineRecipe
from assistant.offline import ensure_offline

ROOT = Path(__file__).resolve().parents[1]
WORDS = (
    "harbour",
    "council",
    "budget",
    "pipeline",
    "river",
    "station",
    "report",
    "engineer",
    "winter",
    "meeting",
    "water",
    "district",
    "vote",
    "repair",
    "bridge",
    "school",
    "market",
    "railway",
    "tunnel",
    "energy",
    "grid",
    "storm",
    "flood",
    "road",
    "hospital",
    "nurse",
    "teacher",
    "library",
    "museum",
    "festival",
    "farmer",
    "harvest",
    "price",
    "tax",
    "grant",
    "audit",
    "survey",
    "contract",
    "supplier",
    "fleet",
    "port",
    "crane",
    "cargo",
    "ferry",
    "airport",
    "runway",
    "signal",
    "tower",
)


def generate_corpus(folder: Path, chunks: int) -> None:
    """Files of five-sentence paragraphs: two chunks each at chunk_size 3, overlap 1."""
    rng = random.Random(7)
    paragraphs_needed = chunks // 2 + 1
    per_file = 100
    for number in range(0, paragraphs_needed, per_file):
        paragraphs = []
        for _ in range(min(per_file, paragraphs_needed - number)):
            sentences = []
            for _ in range(5):
                words = rng.choices(WORDS, k=rng.randint(12, 22))
                sentences.append(" ".join(words).capitalize() + ".")
            paragraphs.append(" ".join(sentences))
        (folder / f"doc{number // per_file:04d}.txt").write_text("\n\n".join(paragraphs) + "\n")


def _time_asks(ask: Callable[[str], object], questions: list[str], rounds: int) -> list[float]:
    """Milliseconds per call over ``rounds`` passes, after three warm-up questions."""
    for question in questions[:3]:
        ask(question)
    timings = []
    for _ in range(rounds):
        for question in questions:
            began = time.perf_counter()
            ask(question)
            timings.append((time.perf_counter() - began) * 1000)
    return timings


def bench_latency(rounds: int) -> None:
    questions = [c.question for c in load_cases(ROOT / "eval" / "qa" / "briefing.jsonl")]
    with tempfile.TemporaryDirectory() as tmp:
        bot = Assistant(settings=load_settings(store_dir=tmp))
        bot.ingest([ROOT / "corpus"])
        ours = _time_asks(bot.ask, questions, rounds)
        documents = [read_document(path, source=name) for path, name in discover([ROOT / "corpus"])]
        recipe = BaselineRecipe(documents)
        base = _time_asks(recipe.ask, questions, rounds)
        recipe.close()
    print(f"warm ask latency over {len(ours)} asks ({len(questions)} distinct questions)")
    print(f"  assistant : p50 {percentile(ours, 50):7.1f} ms   p95 {percentile(ours, 95):7.1f} ms")
    print(f"  recipe    : p50 {percentile(base, 50):7.1f} ms   p95 {percentile(base, 95):7.1f} ms")
    print(f"  ratio p50 : {percentile(ours, 50) / percentile(base, 50):.1f}x the recipe "
          "(which only runs one similarity search)")  # fmt: skip


def _timed(work: Callable[[], object]) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def bench_ingest(chunks: int, rounds: int) -> None:
    """Each round: raw encode of our chunks, our ingest into a fresh store, the recipe, raw
    encode of the recipe's chunks. Ratios are per round; medians are printed."""
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        generate_corpus(corpus, chunks)
        documents = [read_document(p, source=n) for p, n in discover([corpus])]
        settings = load_settings(store_dir=Path(tmp) / "warm")
        texts = [
            fold(c.text)
            for d in documents
            for c in chunk_document(d, chunk_size=settings.chunk_size, chunk_overlap=1)
        ]
        recipe_texts = [d.page_content for d in _recipe_split(documents)]
        model = Assistant(settings=settings).embedder.model
        model.encode(texts[:64])  # warm up
        ours, recipe, raw, again = [], [], [], []
        for number in range(rounds):
            raw_seconds = _timed(lambda: model.encode(texts))
            raw.append(len(texts) / raw_seconds)
            bot = Assistant(settings=load_settings(store_dir=Path(tmp) / f"store{number}"))
            report = bot.ingest([corpus])
            ours.append((report.added / report.seconds) / raw[-1])
            again.append(bot.ingest([corpus]).seconds)
            began = time.perf_counter()
            baseline = BaselineRecipe(documents)
            recipe_seconds = time.perf_counter() - began
            baseline.close()
            recipe_raw = len(recipe_texts) / _timed(lambda: model.encode(recipe_texts))
            recipe.append((len(recipe_texts) / recipe_seconds) / recipe_raw)
    med = statistics.median
    print(f"ingest of a generated corpus: {len(documents)} files, {len(texts)} chunks; "
          f"medians of {rounds} rounds")  # fmt: skip
    print(f"  raw SentenceTransformer.encode : {med(raw):8.1f} chunks/s")
    print(f"  assistant ingest               : {med(ours):.2f}x raw encode of its chunks "
          f"(rounds: {', '.join(f'{r:.2f}' for r in ours)})")  # fmt: skip
    print(f"  recipe (1000/200 chunks)       : {med(recipe):.2f}x raw encode of its chunks "
          f"(rounds: {', '.join(f'{r:.2f}' for r in recipe)})")  # fmt: skip
    print(f"  assistant vs recipe            : {med(ours) / med(recipe):.2f}x")
    print(f"  re-ingest unchanged            : {med(again):.2f} s, nothing written")


def _recipe_split(documents: list) -> list:  # type: ignore[type-arg]
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    return splitter.split_documents([Document(page_content=d.text) for d in documents])


# Runs the CLI, then reports the process's own peak RSS (VmHWM: per address space, so
# nothing inherited from the benchmark that started it).
_MEASURED_ASK = """
import sys
from assistant.cli import main
code = main(sys.argv[1:])
peak = [line for line in open("/proc/self/status") if line.startswith("VmHWM")][0]
print(int(peak.split()[1]) // 1024, file=sys.stderr)
sys.exit(code)
"""


_MEASURED_RECIPE = """
import sys
from pathlib import Path
from assistant.evaluation.baseline import BaselineRecipe
from assistant.documents.loading import read_document
recipe = BaselineRecipe([read_document(Path(sys.argv[1]))])
recipe.ask("Who attended the parade?")
recipe.close()
peak = [line for line in open("/proc/self/status") if line.startswith("VmHWM")][0]
print(int(peak.split()[1]) // 1024, file=sys.stderr)
"""


def _measure(command: list[str], runs: int) -> tuple[float, float]:
    walls, peaks = [], []
    for _ in range(runs):
        began = time.perf_counter()
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        walls.append(time.perf_counter() - began)
        peaks.append(int(done.stderr.strip().splitlines()[-1]))
    return statistics.median(walls), statistics.median(peaks)


def bench_cold(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        Assistant(settings=load_settings(store_dir=tmp)).ingest([ROOT / "corpus"])
        ours = _measure(
            [
                sys.executable,
                "-c",
                _MEASURED_ASK,
                "--store",
                tmp,
                "ask",
                "Who attended the parade?",
            ],
            runs,
        )
    recipe = _measure(
        [sys.executable, "-c", _MEASURED_RECIPE, str(ROOT / "corpus" / "briefing.txt")], runs
    )
    print(f"cold start, one question, median of {runs} processes (wall time, peak RSS)")
    print(f"  `assistant ask`              : {ours[0]:5.2f} s  {ours[1]:6.0f} MB")
    print(f"  recipe (load, index, query)  : {recipe[0]:5.2f} s  {recipe[1]:6.0f} MB")


def bench_serve() -> None:
    """Seconds from starting `assistant serve` to the first answer through /chat."""
    import socket

    from gradio_client import Client

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        Assistant(settings=load_settings(store_dir=tmp)).ingest([ROOT / "corpus"])
        began = time.perf_counter()
        server = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "--store", tmp, "serve", "--port", str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            while True:
                try:
                    Client(f"http://127.0.0.1:{port}/", verbose=False).predict(
                        "Who attended the parade?", api_name="/chat"
                    )
                    break
                except Exception:
                    if time.perf_counter() - began > 120 or server.poll() is not None:
                        raise
                    time.sleep(0.2)
            print(f"`assistant serve` to the first answer via /chat: "
                  f"{time.perf_counter() - began:.1f} s")  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3, help="latency passes")
    parser.add_argument("--ingest-rounds", type=int, default=3)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument(
        "--parts", default="cold,latency,serve,ingest", help="comma-separated subset"
    )
    args = parser.parse_args()
    ensure_offline()
    parts = set(args.parts.split(","))
    if "cold" in parts:
        bench_cold(args.cold_runs)
    if "latency" in parts:
        bench_latency(args.rounds)
    if "serve" in parts:
        bench_serve()
    if "ingest" in parts:
        bench_ingest(args.chunks, args.ingest_rounds)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this benchmark process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
