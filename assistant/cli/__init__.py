"""``assistant``: thin command line over ``Assistant``. User errors → one line, exit 1.

One module per group of commands: ``commands`` (ingest, doctor, ask, chat), ``serve``,
``evaluate``; ``parser`` holds the grammar, ``common`` what they share."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from assistant.cli.common import EXIT_ERROR, EXIT_OK, EXIT_USAGE, format_answer
from assistant.cli.parser import SPLIT_CHOICES, build_parser, route_eval
from assistant.cli.serve import parse_admins, parse_auth, parse_proxies, server_name
from assistant.errors import AssistantError


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


__all__ = [
    "EXIT_ERROR",
    "EXIT_OK",
    "EXIT_USAGE",
    "SPLIT_CHOICES",
    "build_parser",
    "format_answer",
    "main",
    "parse_admins",
    "parse_auth",
    "parse_proxies",
    "route_eval",
    "server_name",
]
