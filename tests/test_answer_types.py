from __future__ import annotations

import pytest

from assistant.answer.answer_types import (
    AnswerType,
    expected_type,
    holds_type,
    item_type,
    question_type,
)
from assistant.language.entities import Entity

pytestmark = pytest.mark.unit


class Gazetteer:
    """A real ``EntityRecognizer``: entities from a fixed table, in order of appearance."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table

    def entities(self, text: str) -> tuple[Entity, ...]:
        found = [(text.find(name), Entity(name, label)) for name, label in self.table.items()]
        return tuple(entity for at, entity in sorted(found, key=lambda f: f[0]) if at >= 0)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many residents did the district serve in 2024?", AnswerType.NUMBER),
        ("how much did it cost", AnswerType.NUMBER),
        ("How old is Lin Xiao?", AnswerType.NUMBER),
        ("What percentage voted?", AnswerType.NUMBER),
        ("When was the summit held?", AnswerType.DATE),
        ("In which year did the lighthouse open?", AnswerType.DATE),
        ("Who attended the parade?", AnswerType.PERSON),
        ("whose boat was it", AnswerType.PERSON),
        ("Where was the statement released?", AnswerType.PLACE),
        ("What did Putin and Xi urge countries to drop?", None),
        ("Did Kim Jong Un go?", None),
        ("And who else came?", None),  # "who" not at the start: not a person question
    ],
)
def test_the_expected_answer_type_comes_from_the_question(
    question: str, kind: AnswerType | None
) -> None:
    assert expected_type(question) is kind


def test_how_many_years_asks_for_a_number_not_a_date() -> None:
    assert expected_type("How many years did the survey take?") is AnswerType.NUMBER


def test_numbers_and_dates_are_found_by_pattern_without_ner() -> None:
    nobody = Gazetteer({})
    assert holds_type("It carried 51,000 passengers.", AnswerType.NUMBER, nobody)
    assert holds_type("Thirteen contingents marched.", AnswerType.NUMBER, nobody)
    assert not holds_type("It carried many passengers.", AnswerType.NUMBER, nobody)
    assert holds_type("It opened in 1871.", AnswerType.DATE, nobody)
    assert holds_type("It was released on Thursday.", AnswerType.DATE, nobody)
    assert not holds_type("It was released after a summit.", AnswerType.DATE, nobody)


def test_people_and_places_need_an_entity_of_a_fitting_label() -> None:
    ner = Gazetteer({"Mara Keel": "PERSON", "Holmvik": "GPE", "May 9": "DATE"})
    assert holds_type("Mara Keel founded it.", AnswerType.PERSON, ner)
    assert not holds_type("The founder is unknown.", AnswerType.PERSON, ner)
    assert holds_type("It stands in Holmvik.", AnswerType.PLACE, ner)
    assert not holds_type("Mara Keel founded it.", AnswerType.PLACE, ner)
    assert holds_type("It was held on May 9 at last.", AnswerType.DATE, ner)


def test_no_expected_type_always_holds() -> None:
    assert holds_type("Anything at all.", None, Gazetteer({}))


def test_what_the_question_already_gives_is_not_an_answer() -> None:
    ner = Gazetteer({"Holmvik": "GPE", "Mara Keel": "PERSON"})
    question = "How many passengers did the ferry carry in 2024?"
    assert not holds_type("In 2024 the ferry was busy.", AnswerType.NUMBER, ner, question)
    assert holds_type("In 2024 it carried 51,000.", AnswerType.NUMBER, ner, question)
    where = "Where did Mara Keel live?"
    assert not holds_type("Mara Keel lived well.", AnswerType.PLACE, ner, where)
    assert holds_type("Mara Keel lived in Holmvik.", AnswerType.PLACE, ner, where)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Did Kim Jong Un go?", AnswerType.YES_NO),
        ("And was she there?", AnswerType.YES_NO),
        ("can I add a Pro array", AnswerType.YES_NO),
        ("Was it red or blue?", AnswerType.OTHER),  # a choice, not yes/no
        ("Who attended the parade?", AnswerType.LIST),  # taking part: usually several
        ("Who took part in the reopening?", AnswerType.LIST),
        ("Name all the islands.", AnswerType.LIST),
        ("Which places sent delegations?", AnswerType.LIST),
        ("Which two heads of state called for it?", AnswerType.LIST),
        ("Which of its ambassadors praised the troops?", AnswerType.PERSON),
        ("Who hosted the banquet?", AnswerType.PERSON),
        ("who said the officials showed up", AnswerType.PERSON),
        ("What was the name of the man killed in the flood?", AnswerType.PERSON),
        ("Which firm has the contract?", AnswerType.ORGANIZATION),
        ("Which local sports club lent its boats?", AnswerType.ORGANIZATION),
        ("In the end, which province got the deposit?", AnswerType.PLACE),
        ("Which country sent the most guards?", AnswerType.PLACE),
        ("On which date in May was the parade?", AnswerType.DATE),
        ("What was the population of Tarrow?", AnswerType.NUMBER),
        ("What height did the river reach?", AnswerType.NUMBER),
        ("Which prize did the cooperative receive?", AnswerType.NAME),
        ("What is the name of the boat?", AnswerType.NAME),
        ("Which event was about to take place when the statement came out?", AnswerType.NAME),
        ("Why is security tight in Moscow?", AnswerType.REASON),
        ("What caused the fire?", AnswerType.REASON),
        ("What did Putin and Xi urge countries to drop?", AnswerType.OTHER),
        ("What about the second one, who is it named after?", AnswerType.PERSON),
        ("How many guests came?", AnswerType.NUMBER),
        ("When did it open?", AnswerType.DATE),
        ("Where was it held?", AnswerType.PLACE),
    ],
)
def test_the_question_type_comes_from_the_wording(question: str, kind: AnswerType) -> None:
    assert question_type(question) is kind


def test_the_item_type_of_a_list_is_its_head_noun_or_who() -> None:
    assert item_type("Which places sent delegations?") is AnswerType.PLACE
    assert item_type("Who attended the parade?") is AnswerType.PERSON
    assert item_type("Name all the things.") is None
    assert item_type("Which firm has it?") is AnswerType.ORGANIZATION
    assert item_type("Did it rain?") is None
    assert item_type("Why did it rain?") is None


def test_the_gates_expected_type_is_unchanged_by_the_finer_classification() -> None:
    assert expected_type("Which event was about to take place when the statement came out?") is (
        AnswerType.DATE
    )
    assert expected_type("Did Kim Jong Un go?") is None
    assert holds_type("Anything.", AnswerType.YES_NO, Gazetteer({}))


@pytest.mark.parametrize(
    "question",
    [
        "Which class won the prize?",  # -ss
        "Which campus hosted the talks?",  # -us
        "Which thesis won?",  # -is
        "Which physics prize did she win?",  # -ics
    ],
)
def test_a_noun_ending_in_s_that_is_no_plural_asks_for_one(question: str) -> None:
    assert question_type(question) is AnswerType.NAME


def test_a_plural_noun_after_which_asks_for_several() -> None:
    assert question_type("Which buses did she take?") is AnswerType.LIST
    assert item_type("Which buses did she take?") is AnswerType.NAME


def test_what_and_an_auxiliary_leave_the_kind_to_the_rest_of_the_question() -> None:
    # "What was the outcome": no noun of a known kind; a "when" clause asks for no date,
    # a second question "and when …" does.
    assert question_type("What was the outcome when the dam broke?") is AnswerType.OTHER
    assert question_type("What is the plan, and when does it start?") is AnswerType.DATE


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who took over as manager when Nystrom went?", AnswerType.PERSON),
        ("What did the WS-2 cost when it first went on sale?", AnswerType.OTHER),
        ("How old was Renn when he retired?", AnswerType.NUMBER),
        ("and when was that?", AnswerType.DATE),
        ("Since when has he led it?", AnswerType.DATE),
        ("Can you tell me when the bridge opened?", AnswerType.DATE),
        ("Do you know who led the talks?", AnswerType.PERSON),
        ("Could you please tell me where the parade was?", AnswerType.PLACE),
        ("Can you tell me if Kim went?", AnswerType.YES_NO),
        ("When the dam broke, who was in charge of the town?", AnswerType.PERSON),
        ("When the dam broke, how many died?", AnswerType.NUMBER),
        ("When did the dam break, and why?", AnswerType.DATE),
        ("Do you happen to know when the dam broke?", AnswerType.DATE),
        ("Can u remind me where the parade was?", AnswerType.PLACE),
        ("I want to know who led the talks.", AnswerType.PERSON),
    ],
)
def test_only_the_questions_own_when_asks_for_a_date(question: str, kind: AnswerType) -> None:
    assert question_type(question) is kind


def test_the_gate_still_reads_any_when_as_a_date() -> None:
    # The gate's signal was fitted on these rules: they stay as they were.
    assert expected_type("Who took over as manager when Nystrom went?") is AnswerType.DATE
    assert expected_type("Can you tell me where it was?") is None


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Which ship was sunk?", AnswerType.NAME),  # "was" ends the noun phrase
        ("Which big red buses left?", AnswerType.NAME),  # only the first two words count
        ("What was the outcome?", AnswerType.OTHER),  # a noun after "was": no named thing
        ("What did they do?", AnswerType.OTHER),  # no noun: not several of anything
    ],
)
def test_the_noun_after_which_or_what_decides_one_or_several(
    question: str, kind: AnswerType
) -> None:
    assert question_type(question) is kind


def test_the_item_type_reads_past_an_opening_filler() -> None:
    assert item_type("And which places did they visit?") is AnswerType.PLACE


def test_a_name_the_question_gives_in_other_case_is_not_an_answer() -> None:
    ner = Gazetteer({"Moscow": "GPE"})
    assert not holds_type("It was in Moscow.", AnswerType.PLACE, ner, "was it in moscow?")
    assert holds_type("It was in Moscow.", AnswerType.PLACE, ner, "Where was it?")
