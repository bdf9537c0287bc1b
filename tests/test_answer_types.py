from __future__ import annotations

import pytest

from assistant.answer_types import AnswerType, expected_type, holds_type
from assistant.entities import Entity


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
