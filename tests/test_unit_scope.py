"""Fast unit tests of which document a question names (assistant/answerers/scope.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answerers.scope import document_named, heading_text, named_document, titles
from tests.fakes import NO_ENTITIES
from tests.reader_fakes import InMemoryLibrary

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


def test_a_headings_text_is_without_its_marks() -> None:
    assert heading_text("## Timeline") == "Timeline"
    assert heading_text("##Xmas opening hours") == "Xmas opening hours"


@pytest.mark.parametrize("extension", ["md", "txt", "html", "htm", "pdf", "docx"])
def test_a_file_names_extension_is_no_word_of_its_name(extension: str) -> None:
    sources = [f"holmvik.{extension}", f"holmvik-academy.{extension}"]
    assert named_document("the Holmvik article", sources) == sources[0]


def test_a_documents_title_is_its_first_line_when_that_is_a_heading(tmp_path: Path) -> None:
    library = InMemoryLibrary(
        {"a.md": "# Port strike update\n\nThe port closed on Monday.", "b.md": "Gulls nest here."},
        tmp_path,
        NO_ENTITIES,
    )
    try:
        assert titles(library, library.sources()) == {"a.md": "Port strike update"}
    finally:
        library.close()


def test_titles_are_read_for_at_most_200_documents(tmp_path: Path) -> None:
    documents = {f"d{n:03}.md": f"# Title {n}\n\nText {n} here." for n in range(201)}
    library = InMemoryLibrary(documents, tmp_path, NO_ENTITIES)
    try:
        sources = library.sources()
        assert len(titles(library, sources[:200])) == 200
        assert titles(library, sources) == {}
    finally:
        library.close()
