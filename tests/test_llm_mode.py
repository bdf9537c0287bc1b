"""``--mode llm`` through the Assistant (a real Chroma store in a temp dir, the chain's
write step with a scripted writer): the typed error that carries the extractive answer, the
stream of the writer's text then the checked answer, and the UI's visible error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.errors import LLMServerError
from assistant.types import Answer
from tests.test_unit_llm import GATE, NER, PARADE, SUMMIT, XI, ScriptedWriter

pytestmark = pytest.mark.integration


def _assistant(tmp_path: Path, writer: ScriptedWriter) -> Any:
    from assistant.app import Assistant
    from tests.crash_ingest import WordHashEmbedder
    from tests.fakes import WordOverlapReranker

    bot = Assistant(
        store_dir=tmp_path / "store",
        embedder=WordHashEmbedder(),
        reranker=WordOverlapReranker(),
        recognizer=NER,
        gate=GATE.with_threshold(-50.0),
        writer=writer,
    )
    docs = tmp_path / "docs"
    docs.mkdir(parents=True)
    (docs / "brief.txt").write_text(PARADE.text + "\n\n" + SUMMIT.text, encoding="utf-8")
    bot.ingest([docs], progress=False)
    return bot


def test_the_api_raises_a_typed_error_that_carries_the_extractive_answer(tmp_path: Path) -> None:
    bot = _assistant(tmp_path, ScriptedWriter("", fail=True))
    with pytest.raises(LLMServerError, match="Connection refused") as caught:
        bot.ask("Who attended the parade?")
    assert isinstance(caught.value.answer, Answer)
    assert caught.value.answer.citations
    extractive = bot.ask("Who attended the parade?", write=False)
    assert extractive.text == caught.value.answer.text


def test_the_stream_gives_the_writer_text_then_the_checked_answer(tmp_path: Path) -> None:
    text = f"He flew to Mars [1]. {XI} [1]. The end."
    bot = _assistant(tmp_path, ScriptedWriter(text))
    items = list(bot.stream("Who attended the parade?"))
    assert items[:-1] == [f"{XI}."]  # only what the check keeps streams, no unchecked text
    final = items[-1]
    assert isinstance(final, Answer)
    assert final.written
    assert final.text.endswith(f"{XI} [1].")
    failing = _assistant(tmp_path / "b", ScriptedWriter("", fail=True))
    with pytest.raises(LLMServerError):
        list(failing.stream("Who attended the parade?"))


def test_the_ui_shows_the_extractive_answer_with_the_server_error(tmp_path: Path) -> None:
    from ui.app import ChatApp
    from ui.render import plain_text

    bot = _assistant(tmp_path, ScriptedWriter("", fail=True))
    app = ChatApp(bot, tmp_path / "docs")
    outputs = list(app.respond("Who attended the parade?", [], 3, False, "ScriptedWriter"))
    shown = outputs[-1][0][-1]["content"]
    assert "Xi Jinping" in shown
    assert "Connection refused. This is the extractive answer." in plain_text(shown)
    data, _ = app.api_chat("Who attended the parade?", [])
    assert data["error"] is not None
    assert "Connection refused" in data["error"]
    assert data["citations"]
    assert data["fell_back"]


def test_the_ui_streams_the_draft_then_replaces_it_with_the_checked_answer(
    tmp_path: Path,
) -> None:
    from ui.app import ChatApp

    writer = ScriptedWriter(f"{XI} [1]. He flew to Mars [1]. The end.")
    bot = _assistant(tmp_path, writer)
    app = ChatApp(bot, tmp_path / "docs")
    contents = [
        out[0][-1]["content"]
        for out in app.respond("Who attended the parade?", [], 3, False, bot.mode)
    ]
    assert any(XI in c for c in contents[1:-1])  # streamed once checked
    assert not any("Mars" in c for c in contents)  # never shown: the check dropped it
    assert XI in contents[-1]
    asked = len(writer.requests)
    list(app.respond("Who attended the parade?", [], 3, False, "extractive"))
    assert len(writer.requests) == asked  # the extractive mode asks no writer
