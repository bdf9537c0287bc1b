"""``assistant eval``: a Q&A file, the suite, two run files compared, a calibration."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.cli.common import EXIT_OK, assistant_for, llm_settings
from assistant.factory import DEFAULT_MODE

if TYPE_CHECKING:
    from assistant.app import Assistant


DEFAULT_CORPUS = Path("corpus")


@contextmanager
def _eval_assistant(args: argparse.Namespace) -> Iterator[Assistant]:
    """The store to evaluate: a temporary one holding ``--corpus``; else the given store; else
    the default one, filled from the bundled ``corpus/`` first if it is empty (as the run
    command does), so the dev set evaluates straight from a fresh clone."""
    if not args.corpus:
        bot = assistant_for(args)
        default_store = args.store is None and args.chroma_url is None
        if default_store and DEFAULT_CORPUS.is_dir() and not bot.documents():
            report = bot.ingest([DEFAULT_CORPUS], progress=False)
            print(f"ingested {DEFAULT_CORPUS}/: {report.summary()}", file=sys.stderr)
        bot.store.count()  # a missing or damaged store: its one line before any progress bar
        yield bot
        return
    from assistant.app import Assistant
    from assistant.config import load_settings

    with tempfile.TemporaryDirectory(prefix="assistant-eval-") as tmp:
        bot = Assistant(
            settings=load_settings(store_dir=Path(tmp), chroma_url=None, **llm_settings(args)),
            mode=getattr(args, "mode", None) or DEFAULT_MODE,
        )
        print(bot.ingest(args.corpus, progress=False).summary(), file=sys.stderr)
        yield bot


def _print_summary(summary: dict[str, float], baseline: dict[str, float] | None) -> None:
    from assistant.evaluation.report import HEADLINE

    names = [n for n in HEADLINE if n in summary]
    print(f"{'metric':26s} {'assistant':>10s}" + (f" {'baseline':>10s}" if baseline else ""))
    for name in names:
        line = f"{name:26s} {summary[name]:10.3f}"
        if baseline is not None:
            other = baseline.get(name)
            line += f" {other:10.3f}" if other is not None else f" {'–':>10s}"
        print(line)


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.documents.loading import content_hash
    from assistant.evaluation import evaluate, load_cases
    from assistant.evaluation.baseline import BaselineRecipe
    from assistant.evaluation.report import write_report
    from assistant.types import Document

    cases = load_cases(args.qa, args.split)
    with _eval_assistant(args) as bot:
        report = evaluate(bot, cases, embedder=bot.embedder, progress=True)
        baseline = None
        if args.baseline:
            documents = [
                Document(d.source, text, content_hash(text))
                for d in bot.documents()
                for text in [bot.document_text(d.source)]
            ]
            recipe = BaselineRecipe(documents)
            try:
                baseline = evaluate(recipe, cases, embedder=bot.embedder, progress=True)
            finally:
                recipe.close()
        threshold = bot.gate.threshold
    _print_summary(report.summary, baseline.summary if baseline else None)
    if args.out:
        report.write(args.out)
        print(f"run file: {args.out}")
        if baseline:
            path = args.out.with_name(args.out.stem + ".baseline.json")
            baseline.write(path)
            print(f"baseline run file: {path}")
    if args.report:
        path = write_report(
            args.report,
            report.to_dict(),
            [c.to_dict() for c in cases],
            baseline=baseline.to_dict() if baseline else None,
            threshold=threshold,
        )
        print(f"report: {path}")
    return EXIT_OK


def cmd_eval_compare(args: argparse.Namespace) -> int:
    from assistant.evaluation.compare import compare_runs, load_run

    print(compare_runs(load_run(args.a), load_run(args.b)).render())
    return EXIT_OK


def cmd_eval_suite(args: argparse.Namespace) -> int:
    from assistant.config import load_settings
    from assistant.evaluation.suite import (
        load_suite,
        render_intent_table,
        render_short_table,
        render_table,
        render_type_table,
        run_suite,
        select,
    )

    suite = select(load_suite(args.manifest), args.only)
    split = None if args.split == "all" else args.split
    results = run_suite(
        suite,
        load_settings(**llm_settings(args)),
        split=split,
        baseline=args.baseline,
        cache_dir=args.cache,
        progress=True,
        mode=args.mode,
    )
    table = "\n\n".join(
        (
            render_table(results),
            render_type_table(results),
            render_intent_table(results),
            render_short_table(results),
        )
    )
    print(f"{args.split} half" if split else "whole files")
    print(table)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for result in results:
            result.assistant.write(args.out / f"{result.name}.json")
            if result.baseline is not None:
                result.baseline.write(args.out / f"{result.name}.baseline.json")
        (args.out / "table.md").write_text(table + "\n", encoding="utf-8")
        print(f"run files and table.md in {args.out}")
    return EXIT_OK


def cmd_eval_calibrate(args: argparse.Namespace) -> int:
    from assistant.config import load_settings
    from assistant.evaluation import evaluate, load_cases
    from assistant.evaluation.calibration import choose_threshold

    cases = load_cases(args.qa)
    with _eval_assistant(args) as bot:
        probe = type(bot)(
            settings=bot.settings.model_copy(update={"abstain_threshold": float("-inf")}),
            mode=bot.mode,
        )
        report = evaluate(probe, cases, progress=True)
    # Cases abstained on even with no threshold (nothing retrieved, no verified sentence) do
    # not depend on the threshold, so they do not vote on it.
    scores = [
        (record["metrics"]["confidence"], case.answerable)
        for record, case in zip(report.cases, cases, strict=True)
        if record["metrics"].get("confidence") is not None and not record["abstained"]
    ]
    calibration = choose_threshold(scores)
    target = load_settings(store_dir=args.store).calibration_path
    calibration.write(target)
    print(
        f"abstain_threshold = {calibration.threshold} (written to {target}): "
        f"{calibration.answered_answerable:.0%} of answerable cases answered, "
        f"{calibration.abstained_unanswerable:.0%} of unanswerable ones abstained, "
        f"accuracy {calibration.accuracy:.1%} over {calibration.cases} cases"
    )
    return EXIT_OK
