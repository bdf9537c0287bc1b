"""``assistant``: thin command line over ``Assistant``. User errors → one line, exit 1."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import AssistantError

if TYPE_CHECKING:
    from assistant.app import Assistant
    from assistant.types import Answer

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def _assistant(args: argparse.Namespace) -> Assistant:
    from assistant.app import Assistant
    from assistant.config import load_settings

    settings = load_settings(store_dir=args.store, chroma_url=args.chroma_url)
    return Assistant(settings=settings)


def format_answer(answer: Answer) -> str:
    lines = [answer.text]
    if answer.abstained:
        if answer.passages:
            lines.append("Closest passages:")
            for p in answer.passages:
                snippet = " ".join(p.chunk.text.split())
                lines.append(f"  - {p.chunk.source}, paragraph {p.chunk.paragraph}: {snippet}")
        return "\n".join(lines)
    for c in answer.citations:
        lines.append(
            f"[{c.marker}] {c.source}, paragraph {c.paragraph}, chars {c.start}–{c.end}: "
            f"\u201c{' '.join(c.quote.split())}\u201d"
        )
    return "\n".join(lines)


def cmd_ingest(args: argparse.Namespace) -> int:
    bot = _assistant(args)
    report = bot.ingest(args.paths or ["corpus"], prune=args.prune, progress=not args.quiet)
    print(report.summary())
    return EXIT_OK


def cmd_ask(args: argparse.Namespace) -> int:
    answer = _assistant(args).ask(args.question)
    if args.json:
        print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_answer(answer))
    return EXIT_OK


def cmd_chat(args: argparse.Namespace) -> int:
    bot = _assistant(args)
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
            answer = bot.ask(question, history)
        except AssistantError as exc:
            print(f"error: {exc}", file=sys.stderr)
            continue
        print(format_answer(answer))
        history += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer.text},
        ]


def parse_auth(args: argparse.Namespace) -> list[tuple[str, str]] | None:
    """``--auth user:password`` or ``--auth-file F`` (one ``user:password`` a line)."""
    lines: list[str] = []
    if args.auth:
        lines.append(args.auth)
    if args.auth_file:
        try:
            text = Path(args.auth_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise AssistantError(f"Cannot read {args.auth_file}: {exc.strerror}.") from None
        lines += [line.strip() for line in text.splitlines() if line.strip()]
        if not lines:
            raise AssistantError(f"{args.auth_file} holds no user:password line.")
    pairs = []
    for line in lines:
        user, sep, password = line.partition(":")
        if not sep or not user or not password:
            raise AssistantError("Credentials must be given as user:password.")
        pairs.append((user, password))
    return pairs or None


def cmd_serve(args: argparse.Namespace) -> int:
    from ui.app import build_app, launch_options

    auth = parse_auth(args)
    bot = _assistant(args)
    demo = build_app(bot, corpus_dir=args.corpus)
    print(f"Briefing Assistant on http://{args.host}:{args.port} (Ctrl-C stops it)", flush=True)
    demo.launch(
        server_name=args.host,
        server_port=args.port,
        auth=auth,
        quiet=True,
        **launch_options(),
    )
    return EXIT_OK


def _global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store", type=Path, default=None, help="vector store folder (default: vectorstore/)"
    )
    parser.add_argument(
        "--chroma-url", default=None, help="a Chroma server started with 'chroma run'"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant", description="Cited answers to questions about your briefings."
    )
    _global_options(parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="add or update documents (default: corpus/)")
    ingest.add_argument("paths", nargs="*", type=Path, help=".txt, .md, .html files or folders")
    ingest.add_argument("--prune", action="store_true", help="remove documents no longer there")
    ingest.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    ingest.set_defaults(handler=cmd_ingest)

    ask = commands.add_parser("ask", help="answer one question")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the whole answer as JSON")
    ask.set_defaults(handler=cmd_ask)

    chat = commands.add_parser("chat", help="interactive chat that keeps the conversation")
    chat.set_defaults(handler=cmd_chat)

    serve = commands.add_parser("serve", help="open the chat in the browser (Gradio)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    serve.add_argument("--port", type=int, default=7860)
    login = serve.add_mutually_exclusive_group()
    login.add_argument("--auth", metavar="USER:PASSWORD", help="require this login")
    login.add_argument("--auth-file", type=Path, help="file of user:password lines")
    serve.add_argument(
        "--corpus", type=Path, default=Path("corpus"), help="folder uploads go to (corpus/)"
    )
    serve.set_defaults(handler=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from assistant.offline import ensure_offline

    ensure_offline()
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        code: int = args.handler(args)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_ERROR
    return code


if __name__ == "__main__":
    raise SystemExit(main())
