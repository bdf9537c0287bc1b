"""Fast unit tests of the short-answer rules (assistant/answer/short_answer.py), over the gazetteer
recognizer of tests/fakes.py."""

from __future__ import annotations

import pytest

from assistant.answer.answer_types import AnswerType
from assistant.answer.short_answer import (
    Found,
    affirmed,
    gap_span,
    negated,
    pick_span,
    yes_or_no,
)
from tests.fakes import NO_ENTITIES, GazetteerRecognizer

pytestmark = pytest.mark.unit

NER = GazetteerRecognizer(
    {
        "Moscow": "GPE",
        "North Korea": "GPE",
        "Russia": "GPE",
        "China": "GPE",
        "Kim Jong Un": "PERSON",
        "Mara Keel": "PERSON",
        "Holmvik": "GPE",
        "Lenwick": "GPE",
        "Tarrow Island": "GPE",
        "the Harbour Trust": "ORG",
        "Thursday": "DATE",
        "1890": "DATE",
        "1891": "DATE",
        "eleven hours": "TIME",
        "2024": "DATE",
        "2,300": "CARDINAL",
        "Switzerland": "GPE",
        "the United States": "GPE",
    }
)
SUMMIT = "Russia and China denounce sanctions on North Korea after a summit in Moscow on Thursday."


def pick(question: str, sentences: list[str], kind: AnswerType) -> tuple[int, str] | None:
    found = pick_span([question], sentences, kind, NER)
    return None if found is None else (found[0], found[1].text)


def test_the_fitting_entity_nearest_to_the_questions_words_is_the_answer() -> None:
    assert pick("Where was the summit held?", [SUMMIT], AnswerType.PLACE) == (0, "Moscow")
    assert pick("When was the summit?", [SUMMIT], AnswerType.DATE) == (0, "Thursday")


def test_the_span_is_exact_in_the_sentence() -> None:
    found = pick_span(["Where was the summit held?"], [SUMMIT], AnswerType.PLACE, NER)
    assert found is not None
    _index, span = found
    assert SUMMIT[span.start : span.end] == span.text == "Moscow"


def test_what_the_question_already_says_is_not_the_answer() -> None:
    question = "Where in Moscow was the summit held?"
    assert pick(question, [SUMMIT], AnswerType.PLACE) != (0, "Moscow")


def test_a_name_denied_by_a_negation_is_not_the_answer() -> None:
    sentence = "North Korea sent only an ambassador, not Kim Jong Un."
    assert pick("Who went to the parade?", [sentence], AnswerType.PERSON) == (0, "North Korea")
    assert pick("Who did North Korea send?", [sentence], AnswerType.PERSON) is None


def test_the_clause_holding_most_of_the_questions_words_wins() -> None:
    sentence = (
        "Mara Keel finished her apprenticeship in 1890, and in 1891 she was admitted to the guild."
    )
    question = "What year was Mara Keel admitted to the guild?"
    assert pick(question, [sentence], AnswerType.DATE) == (0, "1891")


def test_a_name_sharing_a_name_with_the_question_comes_last() -> None:
    ner = GazetteerRecognizer({"Tarrow Island": "ORG", "the Harbour Award": "ORG"})
    sentence = "The Tarrow Island cooperative received the Harbour Award."
    question = "Which prize did the Tarrow cooperative receive?"
    found = pick_span([question], [sentence], AnswerType.NAME, ner)
    assert found is not None
    assert found[1].text == "the Harbour Award"


def test_a_better_fitting_label_wins_over_a_nearer_one() -> None:
    ner = GazetteerRecognizer({"Holmvik Council": "ORG", "Mara Keel": "PERSON"})
    sentence = "The trust was founded by Holmvik Council and its clerk Mara Keel"
    found = pick_span(["Who founded the trust?"], [sentence], AnswerType.PERSON, ner)
    assert found is not None
    assert found[1].text == "Mara Keel"
    organisation = pick_span(
        ["Which body founded the trust?"], [sentence], AnswerType.ORGANIZATION, ner
    )
    assert organisation is not None
    assert organisation[1].text == "Holmvik Council"


def test_the_answer_may_come_from_a_later_sentence_that_matches_better() -> None:
    sentences = ["It was automated in 2024.", "The light was converted to electricity in 1891."]
    question = "In which year was the light converted to electricity?"
    assert pick(question, sentences, AnswerType.DATE) == (1, "1891")


def test_numbers_and_dates_are_found_by_pattern_when_the_ner_has_none() -> None:
    found = pick_span(
        ["How many passengers did it carry?"],
        ["It carried over 51,000 passengers."],
        AnswerType.NUMBER,
        NO_ENTITIES,
    )
    assert found is not None
    assert found[1].text == "over 51,000"
    when = pick_span(
        ["When did it open?"], ["It opened on 9 May 1871."], AnswerType.DATE, NO_ENTITIES
    )
    assert when is not None
    assert when[1].text == "on 9 May 1871"


def test_a_duration_is_an_amount_but_a_bare_year_is_not() -> None:
    sentence = "In 2024 the walk took eleven hours."
    assert pick("How long did the walk take?", [sentence], AnswerType.NUMBER) == (0, "eleven hours")


def test_spans_not_offered_still_count_as_rivals() -> None:
    # The recognizer found 2,300 but not 800: the pick is the same, and it is not alone.
    crowded = "The centre holds 2,300 people in a building meant for 800."
    found = pick_span(["How many people is the centre meant for?"], [crowded],
                      AnswerType.NUMBER, NER)  # fmt: skip
    assert found is not None
    assert (found[1].text, found[1].rivals) == ("2,300", 1)
    alone = pick_span(["How many people does it hold?"], ["The centre holds 2,300 people."],
                      AnswerType.NUMBER, NER)  # fmt: skip
    assert alone is not None
    assert alone[1].rivals == 0
    # A place after "of" is not offered to a who-question, yet it may be the one who did it.
    talks = "The talks were convened by Switzerland at the request of the United States."
    who = pick_span(["Who requested the talks?"], [talks], AnswerType.PERSON, NER)
    assert who is not None
    assert (who[1].text, who[1].rivals) == ("Switzerland", 1)


def test_no_kind_no_span() -> None:
    assert pick("Why?", [SUMMIT], AnswerType.REASON) is None
    assert pick_span([], [SUMMIT], AnswerType.PLACE, NER) is None


# --- Yes/No -----------------------------------------------------------------------------------

KIM = (
    "North Korea, although invited, sent only an ambassador and military officers, not Kim Jong Un."
)


def test_a_negated_clause_holding_the_questions_words_says_no() -> None:
    found = negated("Did Kim Jong Un go?", KIM)
    assert found == Found(
        "not Kim Jong Un", KIM.index("not Kim"), KIM.index("not Kim") + 15, "verdict"
    )
    assert yes_or_no("Did Kim Jong Un go?", [KIM]) == ("No", 0, found)


def test_a_negation_elsewhere_in_the_sentence_does_not_deny() -> None:
    sentence = "Mara Keel attended the launch, though the weather was not kind."
    assert negated("Did Mara Keel attend the launch?", sentence) is None
    verdict = yes_or_no("Did Mara Keel attend the launch?", [sentence])
    assert verdict is not None
    assert verdict[0] == "Yes"


def test_cues_beyond_not() -> None:
    for sentence in (
        "Mara Keel never married.",
        "Mara Keel stayed away from the opening.",
        "Mara Keel declined the invitation to the opening.",
        "The console cannot join a 5 GHz network.",
        "The console won't join a 5 GHz network.",
    ):
        question = (
            "Can the console join a 5 GHz network?"
            if "console" in sentence
            else "Did Mara Keel marry?"
            if "married" in sentence
            else "Did Mara Keel go to the opening?"
        )
        assert negated(question, sentence) is not None, sentence


def test_yes_needs_the_names_and_most_of_what_is_asked() -> None:
    sentence = "Mara Keel (1841–1919) was a teacher from Holmvik."
    assert affirmed("Was Mara Keel ever married?", sentence) is None  # "married" is missing
    assert affirmed("Was Mara Keel a teacher?", sentence) is not None
    assert affirmed("Was Lin Xiao a teacher?", sentence) is None  # another person
    found = affirmed("Was Mara Keel a teacher?", sentence)
    assert found is not None
    assert found.text == "Mara Keel (1841–1919) was a teacher"


def test_no_verdict_without_evidence() -> None:
    assert yes_or_no("Did it rain?", ["The parade was held in Red Square."]) is None
    assert yes_or_no("Did it rain?", []) is None


def test_a_later_cited_sentence_may_deny() -> None:
    sentences = ["The parade was held in Red Square.", KIM]
    verdict = yes_or_no("Did Kim Jong Un go?", sentences)
    assert verdict is not None
    assert verdict[:2] == ("No", 1)


# --- phrases ----------------------------------------------------------------------------------


def test_the_phrase_after_the_questions_last_word_answers() -> None:
    sentence = (
        "They also warned against the growing militarization of the region and called for "
        "renewed diplomacy."
    )
    found = gap_span("Besides warning of arms, what did the leaders call for?", sentence)
    assert found is not None
    assert found.text == "renewed diplomacy"
    assert sentence[found.start : found.end] == found.text


def test_the_richest_run_of_new_words_answers_and_lead_words_are_trimmed() -> None:
    sentence = (
        "Putin and Xi directly opposed NATO's presence and any nuclear deployments in East Asia."
    )
    found = gap_span("What did Putin and Xi oppose in East Asia?", sentence)
    assert found is not None
    assert found.text == "NATO's presence and any nuclear deployments"
    sentence = "They criticized Washington for triggering instability through its alliances."
    found = gap_span("What did they criticize Washington for?", sentence)
    assert found is not None
    assert found.text == "triggering instability through its alliances"


def test_a_run_does_not_cross_a_clause_and_keeps_numbers_whole() -> None:
    found = gap_span("How many visitors came in 2024?", "In 2024 it had 9,700 visitors, a record.")
    assert found is not None
    assert found.text == "it had 9,700"


def test_between_equally_rich_runs_the_later_one_answers() -> None:
    # six content words before the question's words, two after its last word (+4)
    sentence = "Grey wooden fishing ships came before the council funded new ferries."
    found = gap_span("What did the council fund?", sentence)
    assert found is not None
    assert found.text == "new ferries"


def test_no_phrase_when_the_sentence_holds_no_word_of_the_question() -> None:
    assert gap_span("What did the leaders call for?", "Gulls nest on the rocks.") is None


def test_a_quotation_is_a_phrase_of_its_own() -> None:
    sentence = "They urged countries to drop “unilateral measures” and military pressure."
    found = gap_span("What did they urge countries to drop?", sentence)
    assert found is not None
    assert found.text == "unilateral measures"
    assert sentence[found.start : found.end] == found.text


def test_a_question_in_the_evidence_answers_neither_yes_nor_no() -> None:
    from assistant.answer.short_answer import yes_or_no

    assert yes_or_no("Did Halden approve the claim?", ["Did Halden approve the claim?!"]) is None
    assert yes_or_no("Did Halden approve the claim?", ["Did Halden not approve the claim?"]) is None
    assert yes_or_no("Did Halden approve the claim?", ["Halden approved the claim."]) is not None


# --- the rules' edges -------------------------------------------------------------------------


def test_a_phrase_may_open_the_sentence() -> None:
    found = gap_span("What did the council fund?", "New ferries were funded by the council.")
    assert found == Found("New ferries were", 0, 16, "phrase")


def test_a_conjunction_that_opens_a_clause_is_no_part_of_the_phrase_before_it() -> None:
    sentence = "The council funded ferries whereas the state built roads."
    found = gap_span("What did the council fund?", sentence)
    assert found is not None
    assert found.text == "ferries"


def test_a_run_gets_no_bonus_for_a_question_word_across_a_clause_break() -> None:
    # "new ferries were" follows "council" only across the comma: 3 words against 5.
    sentence = "Grey wooden fishing boats met the council, new ferries were funded."
    found = gap_span("What did the council fund?", sentence)
    assert found is not None
    assert found.text == "Grey wooden fishing boats met the"


def test_the_run_after_the_questions_last_word_counts_twice_the_bonus_not_more() -> None:
    # "ferries": one word + 2 x 2 after "funded" = 5, the same as the five words of the later
    # run, which wins the tie.
    sentence = "The council funded ferries, grey fishing boats sailed past."
    found = gap_span("What did the council fund?", sentence)
    assert found is not None
    assert found.text == "grey fishing boats sailed past"


def test_yes_is_a_verdict_read_off_the_stretch_of_the_questions_words() -> None:
    found = affirmed("Did Marr approve the claim?", "Marr approved the claim.")
    assert found == Found("Marr approved the claim", 0, 23, "verdict")


def test_yes_needs_half_of_what_is_asked_and_half_will_do() -> None:
    # Of "approve" and "claim", the sentence holds one: half.
    assert affirmed("Did Marr approve the claim?", "Marr approved it.") == Found(
        "Marr approved", 0, 13, "verdict"
    )
    # Of "approve", "sign", "publish" and "claim", one: a quarter.
    assert affirmed("Did Marr approve, sign and publish the claim?", "Marr approved it.") is None


def test_a_sentence_of_only_the_questions_names_and_numbers_affirms_them() -> None:
    assert affirmed("Was it 1990?", "1990") == Found("1990", 0, 4, "verdict")
    assert affirmed("Was it Holmvik?", "Holmvik.") == Found("Holmvik", 0, 7, "verdict")


PLACES = GazetteerRecognizer(
    {"Moscow": "GPE", "Minsk": "GPE", "Switzerland": "GPE", "the United States": "GPE",
     "Norway": "GPE"}
)  # fmt: skip


def test_a_name_said_twice_is_read_at_each_place_it_stands() -> None:
    # The first "Moscow" is denied in its clause, the second is the answer.
    sentence = "Talks were not held in Moscow; the summit was held in Moscow."
    found = pick_span(["Where was the summit held?"], [sentence], AnswerType.PLACE, PLACES)
    assert found == (0, Found("Moscow", 54, 60, "entity", rivals=0))


def test_a_name_before_the_questions_words_may_be_the_nearest() -> None:
    sentence = "In Moscow the summit was held with delegates from Minsk."
    found = pick_span(["Where was the summit held?"], [sentence], AnswerType.PLACE, PLACES)
    assert found is not None
    assert found[1].text == "Moscow"


def test_with_no_word_of_the_question_in_the_sentence_the_first_name_answers() -> None:
    found = pick_span(["Where was it?"], ["Talks moved from Minsk to Moscow."], AnswerType.PLACE,
                      PLACES)  # fmt: skip
    assert found == (0, Found("Minsk", 17, 22, "entity", rivals=1))


def test_a_name_opening_the_sentence_counts_the_words_of_its_own_clause_only() -> None:
    sentence = "Minsk summit talks failed; the summit was later held in Moscow."
    found = pick_span(["Where was the summit held?"], [sentence], AnswerType.PLACE, PLACES)
    assert found is not None
    assert found[1].text == "Moscow"


def test_a_figure_ending_the_sentence_without_a_full_stop_is_found_by_pattern() -> None:
    found = pick_span(["How much did turnout rise?"], ["Turnout rose to 50%"], AnswerType.NUMBER,
                      NO_ENTITIES)  # fmt: skip
    assert found == (0, Found("50%", 16, 19, "pattern"))
    by_name = pick_span(["How many people does it hold?"], ["The centre holds 2,300 people."],
                        AnswerType.NUMBER, NER)  # fmt: skip
    assert by_name is not None
    assert by_name[1].basis == "entity"


def test_the_names_after_one_the_question_gives_are_still_read() -> None:
    found = pick_span(["Where in Russia was the summit held?"], [SUMMIT], AnswerType.PLACE, NER)
    assert found is not None
    assert found[1].text != "Russia"


def test_every_sentence_offers_its_names_and_counts_its_rivals() -> None:
    assert pick("Where was the summit held?", [SUMMIT, "It was cold."], AnswerType.PLACE) == (
        0,
        "Moscow",
    )
    talks = "The talks were convened by Switzerland at the request of the United States."
    who = pick_span(["Who requested the talks?"], [talks, "It rained."], AnswerType.PERSON, PLACES)
    assert who is not None
    assert who[1].rivals == 1  # the place after "of", in the first sentence


def test_each_place_after_of_is_a_rival_and_the_names_after_it_still_count() -> None:
    talks = (
        "The talks were convened by Switzerland at the request of the United States and of Norway."
    )
    who = pick_span(["Who requested the talks?"], [talks], AnswerType.PERSON, PLACES)
    assert who is not None
    assert (who[1].text, who[1].rivals) == ("Switzerland", 2)
    first = "At the request of the United States, Switzerland convened the talks."
    who = pick_span(["Who convened the talks?"], [first], AnswerType.PERSON, PLACES)
    assert who is not None
    assert (who[1].text, who[1].start, who[1].rivals) == ("Switzerland", 37, 1)


def test_a_denying_clause_is_trimmed_of_its_full_stop_only() -> None:
    assert negated("Did Xi go?", "Xi did not go.") == Found("Xi did not go", 0, 13, "verdict")


def test_a_sentence_decides_only_when_its_context_names_the_questions_names() -> None:
    assert yes_or_no("Did Kim Jong Un go?", [KIM], ["The Beijing parade brief.txt"]) is None
    assert yes_or_no("Did Kim Jong Un go?", [KIM], [f"{KIM} brief.txt"]) is not None
    assert yes_or_no("Was Mara Keel a teacher?", ["Mara Keel was a teacher."], ["Holmvik"]) is None


def test_yes_may_find_the_names_in_the_sentences_context() -> None:
    context = "Mara Keel (1841-1919). She was a teacher in Holmvik. keel.txt"
    verdict = yes_or_no("Was Mara Keel a teacher?", ["She was a teacher in Holmvik."], [context])
    assert verdict == ("Yes", 0, Found("teacher", 10, 17, "verdict"))
