"""Fast unit tests of "bold means sure" (assistant/answer/bold.py): the facts the policy reads
of a short answer, and each rule that decides whether it is shown."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from assistant.answer.bold import ALWAYS, FEATURES, BoldPolicy, features
from assistant.types import Citation, ShortAnswer

pytestmark = pytest.mark.unit

QUOTE = "Xi Jinping attended the parade in Red Square on May 9."
COUNTED = "In 2024 the festival drew 280 people to the square."


def citation(marker: int, score: float, quote: str = QUOTE) -> Citation:
    return Citation(marker, "brief.txt", 1, 0, len(quote), quote, score, 0, len(quote), quote)


def short(
    text: str = "Red Square", basis: str = "entity", kind: str = "place", *, marker: int = 1,
    rivals: int = 0, quote: str = QUOTE,
) -> ShortAnswer:  # fmt: skip
    at = quote.index(text) if text in quote else 0
    return ShortAnswer(text, marker, at, at + len(text), kind, basis, rivals)


CITED = (citation(1, 9.0), citation(2, 3.0))
POLICY = BoldPolicy()  # min_score 7, min_confidence 0
WHERE = "Where was the parade held?"


def shows(answer: ShortAnswer, question: str = WHERE, *, cited: tuple[Citation, ...] = CITED,
          confidence: float | None = 2.0, policy: BoldPolicy = POLICY) -> bool:  # fmt: skip
    return policy.shows(question, answer, cited, confidence)


def test_the_facts_read_of_a_short_answer() -> None:
    values = dict(zip(FEATURES, features(WHERE, short(), CITED, 2.5), strict=True))
    assert values == {
        "confidence": 2.5, "score": 9.0, "top": 1.0, "rivals": 0.0, "numbers_held": 1.0,
        "asked": 0.0,
    }  # fmt: skip
    ungated = features(WHERE, short(), CITED, None)
    assert math.isnan(ungated[0])


def test_a_sure_entity_is_shown() -> None:
    assert shows(short())


def test_an_entity_from_a_sentence_under_the_min_score_is_not() -> None:
    low = (citation(1, 6.9), citation(2, 3.0))
    assert not shows(short(), cited=low)
    assert shows(short(), cited=low, policy=BoldPolicy(min_score=6.5))


def test_an_entity_the_gate_doubts_is_not() -> None:
    assert not shows(short(), confidence=-0.5)
    assert shows(short(), confidence=0.0)  # the threshold itself is enough


def test_an_entity_not_from_the_best_sentence_is_not() -> None:
    assert not shows(short(marker=2), cited=(citation(1, 9.0), citation(2, 8.0)))


def test_a_pick_among_rivals_is_not() -> None:
    assert not shows(short(rivals=1))


def test_an_answer_to_another_year_is_not() -> None:
    assert not shows(short(), "Where was the parade held in 2023?")
    dated = (citation(1, 9.0, "In 2023 Xi Jinping attended the parade in Red Square."),)
    in_2023 = short(quote=dated[0].quote)
    assert shows(in_2023, "Where was the parade held in 2023?", cited=dated)


def test_an_answer_the_question_already_says_is_not() -> None:
    assert not shows(short(), "Was the parade in Red Square or elsewhere?")


def test_a_count_of_something_else_is_not() -> None:
    cited = (citation(1, 9.0, COUNTED),)
    count = short("280", kind="number", quote=COUNTED)
    assert shows(count, "How many people came?", cited=cited)
    assert not shows(count, "How many schools came?", cited=cited)


@pytest.mark.parametrize("kind", ["list", "name", "other", "definition/reason"])
def test_only_names_numbers_and_dates_of_a_fitting_kind(kind: str) -> None:
    assert not shows(short(kind=kind))


def test_a_phrase_is_never_bold() -> None:
    assert not shows(short("the parade in Red Square", basis="phrase"))


def test_a_no_is_bold_when_its_clause_is_about_what_is_asked() -> None:
    quote = "North Korea sent only an ambassador, not Kim Jong Un."
    cited = (citation(1, 2.0, quote),)
    no = short("No", "verdict", "yes/no", quote=quote)
    no = replace(no, start=quote.index("not Kim"), end=len(quote) - 1)
    assert shows(no, "Did Kim Jong Un go?", cited=cited, confidence=0.5)
    assert not shows(no, "Did Kim Jong Un go?", cited=cited, confidence=-0.5)
    # the clause names Kim but holds little of what is asked
    assert not shows(no, "Did Kim Jong Un meet Xi Jinping in Moscow in May?", cited=cited)


def test_a_yes_is_never_bold() -> None:
    # The sentence holds every word of the question, yet the 2 million were the EU's.
    quote = "The EU pledged 2 million euros and Japan 500,000 dollars."
    cited = (citation(1, 12.0, quote),)
    yes = replace(short("Yes", "verdict", "yes/no", quote=quote), start=0, end=len(quote))
    assert not shows(yes, "Did Japan pledge 2 million euros?", cited=cited, confidence=5.0)
    assert ALWAYS.shows("Did Japan pledge 2 million euros?", yes, cited, 5.0)


def test_a_role_is_bold_when_it_is_a_noun_phrase_the_question_does_not_say() -> None:
    role = replace(short("Ambassador", "role", "role"), start=0, end=10)
    assert shows(role, "Who is Dorothy Shea?", confidence=None)
    assert not shows(role, "Who is Ambassador Shea?", confidence=None)
    assert not shows(replace(role, text="who leads the crossing work"), "Who is X?")
    assert not shows(replace(role, text="1861–1937"), "Who is X?")


def test_always_shows_everything() -> None:
    assert ALWAYS.shows(WHERE, short("the parade", basis="phrase"), CITED, -9.0)


def no_in(quote: str, clause: str, marker: int = 1) -> ShortAnswer:
    """A "No" decided by ``clause`` of ``quote`` (cited as ``marker``)."""
    at = quote.index(clause)
    return ShortAnswer("No", marker, at, at + len(clause), "yes/no", "verdict")


def test_a_no_decided_by_a_clause_that_names_none_of_the_questions_names_is_not_bold() -> None:
    quote = "Marr wrote to the board, but the board did not approve the claim."
    cited = (citation(1, 9.0, quote),)
    no = no_in(quote, "the board did not approve the claim")
    # Two of its three words, but not Marr: the board's refusal, not hers.
    assert not shows(no, "Did Marr approve the claim?", cited=cited)
    assert shows(no_in(quote, quote[:-1]), "Did Marr approve the claim?", cited=cited)


def test_a_no_whose_clause_holds_half_the_questions_words_is_bold() -> None:
    quote = "Marr did not approve it."
    cited = (citation(1, 9.0, quote),)
    no = no_in(quote, "Marr did not approve it")
    assert shows(no, "Did Marr approve the claim yesterday?", cited=cited)  # 2 of 4 words


def test_a_no_read_off_no_cited_sentence_is_not_bold() -> None:
    quote = "Marr did not approve the claim."
    no = no_in(quote, "Marr did not approve the claim", marker=2)
    assert not shows(no, "Did Marr approve the claim?", cited=(citation(1, 9.0, quote),))


def test_the_facts_of_a_short_answer_whose_citation_is_gone() -> None:
    values = features(WHERE, short(marker=3), CITED, 2.0)
    assert values == (2.0, -math.inf, 0.0, 0.0, 1.0, 0.0)
    alone = features(WHERE, short(), (), None)
    assert alone[1:] == (-math.inf, 1.0, 0.0, 1.0, 0.0)


def test_the_min_score_itself_is_enough() -> None:
    assert shows(short(), cited=(citation(1, 7.0), citation(2, 3.0)))


def test_a_role_of_the_most_words_allowed_is_bold() -> None:
    eight = "chief engineer of the old harbour dam works"
    role = replace(short("Ambassador", "role", "role"), text=eight, start=0, end=len(eight))
    assert shows(role, "Who is X?", confidence=None)
    assert not shows(replace(role, text=f"{eight} yard"), "Who is X?", confidence=None)


def test_a_no_in_a_citation_further_into_the_document_is_read_at_its_place() -> None:
    quote = "Marr did not approve the claim."
    cited = (Citation(1, "b.txt", 1, 100, 100 + len(quote), quote, 9.0, 100, 131, quote),)
    no = ShortAnswer("No", 1, 100, 130, "yes/no", "verdict")
    assert shows(no, "Did Marr approve the claim?", cited=cited)
    elsewhere = ShortAnswer("No", 1, 100, 104, "yes/no", "verdict")  # "Marr" alone
    assert not shows(elsewhere, "Did Marr approve the claim?", cited=cited)


def count_of(quote: str, question: str, start: int = 0) -> bool:
    cited = (Citation(1, "c.txt", 1, start, start + len(quote), quote, 9.0, start,
                      start + len(quote), quote),)  # fmt: skip
    at = start + quote.index("280")
    return shows(ShortAnswer("280", 1, at, at + 3, "number", "entity"), question, cited=cited)


def test_a_count_is_of_the_noun_within_a_few_words_of_it() -> None:
    assert count_of("Schools got 280 new desks.", "How many schools got desks?")
    assert count_of("It has 280 schools.", "How many schools are there?", start=500)
    far_before = "Schools across the district, closed all winter long, welcomed 280 people."
    assert not count_of(far_before, "How many schools welcomed people?")
    far_after = "280 people came to the fair, which was held on the playing fields of the schools."
    assert not count_of(far_after, "How many schools held the fair?")


def test_an_answer_from_a_sentence_holding_too_few_of_the_questions_words_is_not() -> None:
    pond = "The mill pond was drained in 2004 because it had flooded the road twice."
    cited = (citation(1, 9.0, pond),)
    date = short("2004", kind="date", quote=pond)
    # "mill", "wheel", "restored": only "mill" (1 of 3) stands in the sentence.
    assert not shows(date, "When was the mill wheel restored?", cited=cited)
    # "mill", "pond", "drained": all three.
    assert shows(date, "When was the mill pond drained?", cited=cited)
    # "pond", "drain" of "pond", "drained", "finally", "emptied"? 2 of 4 (the wh-word aside).
    assert shows(date, "When was the pond finally drained and emptied?", cited=cited)


def test_two_letter_words_of_the_question_count_and_single_letters_do_not() -> None:
    union = "The EU was founded in 1993 by the Maastricht treaty."
    cited = (citation(1, 9.0, union),)
    year = short("1993", kind="date", quote=union)
    # "eu" and "meet": one of two stands in the sentence (a two-letter word is a word).
    assert shows(year, "When did the EU meet?", cited=cited)
    # "founded", "treaty", and six single letters that count for nothing: 2 of 2.
    assert shows(year, "When was it founded, by b c d e f g treaty?", cited=cited)


def test_an_answer_whose_sentence_is_not_cited_is_not_shown_and_a_wordless_question_is_held() -> (
    None
):
    from assistant.answer.bold import _holds_what_is_asked

    cited = (citation(1, 9.0),)
    # The short answer's marker names no citation: it holds nothing asked.
    assert not _holds_what_is_asked("Where was the parade held?", short(marker=2), cited)
    # A question of asking words alone asks for no word in particular.
    assert _holds_what_is_asked("Where was it?", short(), cited)
