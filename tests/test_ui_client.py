"""The chat endpoint through gradio_client against a real server on loopback."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from gradio_client import Client

from assistant.app import Assistant
from tests.conftest import BRIEFING, PARADE_SENTENCE
from tests.ui_server import running_app

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    corpus = tmp_path_factory.mktemp("ui-corpus")
    shutil.copy(BRIEFING, corpus / "briefing.txt")
    bot = Assistant(store_dir=tmp_path_factory.mktemp("ui-store"))
    bot.ingest([corpus])
    with running_app(bot, corpus) as url:
        yield url


def test_chat_endpoint_answers_with_citations_and_keeps_the_session(server: str) -> None:
    client = Client(server, verbose=False)
    first = client.predict("Who attended the parade?", api_name="/chat")
    assert "Xi Jinping" in first["answer"]
    assert first["citations"][0]["quote"] == PARADE_SENTENCE
    assert first["abstained"] is False
    where = client.predict("Where was it held?", api_name="/chat")
    assert "Red Square" in where["answer"]
    assert "Who attended the parade?" in where["query"]  # the previous question of this session
    # A question with names of its own stands alone.
    follow = client.predict("Did Kim Jong Un go?", api_name="/chat")
    assert "not Kim Jong Un" in follow["answer"]
    assert follow["query"] == "Did Kim Jong Un go?"
    other = Client(server, verbose=False).predict("Where was it held?", api_name="/chat")
    assert other["query"] == "Where was it held?"  # a new client starts a new conversation


def test_bad_question_is_a_clear_error(server: str) -> None:
    client = Client(server, verbose=False)
    with pytest.raises(Exception, match="question is empty"):
        client.predict("  ", api_name="/chat")


QUESTIONS = {
    "Who attended the parade?": "Xi Jinping",
    "How many guests attended the banquet?": "150",
    "Who praised the role of North Korean troops?": "Matsegora",
    "Which resources did China import from North Korea?": "coal and iron ore",
    "How many foreign military contingents joined the event?": "Thirteen",
}


def test_twenty_concurrent_clients_each_get_their_own_answer(server: str) -> None:
    questions = [list(QUESTIONS)[i % len(QUESTIONS)] for i in range(20)]

    def ask(question: str) -> tuple[str, str]:
        result = Client(server, verbose=False).predict(question, api_name="/chat")
        return question, str(result["answer"])

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(ask, questions))
    assert len(results) == 20
    for question, answer in results:
        assert QUESTIONS[question] in answer, (question, answer)


def test_upload_names_are_sanitised() -> None:
    from ui.app import safe_upload_name

    assert safe_upload_name("../../etc/passwd") == "passwd"
    assert safe_upload_name(".hidden notes.md") == "hidden_notes.md"


def test_upload_handler_refuses_wrong_types_and_oversized_files(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from ui.app import MAX_UPLOAD_BYTES, ChatApp

    tmp = tmp_path_factory.mktemp("uploads")
    corpus = tmp / "corpus"
    app = ChatApp(Assistant(store_dir=tmp / "store"), corpus)
    pdf = tmp / "a.pdf"
    pdf.write_bytes(b"%PDF")
    big = tmp / "big.txt"
    big.write_bytes(b"a" * (MAX_UPLOAD_BYTES + 1))
    status, rows, _ = app.upload([str(pdf), str(big)])
    assert "a.pdf: only .txt, .md and .html files can be added." in status
    assert "big.txt: larger than the 5 MB limit." in status
    assert rows == []
    assert not corpus.exists()
    binary = tmp / "blob.txt"
    binary.write_bytes(b"\x00\x01" * 50)
    status, rows, _ = app.upload([str(binary)])
    assert status.startswith("Not added: blob.txt looks like a binary file")
    assert not (corpus / "blob.txt").exists()


def test_auth_keeps_out_clients_without_the_login(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    corpus = tmp_path_factory.mktemp("auth-corpus")
    shutil.copy(BRIEFING, corpus / "briefing.txt")
    bot = Assistant(store_dir=tmp_path_factory.mktemp("auth-store"))
    bot.ingest([corpus])
    with running_app(bot, corpus, auth=[("reader", "s3cret")]) as url:
        with pytest.raises(Exception):  # noqa: B017, PT011 - gradio_client's own error types
            Client(url, verbose=False).predict("Who attended the parade?", api_name="/chat")
        client = Client(url, auth=("reader", "s3cret"), verbose=False)
        assert (
            "Xi Jinping" in client.predict("Who attended the parade?", api_name="/chat")["answer"]
        )
