"""The commands over one store: ingest, doctor, ask, chat."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from assistant.cli.common import EXIT_ERROR, EXIT_OK, assistant_for, format_answer
from assistant.errors import AssistantError

if TYPE_CHECKING:
    pass


def cmd_ingest(args: argparse.Namespace) -> int:
    from assistant.errors import RefusedFilesError
    from assistant.types import IngestReport

    bot = assistant_for(args)
    try:
        report = bot.ingest(
            args.paths or ["corpus"],
            prune=args.prune,
            progress=not args.quiet,
            rebuild=args.rebuild,
        )
    except RefusedFilesError as exc:  # the other files were ingested: say so, then why not
        if isinstance(exc.report, IngestReport):
            print(exc.report.summary())
        for line in str(exc).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return EXIT_ERROR
    print(report.summary())
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace) -> int:
    bot = assistant_for(args, check_early=False)
    findings = bot.diagnose()
    for finding in findings:
        print(finding.line())
    if all(f.ok for f in findings):
        return EXIT_OK
    if not args.repair:
        return EXIT_ERROR
    for action in bot.repair():
        print(f"repaired: {action}")
    after = bot.diagnose()
    for finding in after:
        if not finding.ok:
            print(finding.line())
    return EXIT_OK if all(f.ok for f in after) else EXIT_ERROR


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.validation import clean_question

    bot = assistant_for(args)
    # A bad question is one line before any model loads.
    clean_question(args.question, max_chars=bot.settings.max_question_chars)
    bot.preload()
    answer = bot.ask(args.question)
    if args.json:
        print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_answer(answer))
    return EXIT_OK


def cmd_chat(args: argparse.Namespace) -> int:
    from assistant.validation import recent_history

    bot = assistant_for(args)
    bot.store.count()  # fail now, not at the first question, when there is no store
    history: list[dict[str, str]] = []
    print("Ask about the briefing. An empty line or Ctrl-D quits.")
    while True:
        try:
            question = input("you> ")
        except EOFError:
            print()
            return EXIT_OK
        if not question.strip():
            return EXIT_OK
        try:
            answer = bot.ask(question, recent_history(history))
        except AssistantError as exc:
            print(f"error: {exc}", file=sys.stderr)
            continue
        print(format_answer(answer))
        history += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer.text},
        ]
