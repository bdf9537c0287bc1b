from __future__ import annotations

import math
from pathlib import Path

import pytest

from assistant.answer.reader import ABSTAIN_TEXT
from assistant.app import Assistant
from assistant.config import load_settings
from assistant.errors import InvalidQuestionError, StoreError
from assistant.types import Answer
from tests.conftest import PARADE_SENTENCE

PARADE_HISTORY = [
    {"role": "user", "content": "Who attended the parade?"},
    {
        "role": "assistant",
        "content": "Victory Day celebrations have drawn global attention, with Xi Jinping "
        "attending the parade in Red Square on May 9 [1].",
    },
]


@pytest.mark.integration
def test_parade_question_names_every_group_that_attended_each_cited(bot: Assistant) -> None:
    answer = bot.ask("Who attended the parade?")
    assert not answer.abstained
    first = answer.citations[0]
    assert first.quote == PARADE_SENTENCE
    assert (first.source, first.paragraph) == ("briefing.txt", 4)
    start = bot.document_text("briefing.txt").index(PARADE_SENTENCE)
    assert (first.start, first.end) == (start, start + len(PARADE_SENTENCE))
    # Xi Jinping, the thirteen contingents with China's honour guard, and North Korea's
    # ambassador and officers: each in a sentence of its own, each cited.
    groups = ("Xi Jinping", "Thirteen foreign military contingents", "ambassador and military")
    for marker, group in enumerate(groups, start=1):
        assert group in answer.citations[marker - 1].quote
        assert f"{group}" in answer.text
        assert f"[{marker}]" in answer.text
    assert answer.short is None  # a list is its own answer
    text = bot.document_text("briefing.txt")
    for citation in answer.citations:
        assert text[citation.start : citation.end] == citation.quote
        assert text[citation.passage_start : citation.passage_end] == citation.passage_text
    assert len(answer.text) < 450
    assert set(answer.timings) >= {"retrieve", "read", "total"}


@pytest.mark.integration
def test_did_kim_jong_un_go_is_answered_no_from_the_denying_sentence(bot: Assistant) -> None:
    for history in (PARADE_HISTORY, None):
        answer = bot.ask("Did Kim Jong Un go?", history)
        assert answer.text.startswith("**No** — North Korea"), answer.text
        assert answer.short is not None
        cited = next(c for c in answer.citations if c.marker == answer.short.marker)
        document = bot.document_text("briefing.txt")
        assert document[answer.short.start : answer.short.end] == "not Kim Jong Un"
        assert cited.start <= answer.short.start < answer.short.end <= cited.end


@pytest.mark.integration
def test_a_place_question_is_answered_with_the_place_first(briefing_store: Path) -> None:
    # Every short answer shown (the bold model's threshold off): this pins the picker.
    bot = Assistant(settings=load_settings(store_dir=briefing_store, bold_threshold=-math.inf))
    answer = bot.ask("Where was the summit held before the joint statement?")
    assert answer.text.startswith("**Moscow** — ")
    assert answer.short is not None
    assert answer.short.text == "Moscow"
    assert bot.document_text("briefing.txt")[answer.short.start : answer.short.end] == "Moscow"
    assert answer.to_dict()["short"]["text"] == "Moscow"


@pytest.mark.integration
def test_off_topic_question_abstains_and_offers_closest_passages(bot: Assistant) -> None:
    answer = bot.ask("What is the capital of France?")
    assert answer.abstained
    assert answer.text == ABSTAIN_TEXT
    assert answer.citations == ()
    assert answer.passages


@pytest.mark.integration
def test_follow_up_is_resolved_from_history(bot: Assistant) -> None:
    alone = bot.ask("Where was it held?")
    answer = bot.ask("Where was it held?", PARADE_HISTORY)
    assert "Who attended the parade?" in answer.query
    assert "Red Square" in answer.text
    assert alone.query == "Where was it held?"
    kim = bot.ask("Did Kim Jong Un go?", PARADE_HISTORY)
    assert "not Kim Jong Un" in kim.text
    assert kim.text.startswith("**No** — ")


@pytest.mark.integration
def test_pronoun_follow_up_uses_the_name_from_the_last_answer(bot: Assistant) -> None:
    history = [
        {"role": "user", "content": "Who accused Moscow of blocking sanctions enforcement?"},
        {"role": "assistant", "content": "Ambassador Dorothy Shea accused Moscow [1]."},
    ]
    answer = bot.ask("What did she accuse Beijing of?", history)
    assert "Dorothy Shea" in answer.query
    assert "coal and iron ore" in answer.text


@pytest.mark.integration
def test_stream_yields_the_answer_in_pieces_then_the_answer(bot: Assistant) -> None:
    items = list(bot.stream("Who attended the parade?"))
    final = items[-1]
    assert isinstance(final, Answer)
    pieces = items[:-1]
    assert pieces
    assert all(isinstance(p, str) for p in pieces)
    assert "".join(str(p) for p in pieces) == final.text


@pytest.mark.integration
@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("x" * 10_000, "10,000 characters long"),
        ("Who went?\x00\x07", "control characters"),
        (None, "must be text"),
    ],
)
def test_bad_questions_raise_one_clear_error_and_write_nothing(
    bot: Assistant, question: object, message: str
) -> None:
    before = bot.store.count()
    with pytest.raises(InvalidQuestionError, match=message):
        bot.ask(question)  # type: ignore[arg-type]
    assert bot.store.count() == before


@pytest.mark.integration
@pytest.mark.parametrize(
    ("history", "message"),
    [
        ("not a list", "list of"),
        ([{"role": "system", "content": "x"}], "role 'system'"),
        ([{"role": "user"}], "no text content"),
        ([42], "not a"),
    ],
)
def test_bad_history_is_refused(bot: Assistant, history: object, message: str) -> None:
    with pytest.raises(InvalidQuestionError, match=message):
        bot.ask("Who attended the parade?", history)


@pytest.mark.integration
def test_missing_store_is_a_clear_error_and_is_not_created(tmp_path: Path) -> None:
    store = tmp_path / "nowhere"
    with pytest.raises(StoreError, match="run 'assistant ingest' first"):
        Assistant(store_dir=store).ask("Who attended the parade?")
    assert not store.exists()


@pytest.mark.integration
def test_unreachable_chroma_url_is_a_clear_error() -> None:
    with pytest.raises(
        StoreError, match=r"Cannot reach the Chroma server at http://127\.0\.0\.1:9"
    ):
        Assistant(chroma_url="http://127.0.0.1:9").ask("Who attended the parade?")
    with pytest.raises(StoreError, match="not of the form"):
        Assistant(chroma_url="ftp://x").ask("Who attended the parade?")


@pytest.mark.integration
def test_a_new_topic_after_a_conversation_stands_alone_and_abstains(bot: Assistant) -> None:
    answer = bot.ask("Who won the football match?", PARADE_HISTORY)
    assert answer.query == "Who won the football match?"  # content of its own: not a follow-up
    assert answer.abstained
    assert answer.citations == ()


@pytest.mark.integration
@pytest.mark.xfail(
    strict=True,
    reason="known gap: the gate's signals come from retrieval with the borrowed context, and "
    "no signal tried (coverage of the question as typed, its own best score) separated such "
    "follow-ups on the dev halves; README, 'What it still gets wrong'",
)
def test_follow_up_that_the_briefing_does_not_answer_abstains(bot: Assistant) -> None:
    answer = bot.ask("Who won the football match there?", PARADE_HISTORY)
    assert "Who attended the parade?" in answer.query  # it was read as a follow-up…
    assert answer.abstained  # …but no sentence relates to the question as typed
    assert answer.citations == ()


@pytest.mark.integration
def test_follow_up_pronoun_finds_the_new_fact_not_the_old_answer(bot: Assistant) -> None:
    history = [
        {"role": "user", "content": "What did the Russian Embassy in Pyongyang host?"},
        {"role": "assistant", "content": "The Russian Embassy in Pyongyang hosted a banquet [1]."},
    ]
    answer = bot.ask("How many guests attended it?", history)
    assert "Over 150 guests attended" in answer.text


@pytest.mark.integration
def test_a_store_emptied_by_removal_is_a_clear_error(fresh_bot: Assistant, tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Hello there. The sky is blue.", encoding="utf-8")
    fresh_bot.ingest([corpus])
    assert fresh_bot.remove("a.txt") == 1
    with pytest.raises(StoreError, match="is empty: ingest documents first"):
        fresh_bot.ask("What colour is the sky?")


@pytest.mark.integration
def test_warm_up_opens_the_store_so_the_first_question_does_not(
    briefing_store: Path, tmp_path: Path
) -> None:
    fresh = Assistant(store_dir=briefing_store)
    fresh.warm_up()
    # The index check ran and was collected; the vector and lexical indexes are open.
    assert fresh.store.opened == {"checked", "vectors", "lexical"}
    assert "Xi Jinping" in fresh.ask("Who attended the parade?").text
    missing = Assistant(store_dir=tmp_path / "none")
    missing.warm_up()  # nothing to open: the first question says so
    with pytest.raises(StoreError):
        missing.ask("Who attended the parade?")


@pytest.mark.integration
def test_preload_loads_both_onnx_models_in_the_background(briefing_store: Path) -> None:
    from assistant.index.embeddings import SentenceTransformerEmbedder
    from assistant.retrieve.rerank import OnnxCrossEncoder

    embedder, reranker = SentenceTransformerEmbedder(), OnnxCrossEncoder(threads=1)
    fresh = Assistant(store_dir=briefing_store, embedder=embedder, reranker=reranker)
    loading = fresh.preload()
    assert loading.name == "preload-models"
    loading.join(timeout=300)
    assert embedder.session is not None
    assert reranker.session is not None
    assert "Xi Jinping" in fresh.ask("Who attended the parade?").text


ZEPHYR = "The Zephyr lighthouse was rebuilt by Quillon Marr in 1887."


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("zephyr.txt", f"{ZEPHYR} click me\n"),
        (
            "zephyr.html",
            f"<html><body><h1>Zephyr</h1><p>{ZEPHYR} <a href='https://example.org/'>click me"
            "</a></p><p>It stands on a cliff above the bay.</p></body></html>",
        ),
    ],
)
@pytest.mark.integration
def test_a_sentence_followed_by_link_text_is_read(tmp_path: Path, name: str, text: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / name).write_text(text, encoding="utf-8")
    fresh = Assistant(store_dir=tmp_path / "store")
    fresh.ingest([corpus])
    answer = fresh.ask("Who rebuilt the Zephyr lighthouse?")
    assert not answer.abstained, answer.text
    assert answer.short is not None
    assert answer.short.text == "Quillon Marr"
    assert answer.citations[0].quote.startswith(ZEPHYR)
