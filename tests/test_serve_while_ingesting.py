"""A running server stays right while another process writes to its store: `assistant serve`
and `assistant ingest` as two real processes on one embedded store."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BRIEFING
from tests.ui_server import free_port, wait_until_serving

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.integration, pytest.mark.server]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def test_serve_answers_from_what_a_separate_ingest_added_and_forgets_what_it_pruned(
    tmp_path: Path,
) -> None:
    from gradio_client import Client

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(BRIEFING, corpus / "briefing.txt")
    (corpus / "notes.txt").write_text(
        "The banquet menu was kept secret. The chef was Anton Pavlov.", encoding="utf-8"
    )
    store = str(tmp_path / "store")
    assert _cli("--store", store, "ingest", "-q", str(corpus)).returncode == 0
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "--store", store, "serve", "--port", str(port),
         "--corpus", str(corpus)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_until_serving(url, 180)
        client = Client(url, verbose=False)
        first = client.predict("Who was the chef?", api_name="/chat")
        assert "Anton Pavlov" in first["answer"]
        (corpus / "notes.txt").unlink()
        (corpus / "lighthouse.txt").write_text(
            "The lighthouse keeper of Corran Point is Isobel Marr. She lights the lamp at dusk.",
            encoding="utf-8",
        )
        ingest = _cli("--store", store, "ingest", "-q", "--prune", str(corpus))
        assert ingest.returncode == 0, ingest.stderr
        added = Client(url, verbose=False).predict(
            "Who is the lighthouse keeper?", api_name="/chat"
        )
        assert "Isobel Marr" in added["answer"]
        assert added["citations"][0]["source"] == "lighthouse.txt"
        gone = Client(url, verbose=False).predict("Who was the chef?", api_name="/chat")
        assert "Anton Pavlov" not in gone["answer"]
        assert all(p["source"] != "notes.txt" for p in gone["passages"])
    finally:
        server.terminate()
        _, err = server.communicate(timeout=60)
    assert "Traceback" not in err
