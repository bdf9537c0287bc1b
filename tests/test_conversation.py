from __future__ import annotations

from assistant.conversation import condense, needs_context
from assistant.types import Turn


def test_standalone_questions_are_left_alone() -> None:
    history = [Turn("user", "Who attended the parade?"), Turn("assistant", "Xi Jinping [1].")]
    question = "How many guests attended the banquet at the Russian Embassy?"
    assert not needs_context(question)
    assert condense(question, history) == question
    assert condense("Where was it held?", []) == "Where was it held?"


def test_elliptical_and_pronoun_questions_borrow_the_previous_question() -> None:
    history = [Turn("user", "Who attended the parade?"), Turn("assistant", "Xi Jinping [1].")]
    assert (
        condense("Where was it held?", history) == "Where was it held? (Who attended the parade?)"
    )
    assert (
        condense("Did Kim Jong Un go?", history) == "Did Kim Jong Un go? (Who attended the parade?)"
    )


def test_personal_pronoun_is_replaced_by_the_name_in_the_last_exchange() -> None:
    history = [
        Turn("user", "Who criticised Moscow?"),
        Turn("assistant", "Ambassador Dorothy Shea accused Moscow of blocking sanctions [1]."),
    ]
    assert condense("What did she accuse Beijing of?", history) == (
        "What did Ambassador Dorothy Shea accuse Beijing of?"
    )
