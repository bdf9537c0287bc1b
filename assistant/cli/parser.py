"""The command line's grammar: global options, commands and their options."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.cli.commands import cmd_ask, cmd_chat, cmd_doctor, cmd_ingest
from assistant.cli.evaluate import (
    cmd_eval,
    cmd_eval_calibrate,
    cmd_eval_compare,
    cmd_eval_suite,
)
from assistant.cli.serve import cmd_serve
from assistant.factory import DEFAULT_MODE, Components

if TYPE_CHECKING:
    pass


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 1 and 65535, not {port}")
    return port


def _global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store", type=Path, default=None, help="vector store folder (default: vectorstore/)"
    )
    parser.add_argument(
        "--chroma-url", default=None, help="a Chroma server started with 'chroma run'"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")


def _mode_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--mode",
        choices=Components.shared().reader_modes(),
        default=DEFAULT_MODE,
        help=(
            f"answer mode: the reader that writes answers (default: {DEFAULT_MODE}; "
            "llm: your own OpenAI-compatible server writes them, every sentence checked)"
        ),
    )
    parser.add_argument(
        "--llm-url",
        metavar="URL",
        help="--mode llm: the server's address, e.g. http://127.0.0.1:8080/v1",
    )
    parser.add_argument(
        "--llm-model",
        metavar="NAME",
        help="--mode llm: the model to ask (default: the first the server lists)",
    )
    parser.add_argument(
        "--llm-key-env",
        metavar="VAR",
        help="--mode llm: the environment variable holding the server's API key (default: none)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant", description="Cited answers to questions about your briefings."
    )
    _global_options(parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="add or update documents (default: corpus/)")
    ingest.add_argument(
        "paths", nargs="*", type=Path, help=".txt, .md, .html, .pdf, .docx files or folders"
    )
    ingest.add_argument("--prune", action="store_true", help="remove documents no longer there")
    ingest.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    ingest.add_argument(
        "--rebuild",
        action="store_true",
        help="empty the store first (a damaged store is moved aside)",
    )
    ingest.set_defaults(handler=cmd_ingest)

    doctor = commands.add_parser("doctor", help="check the store; --repair fixes what it can")
    doctor.add_argument("--repair", action="store_true", help="repair what is damaged")
    doctor.set_defaults(handler=cmd_doctor)

    ask = commands.add_parser("ask", help="answer one question")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the whole answer as JSON")
    _mode_option(ask)
    ask.set_defaults(handler=cmd_ask)

    chat = commands.add_parser("chat", help="interactive chat that keeps the conversation")
    _mode_option(chat)
    chat.set_defaults(handler=cmd_chat)

    serve = commands.add_parser("serve", help="open the chat in the browser (Gradio)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    serve.add_argument("--port", type=_port, default=7860)
    login = serve.add_mutually_exclusive_group()
    login.add_argument("--auth", metavar="USER:PASSWORD", help="require this login")
    login.add_argument("--auth-file", type=Path, help="file of user:password lines")
    serve.add_argument(
        "--admin",
        action="append",
        metavar="USER",
        help="only this user (repeatable) may upload, remove and re-index documents",
    )
    serve.add_argument(
        "--corpus", type=Path, default=Path("corpus"), help="folder uploads go to (corpus/)"
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        metavar="IPS",
        help=(
            "comma-separated addresses or networks of your reverse proxies: only their "
            "X-Forwarded-For is believed (default: none, the client is the socket's peer)"
        ),
    )
    _mode_option(serve)
    serve.set_defaults(handler=cmd_serve)

    evaluate = commands.add_parser(
        "eval",
        help=(
            "score the assistant on a Q&A file "
            "(also: eval suite, eval compare A B, eval calibrate QA)"
        ),
    )
    evaluate.add_argument("qa", type=Path, help="JSONL Q&A file")
    evaluate.add_argument(
        "--split", choices=SPLIT_CHOICES[:2], help="only the dev or the test half of the file"
    )
    evaluate.add_argument("--corpus", type=Path, nargs="+", help="ingest these into a temp store")
    _mode_option(evaluate)
    evaluate.add_argument("--out", type=Path, help="write the run file here")
    evaluate.add_argument("--report", type=Path, help="write report.md and plots here")
    evaluate.add_argument("--baseline", action="store_true", help="also run the LangChain recipe")
    evaluate.set_defaults(handler=cmd_eval)

    compare = commands.add_parser("eval-compare")  # no help: not listed
    compare.add_argument("a", type=Path)
    compare.add_argument("b", type=Path)
    compare.set_defaults(handler=cmd_eval_compare)

    suite = commands.add_parser("eval-suite")  # no help: not listed
    suite.add_argument("manifest", type=Path, nargs="?", default=Path("eval/suite.json"))
    suite.add_argument("--split", choices=SPLIT_CHOICES, default="test")
    suite.add_argument("--only", nargs="+", metavar="NAME", help="only these corpora")
    suite.add_argument("--baseline", action="store_true", help="also run the LangChain recipe")
    suite.add_argument("--cache", type=Path, help="keep each corpus's store here between runs")
    _mode_option(suite)
    suite.add_argument("--out", type=Path, help="write run files and table.md here")
    suite.set_defaults(handler=cmd_eval_suite)

    calibrate = commands.add_parser("eval-calibrate")  # no help: not listed
    calibrate.add_argument("qa", type=Path)
    calibrate.add_argument("--corpus", type=Path, nargs="+")
    calibrate.set_defaults(handler=cmd_eval_calibrate)
    return parser


_GLOBAL_WITH_VALUE = {"--store", "--chroma-url"}
_EVAL_COMMANDS = ("compare", "calibrate", "suite")
SPLIT_CHOICES = ("dev", "test", "all")


def route_eval(argv: Sequence[str]) -> list[str]:
    """``eval compare …`` / ``eval calibrate …`` → the hidden ``eval-compare`` /
    ``eval-calibrate`` commands (argparse cannot mix a positional file with sub-commands)."""
    args = list(argv)
    i = 0
    while i < len(args):
        token = args[i]
        if token in _GLOBAL_WITH_VALUE:
            i += 2
            continue
        if token.startswith("-"):
            i += 1
            continue
        if token == "eval" and i + 1 < len(args) and args[i + 1] in _EVAL_COMMANDS:
            args[i : i + 2] = [f"eval-{args[i + 1]}"]
        break
    return args
