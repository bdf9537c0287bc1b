"""Fast unit tests of the inventory answerer (assistant/answerers/inventory.py): "Which countries
are mentioned?" over an in-memory library (the real sentence index, a fake NER) and a
synthetic gazetteer — each kind's rule, label voting, first-mention citations, the refusal,
the lead and the cap."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answer.reader import Draft
from assistant.answerers.compose import Composed, Request
from assistant.answerers.inventory import MAX_ITEMS, InventoryAnswerer, voted
from assistant.index.sentences import Mention, Sentence
from assistant.intent.kinds import Intent, Kind, Reading
from assistant.language.entities import Entity
from tests.fakes import GazetteerRecognizer
from tests.reader_fakes import InMemoryLibrary, world_gazetteer

pytestmark = pytest.mark.unit

NER = GazetteerRecognizer(
    {
        "Putin": "PERSON",
        "Vladimir Putin": "PERSON",
        "Xi Jinping": "PERSON",
        "Moscow": "GPE",
        "Friday": "DATE",
        "9 May 2025": "DATE",
        "Chinese": "NORP",
        "Beyond Moscow": "PERSON",  # a sentence-opening word taken into a name
        "American": "NORP",
        "U.S.": "GPE",
        "Washington": "GPE",
        "United States": "GPE",
        "Meanwhile Nadia Fenwick": "PERSON",
        "Tidewell Relief": "ORG",
        "Holmvik": "GPE",
        "Red Square": "FAC",
        "U.N.": "ORG",
        "$40 million": "MONEY",
        "12%": "PERCENT",
        "300 tonnes": "QUANTITY",
        "1987": "DATE",
        "Oliver Fenwick": "PERSON",
        "41,000": "CARDINAL",
        "last week": "DATE",
        "two years": "DATE",
        "China": "GPE",
        "Russian Federation": "ORG",
        "kestrels": "PERSON",  # a lower-case word the NER took for a person
    }
)
BRIEF = (
    "Putin arrived in Moscow on Friday. Vladimir Putin met Xi Jinping in Red Square on "
    "9 May 2025. Putin praised the Chinese delegation.\n\n"
    "Beyond Moscow, American officials were wary. The U.S. criticised the visit, and "
    "Washington said the United States would respond. Meanwhile Nadia Fenwick of Tidewell "
    "Relief flew to Holmvik.\n\n"
    "The U.N. pledged $40 million, and aid rose 12% to 300 tonnes, the most since 1987. "
    "Oliver Fenwick said the firms gave 41,000 meals last week, two years after the flood. "
    "China sent no aid, and the Russian Federation blocked the motion. Some kestrels nested."
)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InMemoryLibrary]:
    opened = InMemoryLibrary({"brief.txt": BRIEF}, tmp_path_factory.mktemp("inventory"), NER)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def inventory(library: InMemoryLibrary) -> InventoryAnswerer:
    return InventoryAnswerer(library, world_gazetteer())


def listed(inventory: InventoryAnswerer, kind: Kind) -> list[tuple[str, int]]:
    return [(item.text, count) for item, count in inventory.counted(kind)]


def ask(answerer: InventoryAnswerer, kind: Kind | None) -> Composed | None:
    question = "Which things are mentioned?"
    return answerer.answer(
        Request(question, question, question, (), Reading(Intent.INVENTORY, kind=kind))
    )


def answer(answerer: InventoryAnswerer, kind: Kind) -> Composed:
    composed = ask(answerer, kind)
    assert composed is not None
    return composed


# --- by kind ----------------------------------------------------------------------------------


def test_people_are_merged_by_short_forms_and_places_taken_for_people_left_out(
    inventory: InventoryAnswerer,
) -> None:
    assert listed(inventory, Kind.PEOPLE) == [
        ("Vladimir Putin", 3),  # "Putin" twice, shown by the fullest form
        ("Xi Jinping", 1),
        ("Nadia Fenwick", 1),  # "Meanwhile" dropped
        ("Oliver Fenwick", 1),
    ]  # no "Moscow" (from "Beyond Moscow"), no "kestrels"


def test_a_person_is_cited_where_the_fullest_form_first_stands(
    library: InMemoryLibrary, inventory: InventoryAnswerer
) -> None:
    putin = inventory.items(Kind.PEOPLE)[0]
    assert putin.sentence == library.sentence(
        "Vladimir Putin met Xi Jinping in Red Square on 9 May 2025."
    )
    assert BRIEF[putin.start : putin.start + len(putin.text)] == "Vladimir Putin"


def test_countries_are_merged_across_forms_named_by_name_and_capitals_do_not_count(
    inventory: InventoryAnswerer,
) -> None:
    assert listed(inventory, Kind.COUNTRIES) == [
        ("U.S.", 3),  # U.S., United States, American ("Washington" is a city)
        ("China", 2),  # "Chinese" comes first, but the name is shown where there is one
        ("Russian Federation", 1),  # an ORG that names a country still names it
    ]  # Russia's "Moscow" alone, a capital, names no country


def test_a_country_named_only_by_its_demonym_is_shown_by_it(tmp_path: Path) -> None:
    library = InMemoryLibrary({"d.txt": "Chinese ships and American planes left."}, tmp_path, NER)
    answerer = InventoryAnswerer(library, world_gazetteer())
    assert listed(answerer, Kind.COUNTRIES) == [("Chinese", 1), ("American", 1)]
    library.close()


def test_places_are_gpe_loc_fac_and_countries_but_not_demonyms(
    inventory: InventoryAnswerer,
) -> None:
    assert listed(inventory, Kind.PLACES) == [
        ("Moscow", 2),  # "Beyond Moscow" is Moscow
        ("Red Square", 1),
        ("U.S.", 2),  # "U.S." and "United States", not "American" (a demonym)
        ("Washington", 1),  # a capital is a place
        ("Holmvik", 1),
        ("China", 1),
        ("Russian Federation", 1),
    ]


def test_a_code_or_a_lower_case_word_is_no_place(tmp_path: Path) -> None:
    # What an NER takes for places in a manual: an error code, a unit; beside real places
    # in capitals or with numbers.
    ner = GazetteerRecognizer(
        {"E09": "GPE", "percent": "GPE", "Lenwick": "GPE", "Route 66": "FAC", "NYC": "GPE"}
    )
    text = "E09 shows in Lenwick at 80 percent on Route 66 and in NYC."
    library = InMemoryLibrary({"d.txt": text}, tmp_path, ner)
    answerer = InventoryAnswerer(library, world_gazetteer())
    places = [text for text, _ in listed(answerer, Kind.PLACES)]
    library.close()
    assert places == ["Lenwick", "Route 66", "NYC"]


def test_a_country_named_by_a_dotted_abbreviation_is_a_place(tmp_path: Path) -> None:
    library = InMemoryLibrary({"d.txt": "The U.S. sent ships to Holmvik."}, tmp_path, NER)
    answerer = InventoryAnswerer(library, world_gazetteer())
    places = [text for text, _ in listed(answerer, Kind.PLACES)]
    library.close()
    assert places == ["U.S.", "Holmvik"]


def test_a_titled_short_form_first_still_shows_the_full_name(tmp_path: Path) -> None:
    recognizer = GazetteerRecognizer({"President Putin": "PERSON", "Vladimir Putin": "PERSON"})
    text = "President Putin opened the summit. Vladimir Putin later left."
    library = InMemoryLibrary({"d.txt": text}, tmp_path, recognizer)
    answerer = InventoryAnswerer(library, world_gazetteer())
    people = listed(answerer, Kind.PEOPLE)
    library.close()
    assert people == [("Vladimir Putin", 2)]


def test_an_institution_taken_for_a_person_is_no_person(tmp_path: Path) -> None:
    recognizer = GazetteerRecognizer(
        {"Kestmoor General Hospital": "PERSON", "Lena Aldous": "PERSON"}
    )
    text = "Lena Aldous moved to Kestmoor General Hospital in May."
    library = InMemoryLibrary({"d.txt": text}, tmp_path, recognizer)
    answerer = InventoryAnswerer(library, world_gazetteer())
    people = listed(answerer, Kind.PEOPLE)
    library.close()
    assert people == [("Lena Aldous", 1)]


def test_organisations_are_orgs_that_name_no_country(inventory: InventoryAnswerer) -> None:
    assert listed(inventory, Kind.ORGANISATIONS) == [("Tidewell Relief", 1), ("U.N.", 1)]


def test_dates_are_only_those_on_the_calendar(inventory: InventoryAnswerer) -> None:
    # "last week" and "two years" are DATE entities but name no day, month or year.
    assert listed(inventory, Kind.DATES) == [("Friday", 1), ("9 May 2025", 1), ("1987", 1)]


def test_years_are_the_four_digit_years_in_dates(inventory: InventoryAnswerer) -> None:
    # not "41,000" (a CARDINAL that is no year), nor the "12" of "12%"
    assert listed(inventory, Kind.YEARS) == [("2025", 1), ("1987", 1)]


def test_money_is_money_and_amounts_are_money_percentages_and_quantities(
    inventory: InventoryAnswerer,
) -> None:
    assert listed(inventory, Kind.MONEY) == [("$40 million", 1)]
    assert listed(inventory, Kind.AMOUNTS) == [("$40 million", 1), ("12%", 1), ("300 tonnes", 1)]


# --- voting -----------------------------------------------------------------------------------

_SENTENCE = Sentence("v.txt", 0, 0, 200, 1, "c", 1.0, "x" * 200)


def mention(text: str, label: str, at: int = 0) -> Mention:
    return Mention(_SENTENCE, at, at + len(text), label, text)


def test_a_mention_takes_the_label_its_text_has_most_often() -> None:
    mentions = [
        mention("Holmvik", "PERSON"), mention("Holmvik", "GPE", 10), mention("Holmvik", "GPE", 20)
    ]  # fmt: skip
    assert [m.label for m in voted(mentions)] == ["GPE", "GPE", "GPE"]
    assert voted(mentions)[1] is mentions[1]  # a mention already right is kept as it is


def test_a_tie_keeps_each_mentions_own_label() -> None:
    mentions = [mention("Dale", "PERSON"), mention("Dale", "GPE", 10)]
    assert [m.label for m in voted(mentions)] == ["PERSON", "GPE"]


def test_the_text_is_voted_bare_so_the_and_possessives_count_together() -> None:
    mentions = [
        mention("the Kremlin", "ORG"),
        mention("Kremlin's", "ORG", 20),
        mention("Kremlin", "PERSON", 40),
    ]
    assert [m.label for m in voted(mentions)] == ["ORG", "ORG", "ORG"]


def test_a_word_that_ends_a_persons_fuller_name_is_that_person() -> None:
    mentions = [
        mention("Helena Marsk", "PERSON"), mention("Marsk", "ORG", 20), mention("Marsk", "ORG", 40)
    ]  # fmt: skip
    assert [m.label for m in voted(mentions)] == ["PERSON", "PERSON", "PERSON"]
    # Not when the fuller name is mostly something else.
    places = [mention("Port Marsk", "GPE"), mention("Marsk", "ORG", 20)]
    assert [m.label for m in voted(places)] == ["GPE", "ORG"]


def test_voting_changes_what_an_inventory_lists(tmp_path: Path) -> None:
    # "Dale" is a GPE twice and a PERSON once in the NER's eyes (a fake that labels by
    # context): voted, it is a place only.
    class ByContext:
        def entities(self, text: str) -> tuple[Entity, ...]:
            label = "PERSON" if text.startswith("Dale said") else "GPE"
            return (Entity("Dale", label),) if "Dale" in text else ()

    text = "Floods hit Dale. Dale said nothing. Ferries left Dale."
    library = InMemoryLibrary({"d.txt": text}, tmp_path, ByContext())
    answerer = InventoryAnswerer(library, world_gazetteer())
    assert listed(answerer, Kind.PEOPLE) == []
    assert listed(answerer, Kind.PLACES) == [("Dale", 3)]
    library.close()


# --- the answer -------------------------------------------------------------------------------


def test_the_answer_lists_each_item_cited_to_its_first_mention(
    library: InMemoryLibrary, inventory: InventoryAnswerer
) -> None:
    composed = answer(inventory, Kind.COUNTRIES)
    assert composed.layout == "list"
    assert composed.lead == "The documents name 3 countries:"
    assert not composed.draft.abstained
    quotes = [c.quote for c in composed.draft.citations]
    assert quotes == [
        "The U.S. criticised the visit, and Washington said the United States would respond.",
        "China sent no aid, and the Russian Federation blocked the motion.",
        "China sent no aid, and the Russian Federation blocked the motion.",
    ]
    assert [c.marker for c in composed.draft.citations] == [1, 2, 3]
    for citation in composed.draft.citations:
        assert BRIEF[citation.start : citation.end] == citation.quote
        assert citation.source == "brief.txt"
    assert composed.draft.text.startswith("U.S")
    assert "China [2]" in composed.draft.text
    assert "Russian Federation [3]" in composed.draft.text
    # The passages are the chunks quoted, each once.
    assert len({p.chunk.id for p in composed.passages}) == len(composed.passages) >= 1


def test_one_item_is_led_as_one(inventory: InventoryAnswerer) -> None:
    composed = answer(inventory, Kind.MONEY)
    assert composed.lead == "The documents name one sum of money:"
    assert composed.draft.text == "$40 million [1]"


def test_above_the_cap_the_lead_says_how_many_there_are_in_all(
    library: InMemoryLibrary,
) -> None:
    assert MAX_ITEMS == 30
    capped = InventoryAnswerer(library, world_gazetteer(), max_items=2)
    composed = answer(capped, Kind.PEOPLE)
    assert composed.lead == "The documents name 4 people; the first 2:"
    assert len(composed.draft.citations) == 2
    assert composed.draft.text.startswith("Vladimir Putin [1]")
    assert "Xi Jinping [2]" in composed.draft.text


def test_a_kind_with_nothing_to_list_is_refused_by_name(tmp_path: Path) -> None:
    library = InMemoryLibrary({"d.txt": "Putin met Xi Jinping in Moscow."}, tmp_path, NER)
    answerer = InventoryAnswerer(library, world_gazetteer())
    composed = answer(answerer, Kind.MONEY)
    assert composed.lead == "The documents name no sums of money."
    assert composed.draft.abstained
    assert composed.draft.citations == ()
    assert answer(answerer, Kind.ORGANISATIONS).lead == ("The documents name no organisations.")
    library.close()


def test_without_a_kind_the_answerer_cannot_tell(inventory: InventoryAnswerer) -> None:
    assert ask(inventory, None) is None


def test_a_question_naming_one_document_lists_that_document_only(tmp_path: Path) -> None:
    library = InMemoryLibrary(
        {"memo_harbour.txt": "Oliver Fenwick flew to Holmvik.", "news.txt": "Xi Jinping spoke."},
        tmp_path,
        NER,
    )
    answerer = InventoryAnswerer(library, world_gazetteer())
    question = "Which people are mentioned in the memo?"
    reading = Reading(Intent.INVENTORY, kind=Kind.PEOPLE)
    composed = answerer.answer(Request(question, question, question, (), reading))
    assert composed is not None
    assert composed.lead == "memo_harbour.txt names one person:"
    assert [c.source for c in composed.draft.citations] == ["memo_harbour.txt"]
    everyone = "Which people are mentioned?"
    composed = answerer.answer(Request(everyone, everyone, everyone, (), reading))
    assert composed is not None
    assert len(composed.draft.citations) == 2
    library.close()


# --- each kind's edges ------------------------------------------------------------------------

EDGES_NER = GazetteerRecognizer(
    {
        "Kestmoor General Hospital": "PERSON",  # an institution the NER took for a person
        "Isobel Marr": "PERSON",
        "de Klerk": "PERSON",
        "Thursday evening": "TIME",
        "last Friday": "DATE",
        "1987": "CARDINAL",
        "9 May 2025": "DATE",
        "$40 million": "MONEY",
        "$2 million": "MONEY",
        "President Putin": "PERSON",
        "Putin": "PERSON",
    }
)
EDGES = (
    "Kestmoor General Hospital hired Isobel Marr and de Klerk on Thursday evening. "
    "The ward opened last Friday, as in 1987, on 9 May 2025. "
    "It cost $40 million and $2 million more. President Putin spoke. Putin left."
)


@pytest.fixture(scope="module")
def edges(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InventoryAnswerer]:
    opened = InMemoryLibrary({"e.txt": EDGES}, tmp_path_factory.mktemp("edges"), EDGES_NER)
    yield InventoryAnswerer(opened, world_gazetteer())
    opened.close()


def placed(inventory: InventoryAnswerer, kind: Kind) -> list[tuple[str, int, int]]:
    """(text, document offset, count) of each item; the offset is where the text stands."""
    found = []
    for item, count in inventory.counted(kind):
        assert EDGES[item.start : item.start + len(item.text)] == item.text
        found.append((item.text, item.start, count))
    return found


def test_people_after_an_institution_and_with_a_lower_case_particle(
    edges: InventoryAnswerer,
) -> None:
    # The plain "Putin" is shown before "President Putin", at its own place.
    assert placed(edges, Kind.PEOPLE) == [
        ("Isobel Marr", EDGES.index("Isobel"), 1),
        ("de Klerk", EDGES.index("de Klerk"), 1),
        ("Putin", EDGES.index("Putin left"), 2),
    ]


def test_dates_in_time_and_date_mentions_at_their_own_offsets(edges: InventoryAnswerer) -> None:
    assert placed(edges, Kind.DATES) == [
        ("Thursday", EDGES.index("Thursday"), 1),
        ("Friday", EDGES.index("Friday"), 1),
        ("9 May 2025", EDGES.index("9 May"), 1),
    ]


def test_years_in_dates_and_cardinals_at_their_own_offsets(edges: InventoryAnswerer) -> None:
    assert placed(edges, Kind.YEARS) == [
        ("1987", EDGES.index("1987"), 1),
        ("2025", EDGES.index("2025"), 1),
    ]


def test_each_sum_of_money_is_an_item_of_its_own(edges: InventoryAnswerer) -> None:
    expected = [
        ("$40 million", EDGES.index("$40"), 1),
        ("$2 million", EDGES.index("$2 "), 1),
    ]
    assert placed(edges, Kind.MONEY) == expected
    assert placed(edges, Kind.AMOUNTS) == expected


def test_the_answer_is_no_refusal_and_a_refusal_has_no_text(edges: InventoryAnswerer) -> None:
    listed = answer(edges, Kind.MONEY)
    assert listed.draft.abstained is False
    assert listed.draft.text == "$40 million [1] $2 million [2]"
    refused = answer(edges, Kind.COUNTRIES)
    assert refused.draft == Draft("", (), abstained=True)


def test_one_document_is_the_documents_whatever_the_question_calls_it(tmp_path: Path) -> None:
    library = InMemoryLibrary({"memo.txt": "Oliver Fenwick flew to Holmvik."}, tmp_path, NER)
    answerer = InventoryAnswerer(library, world_gazetteer())
    question = "Which people are mentioned in the memo?"
    reading = Reading(Intent.INVENTORY, kind=Kind.PEOPLE)
    composed = answerer.answer(Request(question, question, question, (), reading))
    assert composed is not None
    assert composed.lead == "The documents name one person:"
    library.close()


def test_a_document_named_by_its_title(tmp_path: Path) -> None:
    library = InMemoryLibrary(
        {"a.md": "# Port strike update\n\nOliver Fenwick flew to Holmvik.", "b.md": "Putin spoke."},
        tmp_path,
        NER,
    )
    answerer = InventoryAnswerer(library, world_gazetteer())
    question = "Who is mentioned in the port strike update?"
    reading = Reading(Intent.INVENTORY, kind=Kind.PEOPLE)
    composed = answerer.answer(Request(question, question, question, (), reading))
    assert composed is not None
    assert composed.lead == "a.md names one person:"
    library.close()
