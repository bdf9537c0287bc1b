"""Fast unit tests of which document a question names (assistant/answer/scope.py)."""

from __future__ import annotations

import pytest

from assistant.answer.scope import document_named

pytestmark = pytest.mark.unit

SOURCES = ["memo_brightwater.docx", "news_yellow_sea_talks.txt", "profile_noor_haddad.html"]


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("Which people are mentioned in the memo?", "memo_brightwater.docx"),
        ("What countries does the news article mention?", "news_yellow_sea_talks.txt"),
        ("Which organisations appear in the Haddad profile?", "profile_noor_haddad.html"),
        ("Which dates are mentioned in this memo", "memo_brightwater.docx"),
        ("Which countries are mentioned?", None),
        ("Which countries are mentioned in the briefing?", None),  # no briefing among them
        ("Which places are mentioned in the documents?", None),
    ],
)
def test_the_document_a_question_confines_itself_to(question: str, named: str | None) -> None:
    assert document_named(question, SOURCES) == named


def test_a_title_names_a_document_too() -> None:
    titles = {"a.md": "Port strike update", "b.md": "Flood defences"}
    assert document_named("Who is mentioned in the port strike update?", ["a.md", "b.md"],
                          titles) == "a.md"  # fmt: skip


def test_a_kind_of_document_names_the_one_whose_name_or_title_holds_it() -> None:
    # "briefing" says what kind of document the question means; it is also what names it.
    sources = ["briefing_2025.txt", "notes.txt"]
    assert document_named("Which people are mentioned in the briefing?", sources) == sources[0]
    titles = {"a.md": "Weekly briefing", "b.md": "Flood defences"}
    assert document_named("Which people are mentioned in the briefing?", ["a.md", "b.md"],
                          titles) == "a.md"  # fmt: skip
