"""The evaluation suite: several corpora, each with a Q&A file halved into dev and test.

``eval/suite.json`` names the corpora. ``run_suite`` ingests each corpus into its own store
(a temporary one, or a cached one that later runs update incrementally), answers one half of
its Q&A file with the assistant and, optionally, with the LangChain recipe, and returns one
``CorpusResult`` per corpus.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.evaluation.dataset import DatasetError, EvalCase, Split, load_cases
from assistant.evaluation.runner import Report, evaluate

if TYPE_CHECKING:
    from assistant.app import Assistant
    from assistant.config import Settings

DEFAULT_SUITE = Path("eval/suite.json")

# The per-corpus figures the suite table shows: (summary key, column title).
TABLE_METRICS: tuple[tuple[str, str], ...] = (
    ("contains", "contains"),
    ("f1", "F1"),
    ("hit@3", "hit@3"),
    ("mrr", "MRR"),
    ("false_abstention_rate", "false abst."),
    ("abstention_recall", "unans. refused"),
    ("groundedness", "grounded"),
)


@dataclass(frozen=True, slots=True)
class SuiteCorpus:
    name: str
    corpus: Path
    qa: Path

    def cases(self, split: Split | None) -> list[EvalCase]:
        return load_cases(self.qa, split)


@dataclass(frozen=True, slots=True)
class CorpusResult:
    name: str
    assistant: Report
    baseline: Report | None
    cases: tuple[EvalCase, ...]


def load_suite(path: str | Path = DEFAULT_SUITE) -> tuple[SuiteCorpus, ...]:
    """Read a suite manifest; paths in it are relative to the manifest's folder."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DatasetError(f"{path} does not exist.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DatasetError(f"{path} is not a readable suite manifest: {exc}.") from None
    entries = data.get("corpora") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise DatasetError(f"{path}: 'corpora' must be a non-empty list.")
    suite = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), str) for k in ("name", "corpus", "qa")
        ):
            raise DatasetError(f"{path}: corpus {number} needs string 'name', 'corpus' and 'qa'.")
        suite.append(
            SuiteCorpus(entry["name"], path.parent / entry["corpus"], path.parent / entry["qa"])
        )
    names = [c.name for c in suite]
    if len(set(names)) != len(names):
        raise DatasetError(f"{path}: corpus names must be unique.")
    return tuple(suite)


def select(suite: Sequence[SuiteCorpus], names: Sequence[str] | None) -> tuple[SuiteCorpus, ...]:
    if not names:
        return tuple(suite)
    known = {c.name: c for c in suite}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise DatasetError(
            f"No corpus named {', '.join(unknown)} in the suite (it has {', '.join(known)})."
        )
    return tuple(known[n] for n in names)


def store_key(settings: Settings) -> str:
    """What a cached store depends on: the chunking (ingest skips files it has seen, so a
    store cut by another chunker must not be reused)."""
    from assistant.documents.chunking import CHUNKER_VERSION

    return f"v{CHUNKER_VERSION}c{settings.chunk_size}o{settings.chunk_overlap}"


def corpus_assistant(
    corpus: SuiteCorpus, settings: Settings, store_dir: Path, **components: Any
) -> Assistant:
    """An ``Assistant`` over ``corpus``, ingested (incrementally) into ``store_dir``."""
    from assistant.app import Assistant

    bot = Assistant(
        settings=settings.model_copy(update={"store_dir": store_dir, "chroma_url": None}),
        **components,
    )
    bot.ingest([corpus.corpus], prune=True)
    return bot


def baseline_for(corpus: SuiteCorpus) -> Any:
    from assistant.documents.discovery import discover
    from assistant.documents.loading import read_document
    from assistant.evaluation.baseline import BaselineRecipe

    documents = [read_document(path, source=name) for path, name in discover([corpus.corpus])]
    return BaselineRecipe(documents)


def run_suite(
    suite: Sequence[SuiteCorpus],
    settings: Settings,
    *,
    split: Split | None,
    baseline: bool = False,
    cache_dir: Path | None = None,
    progress: bool = False,
    mode: str | None = None,
) -> list[CorpusResult]:
    """Evaluate every corpus of the suite on one half of its Q&A file, with the reader of
    answer mode ``mode`` (the default one when None)."""
    results = []
    for corpus in suite:
        cases = corpus.cases(split)
        with ExitStack() as stack:
            if cache_dir is None:
                store = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="suite-")))
            else:
                store = cache_dir / f"{corpus.name}-{store_key(settings)}"
            bot = corpus_assistant(corpus, settings, store, **({"mode": mode} if mode else {}))
            report = evaluate(bot, cases, progress=progress)
            recipe_report = None
            if baseline:
                recipe = baseline_for(corpus)
                try:
                    recipe_report = evaluate(recipe, cases, progress=progress)
                finally:
                    recipe.close()
        results.append(CorpusResult(corpus.name, report, recipe_report, tuple(cases)))
    return results


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def render_table(results: Sequence[CorpusResult]) -> str:
    """A Markdown table: one row per corpus, each metric as ``assistant (recipe)``."""
    head = "| corpus | cases | " + " | ".join(title for _, title in TABLE_METRICS) + " |"
    rule = "|---|---:|" + "---:|" * len(TABLE_METRICS)
    rows = [head, rule]
    for result in results:
        cells = []
        for key, _ in TABLE_METRICS:
            mine = _cell(result.assistant.summary.get(key))
            if result.baseline is not None:
                mine += f" ({_cell(result.baseline.summary.get(key))})"
            cells.append(mine)
        rows.append(f"| {result.name} | {len(result.cases)} | " + " | ".join(cells) + " |")
    if any(r.baseline is not None for r in results):
        rows.append("")
        rows.append("Each cell: assistant (LangChain recipe).")
    return "\n".join(rows)


def render_type_table(results: Sequence[CorpusResult]) -> str:
    """A Markdown table: per kind of question, over all corpora, the answerable cases and
    the assistant's F1 and contains."""
    totals: dict[str, list[float]] = {}
    for result in results:
        for kind, figures in result.assistant.by_type.items():
            n, f1, contained = totals.setdefault(kind, [0.0, 0.0, 0.0])
            count = figures["cases"]
            totals[kind] = [
                n + count,
                f1 + figures["f1"] * count,
                contained + figures["contains"] * count,
            ]
    rows = ["| question type | cases | F1 | contains |", "|---|---:|---:|---:|"]
    for kind, (n, f1, contained) in sorted(totals.items()):
        rows.append(f"| {kind} | {int(n)} | {f1 / n:.2f} | {contained / n:.2f} |")
    return "\n".join(rows)


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def render_intent_table(results: Sequence[CorpusResult]) -> str:
    """A Markdown table: per intent the cases ask for, over all corpora — answered right,
    answerable refused, unanswerable refused, the short answers shown with their precision
    and coverage, and how often the intent was read as the case names it."""
    from assistant.evaluation.metrics import intent_figures

    cases = [c.to_dict() for result in results for c in result.cases]
    runs = [run for result in results for run in result.assistant.cases]
    rows = [
        "| intent | answerable | unanswerable | right | answerable refused | "
        "unanswerable refused | bold shown | bold precision | bold coverage | intent read |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for intent, f in intent_figures(cases, runs).items():
        rows.append(
            f"| {intent} | {int(f['answerable'] or 0)} | {int(f['unanswerable'] or 0)} | "
            f"{_percent(f['right'])} | {_percent(f['answerable_refused'])} | "
            f"{_percent(f['unanswerable_refused'])} | {int(f['short_shown'] or 0)} | "
            f"{_percent(f['short_precision'])} | {_percent(f['short_coverage'])} | "
            f"{_percent(f['intent_read'])} |"
        )
    return "\n".join(rows)


def render_short_table(results: Sequence[CorpusResult]) -> str:
    """A Markdown table: per corpus, the bold short answers shown, their precision (shown and
    right) and coverage (answerable cases with an accepted short answer that got one)."""
    rows = [
        "| corpus | bold shown | bold right | precision | coverage |",
        "|---|---:|---:|---:|---:|",
    ]
    for result in results:
        metrics = [run["metrics"] for run in result.assistant.cases]
        shown = [m for m in metrics if m.get("short_shown")]
        right = sum(1 for m in shown if m.get("short_right"))
        expected = [m for m in metrics if m.get("short_expected")]
        covered = sum(1 for m in expected if m.get("short_shown"))
        coverage = covered / len(expected) if expected else None
        precision = right / len(shown) if shown else None
        rows.append(
            f"| {result.name} | {len(shown)} | {right} | {_percent(precision)} | "
            f"{_percent(coverage)} |"
        )
    return "\n".join(rows)
