"""Reader's questions over the bundled briefing, end to end: the packaged models, a real
Chroma store, the sentence index built at ingest."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from assistant.app import Assistant
from assistant.config import load_settings
from tests.conftest import BRIEFING
from tests.test_cli import run_cli

pytestmark = pytest.mark.integration

TEXT = BRIEFING.read_text(encoding="utf-8")


def _quotes_hold(answer: object) -> None:
    for citation in answer.citations:  # type: ignore[attr-defined]
        assert TEXT[citation.start : citation.end] == citation.quote


def test_a_summary_lists_central_sentences_in_document_order(bot: Assistant) -> None:
    answer = bot.ask("Summarize the briefing.")
    assert (answer.intent, answer.layout, answer.abstained) == ("overview", "list", False)
    assert 3 <= len(answer.citations) <= 6
    starts = [c.start for c in answer.citations]
    assert starts == sorted(starts)
    paragraphs = [c.paragraph for c in answer.citations]
    assert len(paragraphs) == len(set(paragraphs))  # one sentence a paragraph at most
    lines = answer.text.split("\n")
    assert all(line.startswith("- ") for line in lines)
    assert len(lines) == len(answer.citations)
    refrain = "Russia and China denounce sanctions on North Korea"
    assert sum(refrain in c.quote for c in answer.citations) <= 1  # the refrain said once
    _quotes_hold(answer)


def test_countries_are_listed_once_each_at_their_first_mention(bot: Assistant) -> None:
    answer = bot.ask("Which countries are mentioned?")
    assert answer.intent == "inventory"
    items = [line.removeprefix("- ").rsplit(" [", 1)[0] for line in answer.text.split("\n")[1:]]
    assert items == ["Russia", "China", "North Korea", "U.S.", "Ukraine"]
    by_marker = {c.marker: c for c in answer.citations}
    for line in answer.text.split("\n")[1:]:
        item, marker = re.fullmatch(r"- (.+) \[(\d+)\]", line).groups()  # type: ignore[union-attr]
        citation = by_marker[int(marker)]
        first = re.search(rf"(?<!\w){re.escape(item)}(?!\w)", TEXT)
        assert first is not None
        assert citation.start <= first.start() < citation.end  # cited at its first mention
    _quotes_hold(answer)


def test_who_is_gives_the_role_the_text_gives(briefing_store: Path) -> None:
    bot = Assistant(settings=load_settings(store_dir=briefing_store, bold_threshold=-math.inf))
    answer = bot.ask("Who is Dorothy Shea?")
    assert answer.intent == "profile"
    assert answer.short is not None
    assert answer.short.text == "Ambassador"
    assert answer.text.startswith("**Ambassador** — Ambassador Dorothy Shea accused Moscow")
    assert any(c.quote.startswith("She also charged Beijing") for c in answer.citations)
    _quotes_hold(answer)


def test_what_a_country_said_is_found_under_its_other_names(bot: Assistant) -> None:
    answer = bot.ask("What did the US say?")
    assert answer.intent == "statements"
    assert not answer.abstained
    assert any(c.quote.startswith("According to the U.S.") for c in answer.citations)
    assert not any("criticized Washington" in c.quote for c in answer.citations)  # object
    _quotes_hold(answer)


def test_a_person_mentioned_but_saying_nothing_is_a_precise_refusal(bot: Assistant) -> None:
    answer = bot.ask("What did Kim Jong Un say at the parade?")
    assert answer.abstained
    assert answer.text.startswith("The documents mention Kim Jong Un but report nothing")
    assert [c.quote for c in answer.citations] == [
        "North Korea, although invited, sent only an ambassador and military officers, "
        "not Kim Jong Un."
    ]


def test_someone_never_mentioned_is_said_to_be_so(bot: Assistant) -> None:
    answer = bot.ask("Who is Kim Yo Jong?")
    assert answer.abstained
    assert answer.text == "The documents do not mention Kim Yo Jong."
    assert answer.citations == ()


def test_a_why_question_quotes_the_reason(bot: Assistant) -> None:
    answer = bot.ask("Why is security tight in Moscow?")
    assert answer.intent == "reason"
    assert not answer.abstained
    assert any("brace for possible Ukrainian strikes" in c.quote for c in answer.citations)


def test_entities_lists_people_with_their_roles(bot: Assistant) -> None:
    people = {n.name: n for n in bot.entities(["people"])["people"]}
    assert set(people) == {
        "Vladimir Putin", "Xi Jinping", "Dorothy Shea", "Kim Jong Un", "Alexander Matsegora"
    }  # fmt: skip
    shea = people["Dorothy Shea"]
    assert shea.role == "Ambassador"
    assert TEXT[shea.start : shea.end] == "Dorothy Shea"
    assert people["Xi Jinping"].mentions == 3


def test_the_cli_prints_a_list_answer_and_its_intent(briefing_store: Path) -> None:
    result = run_cli("--store", str(briefing_store), "ask", "Key points?", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["intent"], data["layout"]) == ("overview", "list")
    plain = run_cli("--store", str(briefing_store), "ask", "List the people mentioned.")
    assert plain.returncode == 0, plain.stderr
    assert "\n- Dorothy Shea [" in plain.stdout


@pytest.mark.parametrize(
    ("question", "intent"),
    [("tl;dr?", "overview"), ("who's dorothy shea", "profile"), ("Why?", "reason")],
)
def test_terse_questions_are_read_for_what_they_ask(
    bot: Assistant, question: str, intent: str
) -> None:
    assert bot.ask(question).intent == intent
