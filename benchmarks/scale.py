"""How the assistant scales with corpus size, beside the LangChain recipe, in one run.

    python benchmarks/scale.py --chunks 10000 [--out DIR] [--keep] [--skip-server]

Steps (each prints what it measured; a failing step prints what failed and the run goes on
with whatever does not depend on it):

1. corpus: ``benchmarks/corpus_gen.py`` writes about ``--chunks`` chunks of seeded news
   bulletins, appliance manuals and gazetteer entries (30-80 chunks a file) with
   ``corpus/briefing.txt`` inside and eleven facts planted in specific files.
2. ingest: raw ``embedder.encode`` of exactly the chunk texts the assistant embeds (in this
   process); then ``assistant ingest`` into a fresh store (a child process: wall time, the
   report's own seconds, chunks/s, CPU seconds, its own peak RSS, store size on disk); then the
   recipe (``BaselineRecipe``: RecursiveCharacterTextSplitter 1000/200 →
   HuggingFaceEmbeddings → Chroma) on the same files, in a child process.
3. changes, each ``assistant ingest`` as a child process (wall, with Python start-up, and the
   report's own seconds), median of ``--runs``: add one new ~6-chunk file; re-run on the
   unchanged corpus; delete one file and run with ``--prune`` (the files added before are the
   ones removed, so later steps see the generated corpus again).
4. questions: cold ``assistant ask`` (child wall and peak RSS, median of ``--runs``); a warm
   process (child): ``Assistant(...)`` built and its models warmed without touching the store
   (embed a query, score a cross-encoder pair, run NER, build gate, reader and chain), then
   the first ``ask``, then p50/p95 over ``--rounds`` passes of ~30 questions (planted ones,
   briefing ones, ordinary ones and off-corpus ones) and the RSS after the 50th question —
   beside the recipe's similarity search over the same questions in its own process.
5. server: the same corpus ingested through ``--chroma-url`` into a ``chroma run`` on a free
   loopback port, and the warm process again against it (``--skip-server`` skips this).
6. quality: planted questions answered with the planted answer *and* citing the planted file;
   "Who attended the parade?" naming Xi Jinping citing briefing.txt (the recipe's top chunk
   judged the same way beside).

Wall-time ratios run sequentially and drift with the machine's load; the CPU-second ratios
beside them (user + system of each process, from ``wait4``/``getrusage``) drift much less.
Prints one Markdown table (baseline beside each figure where there is one) and writes
``scale-N.json`` and ``scale-N.md`` to ``--out``. Medians throughout: this machine is noisy;
the load average at start and end is recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from assistant.offline import OFFLINE_ENV

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus_gen  # noqa: E402
from figures import percentile  # noqa: E402

T = TypeVar("T")
PARADE = corpus_gen.PARADE
OFF_CORPUS = (
    "What is the boiling point of mercury?",
    "Who painted the ceiling of the Sistine Chapel?",
    "How many moons does Neptune have?",
)
RSS_AFTER = 50  # questions asked before the serving process's RSS is read
_REPORT = re.compile(
    r"(\d+) file\(s\): (\d+) chunk\(s\) added, (\d+) unchanged, (\d+) removed in ([\d.]+) s"
)


# -- measuring -------------------------------------------------------------------------------


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


@dataclass(frozen=True, slots=True)
class Child:
    """One finished child process: wall seconds, CPU seconds (user + system, its own and its
    reaped children's, from ``wait4``) and its own peak RSS (``VmHWM`` as the child reports it:
    ``wait4``'s ``ru_maxrss`` would include this process's high-water mark, which the kernel
    carries across the child's ``exec``)."""

    command: tuple[str, ...]
    returncode: int
    wall: float
    cpu: float
    max_rss_mb: float | None
    stdout: str
    stderr: str

    def check(self) -> Child:
        if self.returncode != 0:
            tail = (self.stderr.strip() or self.stdout.strip()).splitlines()[-3:]
            raise RuntimeError(
                f"{' '.join(self.command[:4])}… exited {self.returncode}: {' | '.join(tail)}"
            )
        return self

    def last_json(self) -> dict[str, Any]:
        """The JSON object a worker prints last."""
        lines = [line for line in self.stdout.splitlines() if line.startswith("{")]
        if not lines:
            raise RuntimeError(f"no JSON from {' '.join(self.command[:4])}: {self.stderr[-500:]}")
        data: dict[str, Any] = json.loads(lines[-1])
        return data


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(OFFLINE_ENV)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def run_child(command: Sequence[str], *, timeout: float, cwd: Path | None = None) -> Child:
    """Run ``command`` to the end; wall time from spawn to reaping."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        began = time.perf_counter()
        process = subprocess.Popen(
            list(command), stdout=out, stderr=err, cwd=cwd, env=child_env(), text=True
        )
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - began
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
        peaks = _PEAK.findall(stderr)
        return Child(
            tuple(command),
            process.returncode,
            wall,
            usage.ru_utime + usage.ru_stime,
            int(peaks[-1]) / 1024 if peaks else None,
            stdout,
            _PEAK.sub("", stderr),
        )


# ``assistant`` as its console script runs it (``main()`` of ``assistant.cli``), reporting the
# process's own peak RSS on the way out.
_MEASURED_CLI = """
import atexit, sys
def _peak():
    with open("/proc/self/status") as status:
        kb = [line.split()[1] for line in status if line.startswith("VmHWM:")][0]
    print("scale-peak-kb", kb, file=sys.stderr)
atexit.register(_peak)
from assistant.cli import main
sys.exit(main(sys.argv[1:]))
"""
_PEAK = re.compile(r"^scale-peak-kb (\d+)\n?", re.MULTILINE)


def assistant_cli() -> list[str]:
    return [sys.executable, "-c", _MEASURED_CLI]


def ingest_report(child: Child) -> dict[str, float]:
    match = _REPORT.search(child.stdout)
    if not match:
        raise RuntimeError(f"no ingest report in: {child.stdout[-300:]!r} {child.stderr[-300:]!r}")
    files, added, unchanged, removed, seconds = match.groups()
    return {
        "files": int(files),
        "added": int(added),
        "unchanged": int(unchanged),
        "removed": int(removed),
        "seconds": float(seconds),
    }


def folder_mb(path: Path) -> float:
    if not path.exists():
        return 0.0
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def cpu_seconds() -> float:
    """User + system CPU seconds of this process so far (all its threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min) on {os.cpu_count()} CPUs"


def vm_kb(field_name: str) -> int:
    """``VmRSS``/``VmHWM`` of this process in kB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    return 0


# -- the run's figures -----------------------------------------------------------------------


@dataclass
class Run:
    """Figures (nested plain data for the JSON) and the table rows, filled step by step."""

    chunks: int
    data: dict[str, Any] = field(default_factory=dict)
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        print(f"\n== {name}   (load {load_average()})", flush=True)
        self.data.setdefault("load_at_step", {})[name] = os.getloadavg()[0]
        began = time.perf_counter()
        try:
            yield
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            print(f"!! step '{name}' failed: {message}", flush=True)
            traceback.print_exc(limit=3)
            self.errors.append({"step": name, "error": message})
            self.rows.append((f"**{name}: failed**", message[:120], "", ""))
        finally:
            self.data.setdefault("step_seconds", {})[name] = round(time.perf_counter() - began, 2)

    def note(self, text: str) -> None:
        """Progress only (not a table row)."""
        print(f"  {text}", flush=True)

    def row(self, label: str, ours: str, baseline: str = "", note: str = "") -> None:
        self.rows.append((label, ours, baseline, note))
        extra = f"   [baseline: {baseline}]" if baseline else ""
        print(f"  {label}: {ours}{extra}" + (f"   ({note})" if note else ""), flush=True)

    def table(self) -> str:
        lines = [
            f"| figure ({self.chunks:,} chunks requested) | assistant | baseline | note |",
            "|---|---|---|---|",
        ]
        lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in self.rows]
        return "\n".join(lines)


def need(value: T | None, what: str) -> T:
    if value is None:
        raise RuntimeError(f"skipped: {what} is not available (an earlier step failed)")
    return value


def fmt_s(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds:.2f} s"


def fmt_ms(ms: float | None) -> str:
    return "–" if ms is None else f"{ms:.0f} ms"


def fmt_mb(mb: float | None) -> str:
    return "–" if mb is None else f"{mb:.0f} MB"


# -- quality ---------------------------------------------------------------------------------


def _flat(text: str) -> str:
    return " ".join(text.split()).lower()


def judge(answer: dict[str, Any], expected: str, source: str) -> dict[str, bool]:
    """Answered (not abstained), with the expected text, citing the expected file."""
    answered = not answer["abstained"]
    has = answered and _flat(expected) in _flat(answer["text"])
    cites = answered and source in answer["sources"]
    return {"answered": answered, "has_answer": has, "cites_file": cites, "ok": has and cites}


def quality(answers: dict[str, dict[str, Any]], plants: Sequence[dict[str, str]]) -> dict[str, Any]:
    per = {
        p["key"]: judge(answers[p["question"]], p["answer"], p["source"])
        for p in plants
        if p["question"] in answers
    }
    parade = answers.get(PARADE["question"])
    return {
        "planted": per,
        "planted_ok": sum(v["ok"] for v in per.values()),
        "planted_answer": sum(v["has_answer"] for v in per.values()),
        "planted_cited": sum(v["cites_file"] for v in per.values()),
        "planted_total": len(per),
        "parade": judge(parade, PARADE["answer"], PARADE["source"]) if parade else None,
    }


# -- workers (child processes) ---------------------------------------------------------------


def _timed_method(owner: Any, name: str, bucket: dict[str, float]) -> None:
    """Wrap ``owner.name`` so its time adds up in ``bucket[name]`` (ms)."""
    original = getattr(owner, name, None)
    if original is None:  # renamed in the library: measure the rest
        return

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            bucket[name] = bucket.get(name, 0.0) + (time.perf_counter() - began) * 1000

    setattr(owner, name, wrapper)


def _answer_record(answer: Any) -> dict[str, Any]:
    return {
        "text": answer.text,
        "abstained": bool(answer.abstained),
        "sources": sorted({c.source for c in answer.citations}),
    }


def worker_warm(spec: dict[str, Any]) -> dict[str, Any]:
    """A serving process: build, warm the models without touching the store, first ask, then
    timed rounds over the questions."""
    from assistant.app import Assistant
    from assistant.offline import ensure_offline

    ensure_offline()
    questions: list[str] = spec["questions"]
    began = time.perf_counter()
    bot = Assistant(store_dir=spec["store"], chroma_url=spec.get("chroma_url"))
    built = time.perf_counter()
    bot.embedder.embed_query("warm-up")
    bot.reranker.score("warm-up", ["A sentence to warm the cross-encoder up."])
    bot.recognizer.entities("Warm-up in London on Monday with Ada Lovelace.")
    _ = (bot.gate, bot.reader, bot.chain)
    models = time.perf_counter()
    bot.warm_up()  # the store: its check, vector and lexical index (as `assistant serve` does)
    warmed = time.perf_counter()
    # Where the first ask goes (inclusive times).
    first_parts: dict[str, float] = {}
    for name in ("stale", "lexical", "dense_search", "generation"):
        _timed_method(bot.store, name, first_parts)
    check = bot.store._check  # the vector index's check (assistant.index.check)
    _timed_method(check, "ensure", first_parts)
    first = bot.ask(PARADE["question"])
    first_ms = (time.perf_counter() - warmed) * 1000
    for name in first_parts:
        delattr(check if name == "ensure" else bot.store, name)  # the class's methods again
    asked = 1
    rss_at: float | None = None
    for question in questions[:3]:  # as bench.py: three warm-up questions
        bot.ask(question)
        asked += 1
    parts: dict[str, float] = {}
    for name in ("dense_search", "bm25_search", "get", "stale", "count"):
        _timed_method(bot.store, name, parts)
    _timed_method(bot.embedder, "embed_query", parts)
    _timed_method(bot.reranker, "score", parts)
    timings: list[float] = []
    stages: dict[str, list[float]] = {}
    answers: dict[str, dict[str, Any]] = {}
    for round_number in range(spec["rounds"]):
        for question in questions:
            start = time.perf_counter()
            answer = bot.ask(question)
            timings.append((time.perf_counter() - start) * 1000)
            asked += 1
            for stage, ms in answer.timings.items():
                stages.setdefault(stage, []).append(ms)
            if round_number == 0:
                answers[question] = _answer_record(answer)
            if asked == RSS_AFTER:
                rss_at = vm_kb("VmRSS") / 1024
    count = len(timings)
    while asked < RSS_AFTER:  # too few rounds to reach it: ask on, untimed
        bot.ask(questions[asked % len(questions)])
        asked += 1
    if rss_at is None:
        rss_at = vm_kb("VmRSS") / 1024
    return {
        "construct_s": built - began,
        "warm_up_s": models - built,
        "store_warm_up_s": warmed - models,
        "first_ask_ms": first_ms,
        "first_answer": _answer_record(first),
        "first_stages_ms": dict(first.timings),
        "first_parts_ms": first_parts,
        "ask_ms": timings,
        "p50_ms": percentile(timings, 50),
        "p95_ms": percentile(timings, 95),
        "stage_p50_ms": {k: percentile(v, 50) for k, v in stages.items()},
        "parts_mean_ms": {k: v / count for k, v in parts.items()},
        "asked": asked,
        "rss_after_50_mb": rss_at,
        "rss_end_mb": vm_kb("VmRSS") / 1024,
        "hwm_mb": vm_kb("VmHWM") / 1024,
        "answers": answers,
    }


def worker_recipe(spec: dict[str, Any]) -> dict[str, Any]:
    """The recipe: build it on the corpus (timed), then its similarity search over the
    questions, as the warm worker asks them."""
    from assistant.documents.discovery import discover
    from assistant.documents.loading import read_document
    from assistant.evaluation.baseline import BaselineRecipe

    began = time.perf_counter()
    documents = [read_document(p, source=n) for p, n in discover([Path(spec["corpus"])])]
    read = time.perf_counter()
    cpu = cpu_seconds()
    recipe = BaselineRecipe(documents)
    built = time.perf_counter()
    built_at = time.time()
    build_cpu, cpu_to_built = cpu_seconds() - cpu, cpu_seconds()
    hwm_build = vm_kb("VmHWM") / 1024
    pieces = int(recipe.store._collection.count())
    store_mb = folder_mb(Path(recipe._dir.name))
    questions: list[str] = spec["questions"]
    try:
        start = time.perf_counter()
        first = recipe.ask(PARADE["question"])
        first_ms = (time.perf_counter() - start) * 1000
        asked = 1
        for question in questions[:3]:
            recipe.ask(question)
            asked += 1
        timings: list[float] = []
        answers: dict[str, dict[str, Any]] = {}
        rss_at: float | None = None
        for round_number in range(spec["rounds"]):
            for question in questions:
                start = time.perf_counter()
                answer = recipe.ask(question)
                timings.append((time.perf_counter() - start) * 1000)
                asked += 1
                if round_number == 0:
                    answers[question] = _answer_record(answer)
                if asked == RSS_AFTER:
                    rss_at = vm_kb("VmRSS") / 1024
        while asked < RSS_AFTER:
            recipe.ask(questions[asked % len(questions)])
            asked += 1
        if rss_at is None:
            rss_at = vm_kb("VmRSS") / 1024
        rss_end = vm_kb("VmRSS") / 1024
    finally:
        recipe.close()
    return {
        "read_s": read - began,
        "build_s": built - read,
        "build_cpu_s": build_cpu,
        "cpu_to_built_s": cpu_to_built,
        "built_at": built_at,
        "chunks": pieces,
        "store_mb": store_mb,
        "build_hwm_mb": hwm_build,
        "first_ask_ms": first_ms,
        "first_answer": _answer_record(first),
        "p50_ms": percentile(timings, 50),
        "p95_ms": percentile(timings, 95),
        "rss_after_50_mb": rss_at,
        "rss_end_mb": rss_end,
        "answers": answers,
    }


WORKERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "warm": worker_warm,
    "recipe": worker_recipe,
}


def run_worker(kind: str, spec: dict[str, Any], work: Path, *, timeout: float) -> Child:
    path = work / f"spec-{kind}-{time.time_ns()}.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, str(path)]
    return run_child(command, timeout=timeout, cwd=work).check()


# -- the benchmark ---------------------------------------------------------------------------


@dataclass
class Context:
    args: argparse.Namespace
    run: Run
    work: Path
    corpus: Path
    store: Path
    info: corpus_gen.Corpus | None = None
    questions: list[str] = field(default_factory=list)
    chunking: str = ""
    raw_s: float | None = None
    raw_cpu: float | None = None
    ingest: dict[str, Any] | None = None
    recipe: dict[str, Any] | None = None


def build_questions(info: corpus_gen.Corpus) -> list[str]:
    """~30: the planted ones, the parade, briefing questions, ordinary ones, off-corpus ones."""
    from assistant.evaluation import load_cases

    briefing = [
        c.question
        for c in load_cases(ROOT / "eval" / "qa" / "briefing.jsonl")
        if c.question != PARADE["question"] and not c.history
    ][:8]
    questions = [PARADE["question"], *(p["question"] for p in info.plants), *briefing]
    questions += [*info.background_questions[:7], *OFF_CORPUS]
    return list(dict.fromkeys(questions))


def step_corpus(ctx: Context) -> None:
    run = ctx.run
    from assistant.config import load_settings

    settings = load_settings()
    ctx.chunking = f"{settings.chunk_size} sentences, overlap {settings.chunk_overlap}"
    began = time.perf_counter()
    info = corpus_gen.generate(
        ctx.corpus,
        ctx.args.chunks,
        seed=ctx.args.seed,
        chunk_size=settings.chunk_size,
        chunk_overlap=settings.chunk_overlap,
    )
    ctx.info = info
    ctx.questions = build_questions(info)
    run.data["corpus"] = info.to_dict() | {"seconds": time.perf_counter() - began}
    run.data["questions"] = ctx.questions
    run.row(
        "corpus",
        f"{len(info.files)} files, ~{info.estimated_chunks:,} chunks (estimated)",
        note=f"written in {time.perf_counter() - began:.1f} s; {len(info.plants)} planted facts",
    )


def step_raw_encode(ctx: Context) -> None:
    """Exactly the texts ``assistant ingest`` embeds: its chunker, folded."""
    from assistant.config import load_settings
    from assistant.documents.chunking import chunk_document, fold
    from assistant.documents.discovery import discover
    from assistant.documents.loading import read_document
    from assistant.index.embeddings import SentenceTransformerEmbedder

    settings = load_settings()
    began = time.perf_counter()
    texts = [
        fold(chunk.text)
        for path, name in discover([ctx.corpus])
        for chunk in chunk_document(
            read_document(path, source=name, max_bytes=settings.max_file_bytes),
            chunk_size=settings.chunk_size,
            chunk_overlap=settings.chunk_overlap,
        )
    ]
    chunked = time.perf_counter() - began
    embedder = SentenceTransformerEmbedder()
    embedder.encode(texts[:64])  # load and warm up
    share = ctx.args.raw_sample
    sample = (
        texts
        if share >= 1
        else random.Random(ctx.args.seed).sample(texts, max(1, round(len(texts) * share)))
    )
    began, cpu = time.perf_counter(), cpu_seconds()
    embedder.encode(sample)
    scale = len(texts) / len(sample)  # a sample's time, scaled to every text
    ctx.raw_s = (time.perf_counter() - began) * scale
    ctx.raw_cpu = (cpu_seconds() - cpu) * scale
    data: dict[str, Any] = {
        "chunks": len(texts),
        "encoded": len(sample),
        "chunking_s": chunked,
        "encode_s": ctx.raw_s,
        "encode_cpu_s": ctx.raw_cpu,
    }
    sampled = "" if len(sample) == len(texts) else f" (a random {len(sample):,} of them, scaled)"
    ctx.run.row(
        "raw `embedder.encode` of the assistant's chunk texts",
        f"{ctx.raw_s:.1f} s ({len(texts) / ctx.raw_s:.0f} chunks/s)",
        note=f"{len(texts):,} texts{sampled}, in this process; chunking them took {chunked:.1f} s",
    )
    if ctx.args.st_encode:
        began = time.perf_counter()
        embedder.encode_with_torch(texts)
        data["st_encode_s"] = st = time.perf_counter() - began
        ctx.run.row(
            "raw SentenceTransformer.encode (torch) of the same texts",
            f"{st:.1f} s ({len(texts) / st:.0f} chunks/s)",
        )
    ctx.run.data["raw_encode"] = data
    del embedder  # its model and buffers would only inflate this process from here on


def step_ingest(ctx: Context) -> None:
    run = ctx.run
    timeout = max(900.0, ctx.args.chunks * 0.3)
    command = [*assistant_cli(), "--store", str(ctx.store), "ingest", "-q", str(ctx.corpus)]
    child = run_child(command, timeout=timeout, cwd=ctx.work).check()
    report = ingest_report(child)
    size = folder_mb(ctx.store)
    lexical = folder_mb(ctx.store / "lexical")
    ctx.ingest = {
        "wall_s": child.wall,
        "report": report,
        "peak_rss_mb": child.max_rss_mb,
        "cpu_s": child.cpu,
        "store_mb": size,
        "lexical_mb": lexical,
    }
    run.data["ingest"] = ctx.ingest
    run.note(
        f"{report['added']:,} chunks in {report['seconds']:.1f} s (report), "
        f"{child.wall:.1f} s CLI wall, {child.cpu:.1f} CPU s, peak RSS {fmt_mb(child.max_rss_mb)},"
        f" store {size:.0f} MB"
    )


def step_recipe(ctx: Context) -> None:
    run = ctx.run
    spec = {
        "corpus": str(ctx.corpus),
        "questions": ctx.questions,
        "rounds": ctx.args.rounds,
    }
    launched = time.time()
    child = run_worker("recipe", spec, ctx.work, timeout=max(1800.0, ctx.args.chunks * 0.5))
    data = child.last_json()
    data["wall_to_built_s"] = data["built_at"] - launched
    data["child_wall_s"] = child.wall
    data["child_peak_rss_mb"] = child.max_rss_mb
    ctx.recipe = data
    run.data["recipe"] = {k: v for k, v in data.items() if k != "answers"}
    run.note(
        f"recipe: {data['chunks']:,} chunks of ≤1000 characters built in {data['build_s']:.1f} s"
        f" ({data['wall_to_built_s']:.1f} s from process start); search p50 "
        f"{data['p50_ms']:.0f} ms"
    )


def summarize_ingest(ctx: Context) -> None:
    """The ingest rows, each beside the recipe (or raw encode) where there is one."""
    run = ctx.run
    ingest, recipe = ctx.ingest, ctx.recipe
    if ingest is None and recipe is None:
        raise RuntimeError("skipped: neither ingest ran")
    report = ingest["report"] if ingest else None
    seconds = report["seconds"] if report else None
    estimated = ctx.info.estimated_chunks if ctx.info else 0
    run.row(
        "chunks after ingest",
        f"{report['added']:,}" if report else "–",
        f"recipe {recipe['chunks']:,} (≤1000 characters, 200 overlap)" if recipe else "",
        f"{len(ctx.info.files) if ctx.info else 0} files; requested {ctx.args.chunks:,}, "
        f"estimated while generating {estimated:,}; ours: {ctx.chunking}",
    )
    run.row(
        "ingest, fresh store: report / process wall",
        f"{seconds:.1f} s / {ingest['wall_s']:.1f} s" if ingest and seconds else "–",
        f"recipe {recipe['build_s']:.1f} s / {recipe['wall_to_built_s']:.1f} s" if recipe else "",
        "process wall: CLI child incl. Python start-up (recipe: start to built)",
    )
    run.row(
        "ingest throughput",
        f"{report['added'] / seconds:.0f} chunks/s" if report and seconds else "–",
        f"recipe {recipe['chunks'] / recipe['build_s']:.0f} chunks/s" if recipe else "",
    )
    if ctx.raw_s is not None and seconds:
        ratio = ctx.raw_s / seconds
        run.data["ratio_ingest_to_raw_encode"] = ratio
        run.row(
            "ingest throughput ÷ raw `embedder.encode` throughput",
            f"{ratio:.2f}×",
            f"raw encode {ctx.raw_s:.1f} s",
            "raw encode s ÷ ingest report s, same texts; target ≥ 0.95×",
        )
    if recipe and ingest and seconds:
        ratio = seconds / recipe["build_s"]
        wall_ratio = ingest["wall_s"] / recipe["wall_to_built_s"]
        run.data["ratio_ingest_to_recipe"] = ratio
        run.data["ratio_ingest_wall_to_recipe_wall"] = wall_ratio
        run.row(
            "ingest time ÷ recipe time",
            f"{ratio:.2f}× (process walls {wall_ratio:.2f}×)",
            "1.00×",
            "report s ÷ recipe build s; target ≤ 0.67×",
        )
    if ingest and (ctx.raw_cpu or recipe):
        raw = f"raw encode {ctx.raw_cpu:.0f} CPU s" if ctx.raw_cpu else ""
        raw_ratio = f"{ctx.raw_cpu / ingest['cpu_s']:.2f}× raw encode" if ctx.raw_cpu else ""
        vs = f"; {ingest['cpu_s'] / recipe['cpu_to_built_s']:.2f}× recipe" if recipe else ""
        run.data["cpu_ratios"] = {
            "raw_encode_cpu_over_ingest_cpu": ctx.raw_cpu / ingest["cpu_s"]
            if ctx.raw_cpu
            else None,
            "ingest_cpu_over_recipe_cpu": ingest["cpu_s"] / recipe["cpu_to_built_s"]
            if recipe
            else None,
        }
        run.row(
            "ingest CPU s (user+sys, whole process)",
            f"{ingest['cpu_s']:.0f} s: throughput {raw_ratio}{vs}",
            f"{raw}; recipe {recipe['cpu_to_built_s']:.0f} CPU s" if recipe else raw,
            "less sensitive to other load than wall time; includes imports and model loading",
        )
    run.row(
        "ingest peak RSS",
        fmt_mb(ingest["peak_rss_mb"]) if ingest else "–",
        f"recipe {fmt_mb(recipe['build_hwm_mb'])}" if recipe else "",
        "VmHWM of the ingest process; recipe: VmHWM after building",
    )
    run.row(
        "store size on disk",
        f"{ingest['store_mb']:.0f} MB (lexical index {ingest['lexical_mb']:.0f} MB)"
        if ingest
        else "–",
        f"recipe {recipe['store_mb']:.0f} MB" if recipe else "",
    )


def _cli_ingest(ctx: Context, *extra: str) -> Child:
    command = [*assistant_cli(), "--store", str(ctx.store), "ingest", "-q", *extra]
    return run_child([*command, str(ctx.corpus)], timeout=1800, cwd=ctx.work).check()


def _change_row(ctx: Context, label: str, key: str, children: list[Child], what: str) -> None:
    reports = [ingest_report(c) for c in children]
    walls = [c.wall for c in children]
    seconds = [r["seconds"] for r in reports]
    ctx.run.data.setdefault("changes", {})[key] = {
        "wall_s": walls,
        "report_s": seconds,
        "reports": reports,
        "peak_rss_mb": [c.max_rss_mb for c in children],
        "cpu_s": [c.cpu for c in children],
    }
    ctx.run.row(
        label,
        f"{fmt_s(median(walls))} CLI / {fmt_s(median(seconds))} report",
        note=f"median of {len(children)}; {what}; runs (CLI s): "
        + ", ".join(f"{w:.1f}" for w in walls)
        + f"; CPU {fmt_s(median([c.cpu for c in children]))}",
    )


def step_changes(ctx: Context) -> None:
    need(ctx.ingest, "the assistant's store")
    runs = ctx.args.runs
    added: list[Path] = []
    children: list[Child] = []
    sizes: list[int] = []
    for number in range(1, runs + 1):
        name = f"news/zz-added-{number}.txt"
        sizes.append(corpus_gen.new_file(ctx.corpus, name, seed=1000 + number))
        added.append(ctx.corpus / name)
        children.append(_cli_ingest(ctx))
    reports = [ingest_report(c) for c in children]
    _change_row(
        ctx,
        "add one new file, re-run ingest",
        "add_one_file",
        children,
        f"{median([float(r['added']) for r in reports]):.0f}-chunk files (estimated {sizes})",
    )
    children = [_cli_ingest(ctx) for _ in range(runs)]
    _change_row(ctx, "re-run ingest, unchanged corpus", "unchanged", children, "nothing written")
    children = []
    for path in added:
        path.unlink()
        children.append(_cli_ingest(ctx, "--prune"))
    removed = median([float(ingest_report(c)["removed"]) for c in children])
    _change_row(
        ctx,
        "delete one file, ingest --prune",
        "prune",
        children,
        f"{removed:.0f} chunks removed (the added files)",
    )


def step_cold(ctx: Context) -> None:
    need(ctx.ingest, "the assistant's store")
    children = []
    for _ in range(ctx.args.runs):
        command = [*assistant_cli(), "--store", str(ctx.store), "ask", PARADE["question"]]
        children.append(run_child(command, timeout=900, cwd=ctx.work).check())
    walls = [c.wall for c in children]
    rss = [c.max_rss_mb for c in children if c.max_rss_mb is not None]
    named = all(PARADE["answer"] in c.stdout for c in children)
    ctx.run.data["cold_ask"] = {
        "wall_s": walls,
        "peak_rss_mb": rss,
        "cpu_s": [c.cpu for c in children],
        "names_xi": named,
        "answer": children[0].stdout.strip().splitlines()[:2],
    }
    ctx.run.row(
        "cold `assistant ask` (wall, peak RSS)",
        f"{fmt_s(median(walls))}, {fmt_mb(median(rss))}",
        note=f"median of {len(walls)}: "
        + ", ".join(f"{w:.1f}" for w in walls)
        + f"; CPU {fmt_s(median([c.cpu for c in children]))}"
        + ("" if named else "; ANSWER LACKED Xi Jinping"),
    )


def _warm_rows(ctx: Context, data: dict[str, Any], prefix: str, baseline: bool) -> None:
    run = ctx.run
    recipe = ctx.recipe if baseline else None
    run.row(
        f"{prefix}first ask in a warm process",
        fmt_ms(data["first_ask_ms"]),
        f"recipe first search {fmt_ms(recipe['first_ask_ms'])}" if recipe else "",
        f"after Assistant() {data['construct_s']:.2f} s, model warm-up "
        f"{data['warm_up_s']:.2f} s and store warm-up {data['store_warm_up_s']:.2f} s "
        "(`Assistant.warm_up()`, as `assistant serve` before it prints its address)",
    )
    run.row(
        f"{prefix}warm ask p50 / p95",
        f"{fmt_ms(data['p50_ms'])} / {fmt_ms(data['p95_ms'])}",
        f"recipe search {fmt_ms(recipe['p50_ms'])} / {fmt_ms(recipe['p95_ms'])}" if recipe else "",
        f"{len(data['ask_ms'])} asks, {len(ctx.questions)} distinct questions",
    )


def step_warm(ctx: Context) -> None:
    need(ctx.ingest, "the assistant's store")
    spec = {"store": str(ctx.store), "questions": ctx.questions, "rounds": ctx.args.rounds}
    child = run_worker("warm", spec, ctx.work, timeout=3600)
    data = child.last_json()
    ctx.run.data["warm"] = {k: v for k, v in data.items() if k != "answers"}
    _warm_rows(ctx, data, "", baseline=True)
    first = ", ".join(f"{k} {v:.0f}" for k, v in data["first_parts_ms"].items())
    ctx.run.row("where the first ask goes (ms, inclusive)", first, "", "store methods, timed")
    recipe = ctx.recipe
    ctx.run.row(
        f"serving RSS after {RSS_AFTER} questions",
        fmt_mb(data["rss_after_50_mb"]),
        f"recipe {fmt_mb(recipe['rss_after_50_mb'])}" if recipe else "",
        f"VmRSS of the warm process; its peak {fmt_mb(data['hwm_mb'])}",
    )
    stages = ", ".join(f"{k} {v:.0f}" for k, v in data["stage_p50_ms"].items() if k != "total")
    parts = ", ".join(f"{k} {v:.1f}" for k, v in data["parts_mean_ms"].items())
    ctx.run.row("where a warm ask goes (ms)", f"p50 per stage: {stages}", "", f"mean: {parts}")
    step_quality(ctx, data["answers"], "")


def step_quality(ctx: Context, answers: dict[str, dict[str, Any]], prefix: str) -> None:
    info = need(ctx.info, "the corpus")
    ours = quality(answers, info.plants)
    recipe = quality(ctx.recipe["answers"], info.plants) if ctx.recipe and not prefix else None
    key = "quality_server" if prefix else "quality"
    ctx.run.data[key] = {"assistant": ours, "recipe": recipe}
    judged = [PARADE["question"], *(p["question"] for p in info.plants)]
    ctx.run.data[key]["answers"] = {q: answers[q] for q in judged if q in answers}
    missed = [k for k, v in ours["planted"].items() if not v["ok"]]
    ctx.run.row(
        f"{prefix}planted questions: planted answer and planted file cited",
        f"{ours['planted_ok']}/{ours['planted_total']}",
        f"recipe top chunk {recipe['planted_ok']}/{recipe['planted_total']}" if recipe else "",
        f"answer in text {ours['planted_answer']}, file cited {ours['planted_cited']}"
        + (f"; missed: {', '.join(missed)}" if missed else ""),
    )
    parade = ours["parade"]
    recipe_parade = recipe["parade"] if recipe else None
    ctx.run.row(
        f"{prefix}“Who attended the parade?” → Xi Jinping citing briefing.txt",
        "yes" if parade and parade["ok"] else "NO",
        ("yes" if recipe_parade["ok"] else "no") if recipe_parade else "",
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def chroma_server(folder: Path) -> Iterator[str]:
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    port = _free_port()
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / "chroma-server.log", "w") as log:
        process = subprocess.Popen(
            [chroma, "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=child_env(),
        )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("chroma run did not start listening") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def step_server(ctx: Context) -> None:
    need(ctx.info, "the corpus")
    local = ctx.work / "server-client"
    with chroma_server(ctx.work / "chroma-server") as url:
        command = [*assistant_cli(), "--chroma-url", url, "--store", str(local), "ingest", "-q"]
        timeout = max(900.0, ctx.args.chunks * 0.3)
        child = run_child([*command, str(ctx.corpus)], timeout=timeout, cwd=ctx.work).check()
        report = ingest_report(child)
        ctx.run.data["server_ingest"] = {
            "wall_s": child.wall,
            "report": report,
            "peak_rss_mb": child.max_rss_mb,
        }
        ctx.run.row(
            "server: ingest through --chroma-url",
            f"{report['seconds']:.1f} s report / {child.wall:.1f} s CLI",
            note=f"{report['added']:,} chunks; {report['added'] / report['seconds']:.0f} chunks/s",
        )
        spec = {
            "store": str(local),
            "chroma_url": url,
            "questions": ctx.questions,
            "rounds": ctx.args.rounds,
        }
        data = run_worker("warm", spec, ctx.work, timeout=3600).last_json()
    ctx.run.data["server_warm"] = {k: v for k, v in data.items() if k != "answers"}
    _warm_rows(ctx, data, "server: ", baseline=False)
    step_quality(ctx, data["answers"], "server: ")


def benchmark(args: argparse.Namespace) -> int:
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    if args.keep:
        work = out / f"work-{args.chunks}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
    else:
        work = Path(tempfile.mkdtemp(prefix=f"scale-{args.chunks}-"))
    run = Run(args.chunks)
    ctx = Context(args, run, work, work / "corpus", work / "store")
    began = time.perf_counter()
    run.data.update(
        chunks_requested=args.chunks,
        seed=args.seed,
        runs=args.runs,
        rounds=args.rounds,
        load_at_start=load_average(),
        started=time.strftime("%Y-%m-%d %H:%M:%S"),
        python=sys.version.split()[0],
        work=str(work),
    )
    print(f"scale benchmark: {args.chunks:,} chunks; work in {work}; load {load_average()}")
    try:
        with run.step("generate the corpus"):
            step_corpus(ctx)
        if ctx.info is not None:
            with run.step("raw encode"):
                step_raw_encode(ctx)
            with run.step("assistant ingest"):
                step_ingest(ctx)
            if not args.skip_recipe:
                with run.step("recipe ingest and search"):
                    step_recipe(ctx)
            with run.step("ingest figures"):
                summarize_ingest(ctx)
            with run.step("add / unchanged / prune"):
                step_changes(ctx)
            with run.step("cold ask"):
                step_cold(ctx)
            with run.step("warm process"):
                step_warm(ctx)
            if not args.skip_server:
                with run.step("chroma server"):
                    step_server(ctx)
    finally:
        total = time.perf_counter() - began
        run.data.update(
            total_s=total,
            load_at_end=load_average(),
            errors=run.errors,
            benchmark_peak_rss_mb=vm_kb("VmHWM") / 1024,
        )
        run.row(
            "whole benchmark run",
            f"{total / 60:.1f} min",
            note=f"load average at start {run.data['load_at_start']}; at end {load_average()}",
        )
        table = run.table()
        print("\n" + table)
        (out / f"scale-{args.chunks}.md").write_text(table + "\n", encoding="utf-8")
        (out / f"scale-{args.chunks}.json").write_text(
            json.dumps(run.data, indent=2, default=str) + "\n", encoding="utf-8"
        )
        print(
            f"\nfigures: {out / f'scale-{args.chunks}.json'}; table: "
            f"{out / f'scale-{args.chunks}.md'}"
        )
        if args.keep:
            print(f"corpus and stores kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if run.errors else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--chunks", type=int, default=10_000, help="about how many chunks")
    parser.add_argument("--out", type=Path, default=Path("scale-results"), help="figures go here")
    parser.add_argument("--keep", action="store_true", help="keep the corpus and stores in OUT")
    parser.add_argument("--skip-server", action="store_true", help="no `chroma run` part")
    parser.add_argument("--skip-recipe", action="store_true", help="no LangChain recipe part")
    parser.add_argument(
        "--st-encode", action="store_true", help="also time sentence-transformers (torch) encode"
    )
    parser.add_argument(
        "--raw-sample",
        type=float,
        default=1.0,
        metavar="SHARE",
        help="time raw encode on this share of the texts (scaled up; default: all)",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of each cheap step (median)")
    parser.add_argument("--rounds", type=int, default=2, help="passes over the questions")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "SPEC"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        kind, spec = args.worker
        print(json.dumps(WORKERS[kind](json.loads(Path(spec).read_text(encoding="utf-8")))))
        return 0
    os.environ.update(OFFLINE_ENV)
    return benchmark(args)


if __name__ == "__main__":
    raise SystemExit(main())
