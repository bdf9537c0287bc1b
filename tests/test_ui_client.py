"""The chat endpoint through gradio_client against a real server on loopback."""

from __future__ import annotations

import html
import json
import re
import shutil
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import gradio as gr
import httpx
import pytest
from gradio_client import Client

from assistant.app import Assistant
from tests.conftest import BRIEFING, PARADE_SENTENCE
from tests.ui_server import free_port, running_app
from ui.app import ChatApp
from ui.documents import READ_ONLY_NOTE

pytestmark = [pytest.mark.integration, pytest.mark.server]

OLD = BRIEFING.read_bytes()
NEW = "The harbour pilot is named Ilse Varga. She retired in spring.\n"


def text_of(status: str) -> str:
    """The Documents tab's status line (HTML) as the text it shows."""
    return html.unescape(re.sub(r"<[^>]+>", "", status))


def briefing_corpus(tmp: Path) -> Path:
    corpus = tmp / "corpus"
    corpus.mkdir()
    shutil.copy(BRIEFING, corpus / "briefing.txt")
    return corpus


def browser_file(tmp: Path, name: str, data: bytes | str) -> str:
    """A file as Gradio hands an upload to the handler: in a folder of its own."""
    folder = tmp / uuid.uuid4().hex
    folder.mkdir()
    path = folder / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return str(path)


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
    assert follow["short"]["text"] == "No"
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


def test_upload_handler_refuses_wrong_types_and_oversized_files(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from ui.documents import MAX_TEXT_UPLOAD_BYTES

    tmp = tmp_path_factory.mktemp("uploads")
    corpus = tmp / "corpus"
    app = ChatApp(Assistant(store_dir=tmp / "store"), corpus)
    rtf = tmp / "a.rtf"
    rtf.write_bytes(b"{\\rtf1}")
    pdf = tmp / "b.pdf"
    pdf.write_bytes(b"%PDF")
    big = tmp / "big.txt"
    big.write_bytes(b"a" * (MAX_TEXT_UPLOAD_BYTES + 1))
    status, rows, _ = app.upload([str(rtf), str(pdf), str(big)])
    assert "a.rtf: only .txt, .md, .html, .pdf and .docx files can be added." in text_of(status)
    assert "b.pdf is not a PDF." in text_of(status)
    assert "big.txt: larger than the 5 MB limit." in text_of(status)
    assert rows == []
    assert not corpus.exists()
    binary = tmp / "blob.txt"
    binary.write_bytes(b"\x00\x01" * 50)
    status, rows, _ = app.upload([str(binary)])
    assert text_of(status).startswith("Not added: blob.txt looks like a binary file")
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


def test_a_failed_upload_keeps_the_document_it_would_replace(tmp_path: Path) -> None:
    corpus = briefing_corpus(tmp_path)
    bot = Assistant(store_dir=tmp_path / "store")
    bot.ingest([corpus])
    app = ChatApp(bot, corpus)
    binary = browser_file(tmp_path, "briefing.txt", b"\x00\x01\x02" * 100)
    status, rows, _ = app.upload([binary])
    assert text_of(status) == "Not added: briefing.txt looks like a binary file, not text."
    assert (corpus / "briefing.txt").read_bytes() == OLD
    status, rows, _ = app.upload([binary], "replace")
    assert text_of(status) == "Not added: briefing.txt looks like a binary file, not text."
    assert (corpus / "briefing.txt").read_bytes() == OLD
    assert sorted(p.name for p in corpus.iterdir()) == ["briefing.txt"]  # no staging left
    app.reindex()
    assert rows == app.document_rows() == [["briefing.txt", rows[0][1]]]
    assert "Xi Jinping" in bot.ask("Who attended the parade?").text


def test_a_taken_name_keeps_both_unless_replacing_is_chosen(tmp_path: Path) -> None:
    corpus = briefing_corpus(tmp_path)
    bot = Assistant(store_dir=tmp_path / "store")
    bot.ingest([corpus])
    app = ChatApp(bot, corpus)
    status, rows, _ = app.upload([browser_file(tmp_path, "briefing.txt", NEW)])
    assert text_of(status).startswith("Added: briefing-2.txt (1 file(s): ")
    assert text_of(status).endswith("briefing.txt was added as briefing-2.txt: that name is taken.")
    assert [row[0] for row in rows] == ["briefing-2.txt", "briefing.txt"]
    assert (corpus / "briefing.txt").read_bytes() == OLD
    status, rows, _ = app.upload([browser_file(tmp_path, "briefing.txt", NEW)], "replace")
    assert text_of(status).startswith("Added: briefing.txt (1 file(s): ")
    assert (corpus / "briefing.txt").read_text() == NEW
    answer = bot.ask("Who is the harbour pilot?")
    assert "Ilse Varga" in answer.text
    assert {c.source for c in answer.citations} <= {"briefing.txt", "briefing-2.txt"}
    assert bot.ask("Who attended the parade?").abstained  # the old text is gone from the store


def test_a_failed_ingest_puts_the_replaced_document_back(tmp_path: Path) -> None:
    corpus = briefing_corpus(tmp_path)
    unreachable = Assistant(
        store_dir=tmp_path / "store", chroma_url=f"http://127.0.0.1:{free_port()}"
    )
    app = ChatApp(unreachable, corpus)
    status, _, _ = app.upload([browser_file(tmp_path, "briefing.txt", NEW)])
    assert text_of(status).startswith("Not added: Cannot reach the Chroma server")
    assert (corpus / "briefing.txt").read_bytes() == OLD
    status, _, _ = app.upload([browser_file(tmp_path, "briefing.txt", NEW)], "replace")
    assert text_of(status).startswith("Not added: Cannot reach the Chroma server")
    assert (corpus / "briefing.txt").read_bytes() == OLD
    assert sorted(p.name for p in corpus.iterdir()) == ["briefing.txt"]


def test_only_admins_may_change_documents_whatever_the_page_shows(tmp_path: Path) -> None:
    corpus = briefing_corpus(tmp_path)
    bot = Assistant(store_dir=tmp_path / "store")
    bot.ingest([corpus])
    app = ChatApp(bot, corpus, admins={"boss"})
    for request in (gr.Request(username="reader"), None):
        for status, _, _ in (
            app.upload([browser_file(tmp_path, "notes.txt", NEW)], "rename", request),
            app.upload([browser_file(tmp_path, "briefing.txt", NEW)], "replace", request),
            app.remove("briefing.txt", request),
            app.reindex(request),
        ):
            assert text_of(status) == READ_ONLY_NOTE
    assert sorted(p.name for p in corpus.iterdir()) == ["briefing.txt"]
    assert (corpus / "briefing.txt").read_bytes() == OLD
    assert [row[0] for row in app.document_rows()] == ["briefing.txt"]
    status, _, _ = app.remove("briefing.txt", gr.Request(username="boss"))
    assert text_of(status).startswith("Removed briefing.txt")
    assert app.document_rows() == []
    everyone = ChatApp(bot, corpus)  # no admins: whoever opens the page, as without a login
    status, _, _ = everyone.upload([browser_file(tmp_path, "notes.txt", NEW)], "rename", None)
    assert text_of(status).startswith("Added: notes.txt")


def forged_event(client: httpx.Client, elem_id: str, data: list[Any]) -> list[Any]:
    """Run the event of the component ``elem_id`` the way the page would, even if the page
    hides it: ``queue/join``, then the result from the ``queue/data`` stream."""
    config = client.get("config").json()
    component = next(c["id"] for c in config["components"]
                     if c.get("props", {}).get("elem_id") == elem_id)  # fmt: skip
    fn_index = next(i for i, d in enumerate(config["dependencies"])
                    if any(t[0] == component for t in d["targets"]))  # fmt: skip
    session = uuid.uuid4().hex
    joined = client.post(
        "gradio_api/queue/join",
        json={"data": data, "fn_index": fn_index, "trigger_id": component,
              "session_hash": session, "event_data": None},
    )  # fmt: skip
    joined.raise_for_status()
    with client.stream("GET", "gradio_api/queue/data", params={"session_hash": session}) as sse:
        for line in sse.iter_lines():
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            if message.get("msg") == "process_completed":
                assert message.get("success"), message
                return list(message["output"]["data"])
    raise AssertionError("the event never completed")


def test_the_server_refuses_changes_forged_by_a_user_who_is_not_an_admin(
    tmp_path: Path,
) -> None:
    corpus = briefing_corpus(tmp_path)
    bot = Assistant(store_dir=tmp_path / "store")
    bot.ingest([corpus])
    logins = [("reader", "r3ad"), ("boss", "b055")]
    with running_app(bot, corpus, auth=logins, admins=["boss"]) as url:
        with httpx.Client(base_url=url, timeout=60) as reader:
            assert reader.post("login", data={"username": "reader", "password": "r3ad"}).is_success
            status, _, _ = forged_event(reader, "remove-document", ["briefing.txt"])
            assert text_of(status) == READ_ONLY_NOTE
            status, _, _ = forged_event(reader, "reindex", [])
            assert text_of(status) == READ_ONLY_NOTE
        assert [d.source for d in bot.documents()] == ["briefing.txt"]
        assert (corpus / "briefing.txt").read_bytes() == OLD
        with httpx.Client(base_url=url, timeout=60) as boss:
            assert boss.post("login", data={"username": "boss", "password": "b055"}).is_success
            status, _, _ = forged_event(boss, "remove-document", ["briefing.txt"])
            assert text_of(status).startswith("Removed briefing.txt")
        assert bot.documents() == []


def test_login_locks_out_after_five_failures_even_the_right_password(tmp_path: Path) -> None:
    """Through Gradio's own login form, on an injected clock (the lockout's timing)."""
    from ui.login import PasswordLogin

    now = [1000.0]
    corpus = briefing_corpus(tmp_path)
    bot = Assistant(store_dir=tmp_path / "store")
    auth = PasswordLogin([("reader", "s3cret")], lockout=2, clock=lambda: now[0])
    with running_app(bot, corpus, auth=auth) as url, httpx.Client(base_url=url) as client:

        def login(password: str) -> httpx.Response:
            return client.post("login", data={"username": "reader", "password": password})

        assert [login(f"guess-{i}").status_code for i in range(5)] == [400] * 5
        locked = login("s3cret")
        assert locked.status_code == 429
        assert locked.json()["detail"] == "Too many failed logins: try again in 4 seconds."
        assert locked.headers["Retry-After"] == "4"  # 2, doubled by this refused try
        # The lockout is per user name and client address: another address may still log in.
        elsewhere = httpx.HTTPTransport(local_address="127.0.0.2")
        with httpx.Client(base_url=url, transport=elsewhere) as other:
            assert other.post("login", data={"username": "reader", "password": "s3cret"}).is_success
        now[0] += 4
        assert login("s3cret").status_code == 200


def test_the_document_view_sends_a_window_not_the_whole_document(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    filler = [f"Station {i} logged {i % 7 + 1} millimetres of rain on day {i}." for i in range(400)]
    pilot = "The harbour pilot is named Ilse Varga."
    text = " ".join([*filler[:200], pilot, *filler[200:]])
    (corpus / "log.txt").write_text(text, encoding="utf-8")
    bot = Assistant(store_dir=tmp_path / "store")
    bot.ingest([corpus])
    app = ChatApp(bot, corpus)
    *_, (chat, _sources, document, _) = app.respond("Who is the harbour pilot?", [], 4, False)
    assert "Ilse Varga" in chat[-1]["content"]
    assert f'<mark class="quote" id="doc-1">{pilot}</mark>' in document
    assert len(text) > 20_000
    assert len(document) < 7_000


def test_a_long_chat_sends_only_its_recent_messages_and_keeps_answering(bot: Assistant) -> None:
    """The history cap (50 messages, 20,000 characters) must not lock a long chat out."""
    app = ChatApp(bot, BRIEFING.parent)
    history = [
        {"role": role, "content": f"Message {n} about nothing in particular. " * 20}
        for n in range(60)
        for role in ("user", "assistant")
    ]
    data, kept = app.api_chat("Who attended the parade?", history)
    assert "Xi Jinping" in data["answer"]
    assert len(kept) == len(history) + 2
    shown = [*history, {"role": "user", "content": "Who attended the parade?"}]
    outputs = list(app.respond("Who attended the parade?", shown[:-1], 5, True))
    assert "Xi Jinping" in str(outputs[-1][0][-1]["content"])
