"""``assistant``: thin command line over ``Assistant``. User errors → one line, exit 1."""

from __future__ import annotations

import argparse
import atexit
import json
import logging
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import AssistantError
from assistant.reader import DEFAULT_MODE, reader_modes

if TYPE_CHECKING:
    from assistant.app import Assistant
    from assistant.types import Answer

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def _assistant(args: argparse.Namespace, *, check_early: bool = True) -> Assistant:
    """The assistant the arguments name. ``check_early``: start the store's check now, so
    the child process checks it while the rest is imported (``doctor`` runs its own)."""
    from assistant.config import load_settings
    from assistant.store import store_for

    settings = load_settings(store_dir=args.store, chroma_url=args.chroma_url, **llm_settings(args))
    store = store_for(settings)
    if check_early:
        store.start_check()
        # A command that fails before the store is touched leaves no check running.
        atexit.register(store.stop_check)
    from assistant.app import Assistant

    return Assistant(
        settings=settings, store=store, mode=getattr(args, "mode", None) or DEFAULT_MODE
    )


def llm_settings(args: argparse.Namespace) -> dict[str, str | None]:
    """``--llm-url``/``--llm-model``/``--llm-key-env`` as settings (None: from the environment);
    given without ``--mode llm`` they are a mistake, not something to ignore."""
    given = {
        "llm_url": getattr(args, "llm_url", None),
        "llm_model": getattr(args, "llm_model", None),
        "llm_key_env": getattr(args, "llm_key_env", None),
    }
    if any(v is not None for v in given.values()) and getattr(args, "mode", None) != "llm":
        raise AssistantError("--llm-url, --llm-model and --llm-key-env go with --mode llm.")
    return given


def format_answer(answer: Answer) -> str:
    lines = [answer.text]
    if answer.abstained and not answer.citations:
        if answer.passages:
            lines.append("Closest passages:")
            for p in answer.passages:
                snippet = " ".join(p.chunk.text.split())
                lines.append(f"  - {p.chunk.source}, paragraph {p.chunk.paragraph}: {snippet}")
        return "\n".join(lines)
    for c in answer.citations:
        lines.append(
            f"[{c.marker}] {c.source}, {c.location()}, chars {c.start}–{c.end}: "
            f"\u201c{' '.join(c.quote.split())}\u201d"
        )
    if answer.fell_back:
        lines.append("(The LLM's draft did not hold against the passages: the extractive answer.)")
    elif answer.dropped:
        lines.append(
            f"({len(answer.dropped)} sentence(s) of the LLM's draft dropped: "
            "no passage supports them.)"
        )
    return "\n".join(lines)


def cmd_ingest(args: argparse.Namespace) -> int:
    from assistant.errors import RefusedFilesError
    from assistant.types import IngestReport

    bot = _assistant(args)
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
    bot = _assistant(args, check_early=False)
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

    bot = _assistant(args)
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
            answer = bot.ask(question, recent_history(history))
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


def parse_admins(args: argparse.Namespace, logins: list[tuple[str, str]] | None) -> list[str]:
    """``--admin USER`` (repeatable): users of the login who may change the documents."""
    admins: list[str] = list(dict.fromkeys(args.admin or []))
    if admins and not logins:
        raise AssistantError("--admin needs a login: give --auth or --auth-file too.")
    users = {user for user, _ in logins or []}
    unknown = [name for name in admins if name not in users]
    if unknown:
        raise AssistantError(f"--admin {unknown[0]} is not a user of the login.")
    return admins


def parse_proxies(text: str | None) -> tuple[str, ...]:
    """``--forwarded-allow-ips``: comma-separated IP addresses or networks ("127.0.0.1",
    "10.0.0.0/8", "::1") of the proxies whose X-Forwarded-For to believe; a host name or "*"
    is refused (naming each proxy is the point)."""
    import ipaddress

    if text is None:
        return ()
    proxies = []
    for item in (part.strip() for part in text.split(",")):
        try:
            network = ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise AssistantError(
                f"--forwarded-allow-ips takes IP addresses or networks, not {item!r}."
            ) from None
        proxies.append(str(network) if "/" in item else str(network.network_address))
    return tuple(proxies)


def server_name(host: str) -> str:
    """``--host`` as Gradio takes it and a URL shows it: an IPv6 address in brackets
    ("::1" → "[::1]"; unbracketed, Gradio's own start-up request failed with a traceback)."""
    import ipaddress

    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    return f"[{address}]" if address.version == 6 else host


def cmd_serve(args: argparse.Namespace) -> int:
    logins = parse_auth(args)
    admins = parse_admins(args, logins)  # all three checked before the slow imports below
    proxies = parse_proxies(args.forwarded_allow_ips)
    from assistant.extras import require_extra

    require_extra("ui")
    from ui.app import build_app, launch_options
    from ui.login import PasswordLogin, trust_forwarded_for

    auth = PasswordLogin(logins) if logins else None
    bot = _assistant(args)
    demo = build_app(bot, corpus_dir=args.corpus, admins=admins)
    bot.warm_up()  # ready when the address is printed: the first question is not the slow one
    host = server_name(args.host)
    print(f"Briefing Assistant on http://{host}:{args.port} (Ctrl-C stops it)", flush=True)
    trust_forwarded_for(proxies)  # the login throttle counts the socket's peer unless named
    demo.launch(
        server_name=host,
        server_port=args.port,
        auth=auth,
        quiet=True,
        **launch_options(login=auth is not None),
    )
    return EXIT_OK


DEFAULT_CORPUS = Path("corpus")


@contextmanager
def _eval_assistant(args: argparse.Namespace) -> Iterator[Assistant]:
    """The store to evaluate: a temporary one holding ``--corpus``; else the given store; else
    the default one, filled from the bundled ``corpus/`` first if it is empty (as the run
    command does), so the dev set evaluates straight from a fresh clone."""
    if not args.corpus:
        bot = _assistant(args)
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
    from assistant.evaluation import evaluate, load_cases
    from assistant.evaluation.baseline import BaselineRecipe
    from assistant.evaluation.report import write_report
    from assistant.loading import content_hash
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
        choices=reader_modes(),
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

    compare = commands.add_parser("eval-compare", help=argparse.SUPPRESS)
    compare.add_argument("a", type=Path)
    compare.add_argument("b", type=Path)
    compare.set_defaults(handler=cmd_eval_compare)

    suite = commands.add_parser("eval-suite", help=argparse.SUPPRESS)
    suite.add_argument("manifest", type=Path, nargs="?", default=Path("eval/suite.json"))
    suite.add_argument("--split", choices=SPLIT_CHOICES, default="test")
    suite.add_argument("--only", nargs="+", metavar="NAME", help="only these corpora")
    suite.add_argument("--baseline", action="store_true", help="also run the LangChain recipe")
    suite.add_argument("--cache", type=Path, help="keep each corpus's store here between runs")
    _mode_option(suite)
    suite.add_argument("--out", type=Path, help="write run files and table.md here")
    suite.set_defaults(handler=cmd_eval_suite)

    calibrate = commands.add_parser("eval-calibrate", help=argparse.SUPPRESS)
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


def main(argv: Sequence[str] | None = None) -> int:
    from assistant.offline import ensure_offline

    ensure_offline()
    parser = build_parser()
    args = parser.parse_args(route_eval(sys.argv[1:] if argv is None else argv))
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
