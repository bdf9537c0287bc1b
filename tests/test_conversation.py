"""Follow-up condensing with the real spaCy recognizer (the rules themselves, with a gazetteer,
are pinned in test_unit_conversation.py)."""

from __future__ import annotations

import pytest

from assistant.converse.conversation import condense, needs_context
from assistant.language.entities import SpacyRecognizer
from assistant.types import Turn

PARADE = [Turn("user", "Who attended the parade?"), Turn("assistant", "Xi Jinping [1].")]


@pytest.fixture(scope="module")
def spacy() -> SpacyRecognizer:
    return SpacyRecognizer()


@pytest.mark.unit
def test_standalone_questions_are_left_alone(spacy: SpacyRecognizer) -> None:
    question = "How many guests attended the banquet at the Russian Embassy?"
    assert not needs_context(question)
    assert condense(question, PARADE, spacy) == question
    assert condense("Where was it held?", [], spacy) == "Where was it held?"
    # A question with names of its own no longer borrows the previous one.
    assert not needs_context("Did Kim Jong Un go?")
    assert condense("Did Kim Jong Un go?", PARADE, spacy) == "Did Kim Jong Un go?"


@pytest.mark.integration
def test_elliptical_questions_borrow_the_previous_question_but_not_its_people(
    spacy: SpacyRecognizer,
) -> None:
    assert condense("Where was it held?", PARADE, spacy) == (
        "Where was it held? (Who attended the parade?)"
    )
    assert condense("Why?", PARADE, spacy) == "Why? (Who attended the parade?)"


@pytest.mark.integration
def test_other_references_also_borrow_the_places_the_last_answer_names(
    spacy: SpacyRecognizer,
) -> None:
    history = [
        Turn("user", "Who attended the parade?"),
        Turn("assistant", "Xi Jinping attended the parade in Moscow [1]."),
    ]
    assert condense("Where was it held?", history, spacy) == (
        "Where was it held? (Who attended the parade? Moscow)"
    )


@pytest.mark.integration
def test_personal_pronoun_is_replaced_by_the_name_in_the_last_exchange(
    spacy: SpacyRecognizer,
) -> None:
    history = [
        Turn("user", "Who criticised Moscow?"),
        Turn("assistant", "Ambassador Dorothy Shea accused Moscow of blocking sanctions [1]."),
    ]
    assert condense("What did she accuse Beijing of?", history, spacy) == (
        "What did Dorothy Shea accuse Beijing of?"
    )
