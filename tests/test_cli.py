from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PARADE_SENTENCE, ROOT

pytestmark = pytest.mark.integration


def run_cli(
    *args: str, stdin: str | None = None, cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process; ``timeout`` guards against a hang, not a slow machine."""
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=timeout,
        cwd=cwd,
        env={**os.environ, "PYTHONWARNINGS": "ignore", "PYTHONPATH": str(ROOT)},
    )


def test_ask_json_names_xi_with_the_parade_citation(briefing_store: Path) -> None:
    result = run_cli("--store", str(briefing_store), "ask", "Who attended the parade?", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert "Xi Jinping" in data["text"]
    assert data["citations"][0]["quote"] == PARADE_SENTENCE
    assert data["abstained"] is False
    assert data["short"] is None  # a list of attendees, no one short answer
    assert data["reader_score_kind"] == "cross-encoder logit"


def test_ask_json_carries_the_short_answer_and_mode_chooses_the_reader(
    briefing_store: Path,
) -> None:
    result = run_cli(
        "--store", str(briefing_store), "ask", "Did Kim Jong Un go?", "--json",
        "--mode", "extractive",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["text"].startswith("**No** — ")
    assert data["short"]["text"] == "No"
    assert data["short"]["kind"] == "yes/no"
    bad = run_cli("--store", str(briefing_store), "ask", "Who?", "--mode", "oracle")
    assert bad.returncode == 2
    assert "invalid choice: 'oracle'" in bad.stderr


def test_chat_keeps_history_between_questions(briefing_store: Path) -> None:
    result = run_cli(
        "--store", str(briefing_store), "chat",
        stdin="Who attended the parade?\nWhere was it held?\n\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Xi Jinping" in result.stdout
    assert result.stdout.count("Red Square") >= 2


def test_user_errors_are_one_line_with_exit_1(briefing_store: Path, tmp_path: Path) -> None:
    cases = [
        (["--store", str(tmp_path / "none"), "ask", "Who?"], "run 'assistant ingest' first"),
        (["--store", str(briefing_store), "ask", "   "], "question is empty"),
        (["--store", str(briefing_store), "ask", "q" * 10_000], "limit is"),
        (["--store", str(briefing_store), "ask", "bad\x07bell"], "control characters"),
        (["--chroma-url", "http://127.0.0.1:9", "ask", "Who?"], "Cannot reach the Chroma server"),
        (["--store", str(tmp_path / "s"), "ingest", str(tmp_path / "missing")], "does not exist"),
    ]
    for args, message in cases:
        result = run_cli(*args)
        assert result.returncode == 1, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert message in lines[0]
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "none").exists()


def test_an_out_of_range_setting_is_named_not_blamed_on_the_store(briefing_store: Path) -> None:
    for variable, value, name in [
        ("ASSISTANT_DENSE_K", "5000000000", "dense_k"),
        ("ASSISTANT_ONNX_THREADS", "100000", "onnx_threads"),
        ("ASSISTANT_TOP_K", "1000000000", "top_k"),
    ]:
        os.environ[variable] = value
        try:
            result = run_cli("--store", str(briefing_store), "ask", "Who attended the parade?")
        finally:
            del os.environ[variable]
        assert result.returncode == 1, result.stdout
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(f"error: Invalid setting: {name} must be "), lines[0]
        assert f"({variable})" in lines[0]
        assert value in lines[0]
        assert "store" not in lines[0]


def test_binary_file_ingest_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    blob = tmp_path / "blob.txt"
    blob.write_bytes(b"\x00\xff" * 100)
    store = tmp_path / "store"
    result = run_cli("--store", str(store), "ingest", str(blob))
    assert result.returncode == 1
    assert "binary" in result.stderr
    assert not (store / "bm25").exists()


def test_usage_errors_exit_2() -> None:
    assert run_cli("frobnicate").returncode == 2
    assert run_cli("ask").returncode == 2
    bad_port = run_cli("serve", "--port", "99999")
    assert bad_port.returncode == 2
    assert "port must be between 1 and 65535" in bad_port.stderr


def test_serve_refuses_malformed_credentials(tmp_path: Path) -> None:
    result = run_cli("serve", "--auth", "no-colon")
    assert result.returncode == 1
    assert result.stderr.strip() == "error: Credentials must be given as user:password."
    empty = tmp_path / "logins"
    empty.write_text("\n")
    result = run_cli("serve", "--auth-file", str(empty))
    assert result.returncode == 1
    assert "holds no user:password line" in result.stderr
