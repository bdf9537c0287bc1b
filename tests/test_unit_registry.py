"""Fast unit tests of the answerers' registry (assistant/answerers/registry.py): one answerer per
intent but the look-up, each answering over the components it is given (an in-memory
library, a passage finder over it, the word-overlap reranker, the rule-based parser), and
the bold policy the settings ask for."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest

from assistant.answer.bold import ALWAYS, BoldPolicy
from assistant.answerers.compose import Composed, Request
from assistant.answerers.registry import answerers, bold_policy
from assistant.intent.classifier import read_intent
from assistant.intent.kinds import Intent
from assistant.language.gazetteer import Gazetteer
from assistant.types import ShortAnswer
from tests.fakes import GazetteerRecognizer, WordOverlapReranker
from tests.reader_fakes import InMemoryLibrary, LibraryFinder, RuleParser

pytestmark = pytest.mark.unit

NER = GazetteerRecognizer(
    {"Dorothy Shea": "PERSON", "Isobel Marr": "PERSON", "Holmvik": "GPE", "Russia": "GPE"}
)
SANCTIONS = "Ambassador Dorothy Shea said Russia broke the sanctions on grain."
DAM = "Isobel Marr, the chief engineer, said the dam in Holmvik was safe."
TEXT = f"{SANCTIONS}\n\n{DAM} The spillway was rebuilt in spring."


class Parts:
    def __init__(self, library: InMemoryLibrary) -> None:
        self.library = library
        self.reranker = WordOverlapReranker()
        self.finder = LibraryFinder(library, self.reranker)
        self.parser = RuleParser()
        self.answerers = answerers(
            library,  # type: ignore[arg-type]  # a Library, as IndexedLibrary is
            self.finder,  # type: ignore[arg-type]  # a PassageFinder, as the retriever is
            self.reranker,
            self.parser,
            Gazetteer(),  # the packaged one
        )

    def ask(self, question: str) -> Composed:
        reading = read_intent(question)
        composed = self.answerers[reading.intent].answer(
            Request(question, question, question, (), reading)
        )
        assert composed is not None
        return composed


@pytest.fixture
def parts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Parts]:
    library = InMemoryLibrary({"a.txt": TEXT}, tmp_path_factory.mktemp("registry"), NER)
    yield Parts(library)
    library.close()


def test_one_answerer_per_intent_but_the_look_up(parts: Parts) -> None:
    assert set(parts.answerers) == {
        Intent.INVENTORY,
        Intent.OVERVIEW,
        Intent.PROFILE,
        Intent.STATEMENTS,
    }


def test_the_inventory_reads_the_library_with_the_gazetteer(parts: Parts) -> None:
    composed = parts.ask("Which countries are mentioned?")
    assert (composed.lead, composed.draft.text) == ("The documents name one country:", "Russia [1]")
    assert composed.draft.citations[0].quote == SANCTIONS


def test_a_topic_overview_asks_the_finder(parts: Parts) -> None:
    composed = parts.ask("Summarize what the documents say about the spillway.")
    assert parts.finder.queries == ["spillway"]
    assert "The spillway was rebuilt in spring." in [c.quote for c in composed.draft.citations]


def test_a_profile_reads_the_role_with_the_parser_and_ranks_with_the_reranker(
    parts: Parts,
) -> None:
    composed = parts.ask("Who is Isobel Marr?")
    assert [c.quote for c in composed.draft.citations] == [DAM]
    start = TEXT.index("chief engineer")
    assert composed.draft.short == ShortAnswer(
        "chief engineer", 1, start, start + 14, kind="role", basis="role"
    )
    assert DAM in parts.parser.analysed
    assert ("Who is Isobel Marr?", (DAM,)) in parts.reranker.calls


def test_statements_find_the_subject_and_keep_those_on_the_topic(parts: Parts) -> None:
    composed = parts.ask("What did Dorothy Shea say about the sanctions?")
    assert [c.quote for c in composed.draft.citations] == [SANCTIONS]
    assert ("the sanctions", (SANCTIONS,)) in parts.reranker.calls


def test_the_bold_policy_the_settings_ask_for() -> None:
    assert bold_policy(None) == BoldPolicy()
    assert bold_policy(-math.inf) is ALWAYS
    assert bold_policy(math.inf) is ALWAYS
    assert bold_policy(2.5) == BoldPolicy(min_score=2.5)
    assert not bold_policy(2.5).always
    assert bold_policy(2.5).min_confidence == BoldPolicy().min_confidence
