"""Fast unit tests of follow-up handling (assistant/converse/conversation.py,
assistant/converse/coref.py)."""

from __future__ import annotations

import pytest

from assistant.converse.conversation import condense, needs_context
from assistant.converse.coref import (
    leans_on_previous,
    resolve_personal,
    substitute_personal,
    with_context,
)
from assistant.types import Turn
from tests.fakes import NO_ENTITIES, GazetteerRecognizer, make_chunk

pytestmark = pytest.mark.unit

GAZETTEER = GazetteerRecognizer(
    {
        "Dorothy Shea": "PERSON",
        "Xi Jinping": "PERSON",
        "Kim Jong Un": "PERSON",
        "Moscow": "GPE",
        "Beijing": "GPE",
        "Red Square": "FAC",
        "United Nations": "ORG",
        "May 9": "DATE",
    }
)


def exchange(question: str, answer: str) -> list[Turn]:
    return [Turn("user", question), Turn("assistant", answer)]


# --- needs_context -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Where was it held?",
        "What did she say?",
        "Who met him?",
        "What was their budget?",
        "Is there a museum?",
        "Who organised the event?",
        "Was the same true?",
        "And the budget for roads?",
        "also the roads",
        "What about the budget for roads?",
        "How about the budget for roads?",
        "What else was announced yesterday?",
        "Why?",
        "When?",
    ],
)
def test_questions_that_lean_on_earlier_turns(question: str) -> None:
    assert needs_context(question)


@pytest.mark.parametrize(
    "question",
    [
        "How many guests attended the banquet at the Russian Embassy?",
        "Who is Berit Lunde?",
        "What is the capital of France?",
        "Which ship that sank was found?",  # "that" is a relative pronoun here
        "Andorra signed the treaty?",  # "And…" only as a whole word
        "Who is Berit?",  # one content word, but a name
        "In 2024?",  # one content word, but a number
    ],
)
def test_questions_that_stand_alone(question: str) -> None:
    assert not needs_context(question)


# --- condense ------------------------------------------------------------------------------


def test_without_history_or_need_the_question_is_only_stripped() -> None:
    assert condense("  Where was it held?  ", [], GAZETTEER) == "Where was it held?"
    history = exchange("Who attended the parade?", "Xi Jinping attended [1].")
    question = "How many guests attended the banquet at the Russian Embassy?"
    assert condense(f" {question} ", history, GAZETTEER) == question
    only_answers = [Turn("assistant", "Xi Jinping attended [1].")]
    assert condense("Where was it held?", only_answers, GAZETTEER) == "Where was it held?"


def test_he_or_she_is_the_person_the_last_answer_names_before_the_previous_question() -> None:
    history = exchange("Who met Xi Jinping?", "Dorothy Shea met Xi Jinping in Moscow [1].")
    assert condense("What did she say?", history, GAZETTEER) == "What did Dorothy Shea say?"


def test_he_or_she_falls_back_to_the_person_of_the_previous_question() -> None:
    history = exchange("What did Xi Jinping announce?", "New tariffs were announced [1].")
    assert condense("Why did he announce tariffs?", history, GAZETTEER) == (
        "Why did Xi Jinping announce tariffs?"
    )


def test_the_last_user_question_and_last_answer_are_the_ones_used() -> None:
    history = [
        *exchange("Who spoke first?", "Kim Jong Un spoke first [1]."),
        *exchange("Who spoke next?", "Dorothy Shea spoke next [1]."),
    ]
    assert condense("What did she say?", history, GAZETTEER) == "What did Dorothy Shea say?"
    history = [
        *exchange("Who spoke in Moscow?", "Nobody [1]."),
        Turn("user", "Who met Xi Jinping?"),
    ]
    assert condense("Why did he go?", history, GAZETTEER) == "Why did Xi Jinping go?"


def test_the_last_user_question_is_the_one_appended() -> None:
    history = [
        *exchange("Who spoke first?", "Kim Jong Un spoke first [1]."),
        *exchange("Who attended the parade?", "Xi Jinping attended [1]."),
    ]
    assert condense("Where was it held?", history, GAZETTEER) == (
        "Where was it held? (Who attended the parade?)"
    )


def test_older_turns_are_searched_newest_first_when_the_last_exchange_names_nobody() -> None:
    history = [
        *exchange("Who did Xi Jinping meet?", "Kim Jong Un met envoys [1]."),
        *exchange("Who spoke next?", "The council spoke [1]."),
    ]
    assert condense("What did he say?", history, GAZETTEER) == "What did Kim Jong Un say?"


def test_a_person_the_question_already_names_is_not_the_pronoun() -> None:
    history = exchange("Who met Xi Jinping?", "Dorothy Shea met Xi Jinping [1].")
    assert condense("Did he thank Dorothy Shea?", history, GAZETTEER) == (
        "Did Xi Jinping thank Dorothy Shea?"
    )


def test_possessive_pronoun_keeps_the_possessive() -> None:
    history = exchange("Who met Xi Jinping?", "Dorothy Shea met him [1].")
    assert condense("What was his role?", history, GAZETTEER) == "What was Dorothy Shea's role?"


def test_a_pronoun_left_after_substitution_still_borrows_the_context() -> None:
    history = exchange("Who visited Moscow?", "Dorothy Shea visited Red Square [1].")
    assert condense("What did she say when she arrived?", history, GAZETTEER) == (
        "What did Dorothy Shea say when she arrived? (Who visited Moscow? Red Square)"
    )


def test_a_pronoun_with_no_person_to_stand_for_borrows_the_context() -> None:
    history = exchange("Who spoke?", "The council spoke [1].")
    assert condense("What did she say?", history, GAZETTEER) == "What did she say? (Who spoke?)"


def test_continuation_appends_the_previous_question() -> None:
    history = exchange(
        "What did Dorothy Shea accuse Moscow of?",
        "Dorothy Shea accused Moscow of blocking sanctions [1].",
    )
    assert condense("And Beijing?", history, GAZETTEER) == (
        "And Beijing? (What did Dorothy Shea accuse Moscow of?)"
    )
    assert condense("What about Beijing?", history, GAZETTEER) == (
        "What about Beijing? (What did Dorothy Shea accuse Moscow of?)"
    )


def test_other_references_append_the_previous_question_and_the_answers_things() -> None:
    history = exchange(
        "Who attended the parade?",
        "Xi Jinping attended the parade in Red Square [1]. Red Square was packed, said the "
        "United Nations [2].",
    )
    # People (Xi Jinping) and dates are not things; each thing once, in order of appearance.
    assert condense("Where was it held?", history, GAZETTEER) == (
        "Where was it held? (Who attended the parade? Red Square United Nations)"
    )


def test_things_already_said_are_not_appended_again() -> None:
    history = exchange("Who spoke in Moscow?", "Dorothy Shea spoke in Moscow and Beijing [1].")
    assert condense("Why was it in Beijing?", history, GAZETTEER) == (
        "Why was it in Beijing? (Who spoke in Moscow?)"
    )


def test_things_are_not_appended_without_a_recognizer_finding_them() -> None:
    history = exchange("Who attended the parade?", "Xi Jinping attended in Red Square [1].")
    assert condense("Where was it held?", history, NO_ENTITIES) == (
        "Where was it held? (Who attended the parade?)"
    )


# --- coref ---------------------------------------------------------------------------------


def test_substitute_personal_replaces_only_the_first_pronoun() -> None:
    assert substitute_personal("She said she would.", "Berit") == "Berit said she would."
    assert substitute_personal("Then he left.", "Berit") == "Then Berit left."
    assert substitute_personal("They thanked him.", "Berit") == "They thanked Berit."
    assert substitute_personal("They met her.", "Berit") == "They met Berit."
    assert substitute_personal("His plan won.", "Berit") == "Berit's plan won."
    assert substitute_personal("The prize was hers.", "Berit") == "The prize was Berit's."
    assert substitute_personal("The shelf held heroes.", "Berit") == "The shelf held heroes."


def test_resolve_personal_uses_the_first_person_of_the_previous_sentence() -> None:
    previous = "Dorothy Shea and Xi Jinping met in Moscow."
    assert resolve_personal("She also charged Moscow.", previous, GAZETTEER) == (
        "Dorothy Shea also charged Moscow."
    )
    assert resolve_personal("It rained.", previous, GAZETTEER) is None
    assert resolve_personal("She left.", "The council met in Moscow.", GAZETTEER) is None
    assert resolve_personal("She left.", previous, NO_ENTITIES) is None


def test_leans_on_previous_needs_a_reference_and_a_previous_sentence() -> None:
    chunk = make_chunk(
        "It opened in 1890. It was designed by Isobel Marr. Both towers stand. "
        "Marr retired in 1901. There is a museum."
    )
    assert [leans_on_previous(chunk, i) for i in range(5)] == [False, True, True, False, True]


def test_with_context_puts_the_previous_sentence_in_front_folded() -> None:
    chunk = make_chunk("Isobel   Marr was an engineer.\nIt was  designed by her.")
    assert with_context(chunk, 1) == "Isobel Marr was an engineer. It was designed by her."


def test_a_pronoun_looks_back_past_an_exchange_that_names_nobody() -> None:
    history = [
        *exchange("Who accused Moscow?", "Dorothy Shea accused Moscow [1]."),
        *exchange("Where was it?", "At the United Nations [1]."),
    ]
    assert (
        condense("What else did she say?", history, GAZETTEER) == "What else did Dorothy Shea say?"
    )


def test_resolve_keeps_the_borrowed_context_apart() -> None:
    from assistant.converse.conversation import resolve, standalone

    history = exchange("Who attended the parade?", "Xi Jinping attended in Red Square [1].")
    assert resolve("Where was it held?", history, GAZETTEER) == (
        "Where was it held?",
        "Who attended the parade? Red Square",
    )
    assert resolve("Did he speak?", history, GAZETTEER) == ("Did Xi Jinping speak?", "")
    assert standalone("Q?", "") == "Q?"
    assert standalone("Q?", "ctx") == "Q? (ctx)"


def test_a_question_that_names_its_own_person_stands_alone() -> None:
    history = exchange("Who accused Moscow?", "Dorothy Shea accused Moscow [1].")
    question = "What did Xi Jinping say about his plans?"
    assert condense(question, history, GAZETTEER) == question
    # A subject pronoun beside a named person is someone else: resolved from the chat.
    assert condense("Did she thank Xi Jinping?", history, GAZETTEER) == (
        "Did Dorothy Shea thank Xi Jinping?"
    )
