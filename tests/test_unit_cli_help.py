"""The ``assistant --help`` a user reads: every command it lists has a description, and the
hidden spellings of ``eval suite`` / ``eval compare`` / ``eval calibrate`` are not listed."""

from __future__ import annotations

import pytest

from assistant.cli import build_parser

pytestmark = pytest.mark.unit


def test_help_lists_the_commands_and_hides_the_eval_spellings() -> None:
    text = build_parser().format_help()
    assert "==SUPPRESS==" not in text
    for command in ("ingest", "doctor", "ask", "chat", "serve", "eval"):
        assert f"\n    {command} " in text
    assert "eval-suite" not in text
    assert "eval-compare" not in text


def test_the_hidden_spellings_still_parse() -> None:
    args = build_parser().parse_args(["eval-suite", "--split", "dev"])
    assert args.command == "eval-suite"
    assert args.split == "dev"
