"""The client/server mode against a real ``chroma run`` on a free loopback port (the
``chroma_url`` fixture, tests/conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.app import Assistant
from tests.conftest import CORPUS, PARADE_SENTENCE

pytestmark = pytest.mark.integration


def test_ingest_and_ask_through_a_chroma_server(chroma_url: str, tmp_path: Path) -> None:
    bot = Assistant(chroma_url=chroma_url, store_dir=tmp_path / "local")
    report = bot.ingest([CORPUS / "briefing.txt"])
    assert report.added == 5  # the briefing's five paragraphs, five sentences each
    assert bot.ingest([CORPUS / "briefing.txt"]).added == 0
    other = Assistant(chroma_url=chroma_url, store_dir=tmp_path / "other-machine")
    answer = other.ask("Who attended the parade?")
    assert answer.citations[0].quote == PARADE_SENTENCE
    assert not (tmp_path / "local" / "chroma.sqlite3").exists()


def test_cli_with_chroma_url(chroma_url: str, tmp_path: Path) -> None:
    from tests.test_cli import run_cli

    server = ["--chroma-url", chroma_url, "--store", str(tmp_path / "local")]
    ingest = run_cli(*server, "ingest", "-q", str(CORPUS / "briefing.txt"))
    assert ingest.returncode == 0, ingest.stderr
    assert "5 chunk(s) added" in ingest.stdout or "5 unchanged" in ingest.stdout
    ask = run_cli(*server, "ask", "Who attended the parade?", "--json")
    assert ask.returncode == 0, ask.stderr
    assert PARADE_SENTENCE in ask.stdout


def test_a_client_follows_what_another_machine_writes_to_the_server(
    chroma_url: str, tmp_path: Path
) -> None:
    """Two machines (two local folders, so two lexical indexes) share one Chroma server."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "briefing.txt", corpus / "briefing.txt")
    reader = Assistant(chroma_url=chroma_url, store_dir=tmp_path / "reader", settings=None)
    writer = Assistant(chroma_url=chroma_url, store_dir=tmp_path / "writer")
    writer.ingest([corpus])
    assert reader.ask("Who attended the parade?").citations  # reader's index is now built
    (corpus / "lighthouse.txt").write_text(
        "The lighthouse keeper of Corran Point is Isobel Marr. She lights the lamp at dusk.",
        encoding="utf-8",
    )
    writer.ingest([corpus])
    answer = reader.ask("Who is the lighthouse keeper of Corran Point?")
    assert "Isobel Marr" in answer.text
    assert answer.passages[0].bm25_rank == 1  # the lexical index caught up, not just Chroma
    writer.remove("lighthouse.txt")
    after = reader.ask("Who is the lighthouse keeper of Corran Point?")
    assert "Isobel Marr" not in after.text
    assert [d.source for d in reader.documents()] == ["briefing.txt"]
