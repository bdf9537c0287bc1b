"""Fast unit tests of which document a question names (assistant/answerers/scope.py)."""

from __future__ import annotations

import pytest

from assistant.answerers.scope import document_named

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
