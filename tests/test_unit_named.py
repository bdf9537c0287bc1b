"""Fast unit tests of what the documents name, by kind (assistant/answerers/named.py: the API's
``Assistant.entities()`` and the Who's who tab), over an in-memory library (the real sentence
index, a gazetteer NER) and the rule-based parser of tests/reader_fakes.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.answerers.named import named
from assistant.intent.kinds import Kind
from assistant.language.gazetteer import Gazetteer
from assistant.types import Named
from tests.fakes import GazetteerRecognizer
from tests.reader_fakes import InMemoryLibrary, RuleParser

pytestmark = pytest.mark.unit

PACKAGED = Gazetteer()  # the packaged countries, read on first use

NER = GazetteerRecognizer(
    {
        "Dorothy Shea": "PERSON",
        "Shea": "PERSON",
        "Isobel Marr": "PERSON",
        "Holmvik": "GPE",
        "United States": "GPE",
        "9 May 2025": "DATE",
        "$40 million": "MONEY",
        "Tidewell Relief": "ORG",
    }
)
TEXT = (
    "Ambassador Dorothy Shea said the United States would respond. "
    "Holmvik, the harbour town, flooded on 9 May 2025.\n\n"
    "Shea met Isobel Marr, the chief engineer, in Holmvik. Tidewell Relief pledged $40 million."
)
FIRST = "Ambassador Dorothy Shea said the United States would respond."
FLOOD = "Holmvik, the harbour town, flooded on 9 May 2025."
MEETING = "Shea met Isobel Marr, the chief engineer, in Holmvik."
PLEDGE = "Tidewell Relief pledged $40 million."


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InMemoryLibrary]:
    opened = InMemoryLibrary({"a.txt": TEXT}, tmp_path_factory.mktemp("named"), NER)
    yield opened
    opened.close()


def at(text: str, after: int = 0) -> tuple[int, int]:
    start = TEXT.index(text, after)
    return start, start + len(text)


def test_every_kind_when_none_is_asked_for_in_the_order_of_the_kinds(
    library: InMemoryLibrary,
) -> None:
    found = named(library, RuleParser(), PACKAGED)
    assert list(found) == [kind.value for kind in Kind]


def test_only_the_kinds_asked_for(library: InMemoryLibrary) -> None:
    assert list(named(library, RuleParser(), PACKAGED, ["places", "money"])) == ["places", "money"]
    assert named(library, RuleParser(), PACKAGED, []) == {}


def test_a_person_with_the_role_the_documents_give_them_at_their_first_mention(
    library: InMemoryLibrary,
) -> None:
    people = named(library, RuleParser(), PACKAGED, ["people"])["people"]
    shea, marr = people
    assert shea == Named("people", "Dorothy Shea", "a.txt", *at("Dorothy Shea"), FIRST, 2,
                         "Ambassador")  # fmt: skip
    # The role of a name in a later sentence: read at the name's place in that sentence.
    assert marr == Named("people", "Isobel Marr", "a.txt", *at("Isobel Marr"), MEETING, 1,
                         "chief engineer")  # fmt: skip
    assert TEXT[marr.start : marr.end] == "Isobel Marr"


def test_only_people_carry_a_role(library: InMemoryLibrary) -> None:
    # The parser gives Holmvik a role ("harbour town"): a place has none.
    parser = RuleParser()
    places = named(library, parser, PACKAGED, ["places"])["places"]
    assert [(p.name, p.mentions, p.role) for p in places] == [
        ("United States", 1, None),
        ("Holmvik", 2, None),
    ]
    assert places[1] == Named("places", "Holmvik", "a.txt", *at("Holmvik"), FLOOD, 2)
    assert parser.analysed == []  # no sentence parsed for a kind that has no roles


def test_the_other_kinds_at_their_first_mention(library: InMemoryLibrary) -> None:
    found = named(library, RuleParser(), PACKAGED, ["organisations", "dates", "years", "money"])
    assert found["organisations"] == (
        Named("organisations", "Tidewell Relief", "a.txt", *at("Tidewell Relief"), PLEDGE, 1),
    )
    assert found["dates"] == (Named("dates", "9 May 2025", "a.txt", *at("9 May 2025"), FLOOD, 1),)
    assert found["years"] == (Named("years", "2025", "a.txt", *at("2025"), FLOOD, 1),)
    assert found["money"] == (
        Named("money", "$40 million", "a.txt", *at("$40 million"), PLEDGE, 1),
    )


def test_a_person_the_parser_gives_no_role_has_none(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    opened = InMemoryLibrary(
        {"b.txt": "Isobel Marr visited the dam."}, tmp_path_factory.mktemp("plain"), NER
    )
    try:
        people = named(opened, RuleParser(), PACKAGED, ["people"])["people"]
    finally:
        opened.close()
    assert [(p.name, p.start, p.end, p.role) for p in people] == [("Isobel Marr", 0, 11, None)]
