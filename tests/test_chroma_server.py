"""The client/server mode against a real ``chroma run`` on a free loopback port."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.app import Assistant
from tests.conftest import CORPUS, PARADE_SENTENCE

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    process = subprocess.Popen(
        [chroma, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("chroma run did not start listening within 60 s")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=30)


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
