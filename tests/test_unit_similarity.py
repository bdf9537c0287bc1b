"""Fast unit tests of the lexical near-duplicate rules (assistant/retrieve/similarity.py)."""

from __future__ import annotations

import pytest

from assistant.policy import POLICY
from assistant.retrieve.similarity import (
    is_near_duplicate,
    jaccard,
    key_terms,
    repeats,
    shared_run,
    word_set,
)

pytestmark = pytest.mark.unit

Y2023 = "In 2023 the district served 48,000 residents."
Y2024 = "In 2024 the district served 51,000 residents."
REFRAIN_A = "Russia and China denounce sanctions on North Korea as they deepen cooperation."
REFRAIN_B = "Russia and China denounce sanctions on North Korea despite mounting concern."


def test_word_set_is_the_lower_case_words() -> None:
    assert word_set("The cat, the HAT!") == frozenset({"the", "cat", "hat"})
    assert word_set("") == frozenset()


def test_jaccard_is_intersection_over_union_and_zero_for_an_empty_side() -> None:
    assert jaccard(frozenset("ab"), frozenset("bc")) == pytest.approx(1 / 3)
    assert jaccard(frozenset("ab"), frozenset("ab")) == 1.0
    assert jaccard(frozenset(), frozenset("ab")) == 0.0
    assert jaccard(frozenset("ab"), frozenset()) == 0.0
    assert jaccard(frozenset(), frozenset()) == 0.0


def test_key_terms_are_numbers_and_capitalised_words_after_the_first() -> None:
    assert key_terms(Y2023) == frozenset({"2023", "48", "000"})
    assert key_terms("Water from Lake Varna reached Kelsing.") == frozenset(
        {"lake", "varna", "kelsing"}
    )
    assert key_terms("Water flows downhill.") == frozenset()
    assert key_terms("Mid2020s plans") == frozenset({"mid2020s"})


def test_the_two_district_years_share_most_words_but_are_different_facts() -> None:
    assert jaccard(word_set(Y2023), word_set(Y2024)) == pytest.approx(0.6)
    assert not is_near_duplicate(Y2024, [Y2023], 0.5)
    assert not is_near_duplicate(Y2023, [Y2024], 0.5)
    assert not repeats(Y2024, [Y2023], 0.5)
    assert not repeats(Y2023, [Y2024], 0.5)


def test_near_duplicate_needs_the_threshold_and_equal_key_terms() -> None:
    kept = ["the cat sat on the mat"]
    # word sets {the, cat, sat, on, mat} vs {the, cat, sat, on, rug}: 4 / 6
    assert is_near_duplicate("the cat sat on the rug", kept, 4 / 6)
    assert not is_near_duplicate("the cat sat on the rug", kept, 4 / 6 + 0.01)
    assert is_near_duplicate("the cat sat on the mat", kept, 1.0)
    assert not is_near_duplicate("the cat sat on the mat", [], 0.0)
    # Same words, a different name: not a duplicate.
    assert not is_near_duplicate("the cat sat on the Mat", kept, 0.5)
    # Any kept text may match, not only the first.
    assert is_near_duplicate("the cat sat on the mat", ["dogs bark", *kept], 0.9)


def test_near_duplicate_key_terms_must_be_equal_not_merely_contained() -> None:
    kept = ["the meeting in Oslo with Berit was long"]
    assert not is_near_duplicate("the meeting in Oslo was long", kept, 0.5)
    assert not is_near_duplicate("the meeting in Oslo with Berit was long", ["x"], 0.0)


def test_shared_run_finds_a_common_run_of_exactly_length_words() -> None:
    assert shared_run("a b c d e", "x b c d y", 3)
    assert not shared_run("a b c d e", "x b c y d", 3)
    assert shared_run("A, B; c", "a b c", 3)  # case and punctuation do not matter
    assert not shared_run("a b", "a b", 3)  # shorter than the run
    assert POLICY.refrain_words == 7


def test_repeats_by_word_overlap() -> None:
    assert repeats("the cat sat on the mat", ["the cat sat on the rug"], 0.6)
    assert not repeats("the cat sat on the mat", ["the cat sat on the rug"], 0.7)
    assert not repeats("the cat sat on the mat", [], 0.0)


def test_repeats_by_a_refrain_of_seven_words() -> None:
    assert jaccard(word_set(REFRAIN_A), word_set(REFRAIN_B)) < 0.6
    assert repeats(REFRAIN_A, [REFRAIN_B], 0.6)
    six = "one two three four five six alpha beta gamma"
    assert not repeats(six, ["one two three four five six omega psi chi"], 0.9)
    seven = "one two three four five six seven alpha beta"
    assert repeats(seven, ["one two three four five six seven omega psi"], 0.9)


def test_repeats_refuses_a_sentence_with_a_name_or_number_the_other_lacks() -> None:
    # Either side naming someone the other does not: two facts, never hidden.
    assert not repeats("the board met today", ["the board met today with Berit"], 0.6)
    assert repeats("the board met today", ["the board met today!"], 0.6)
    assert not repeats("the board met today with Berit", ["the board met today"], 0.6)
    assert not repeats(
        "one two three four five six seven in 1999", ["one two three four five six seven"], 0.1
    )


def test_the_pronoun_i_is_not_a_name() -> None:
    from assistant.retrieve.similarity import key_terms

    assert key_terms("Can I add a Pro array to my WS-3?") == {"pro", "ws", "3"}


def test_numbers_in_words_and_negations_are_facts() -> None:
    from assistant.retrieve.similarity import fact_terms, is_near_duplicate

    five = "Entry to the Corvin museum is five pounds."
    six = "Entry to the Corvin museum is six pounds."
    assert not is_near_duplicate(five, [six], 0.6)
    assert not repeats(five, [six], 0.6)
    closed = "The Mill Bridge is closed to lorries."
    for other in ("The Mill Bridge is no longer closed to lorries.",
                  "The Mill Bridge isn't closed to lorries."):  # fmt: skip
        assert not is_near_duplicate(closed, [other], 0.6)
        assert not repeats(closed, [other], 0.6)
        assert not repeats(other, [closed], 0.6)
    assert fact_terms("It isn't twice the size of Kelsing.") == {"not", "twice", "kelsing"}
    assert is_near_duplicate(closed, ["The Mill Bridge is closed to lorries!"], 0.6)


def test_the_reader_counts_only_quantities_as_new_facts() -> None:
    from assistant.retrieve.similarity import quantity_terms

    assert quantity_terms("Five boats and 12 crews, not more.") == {"five", "12"}


def test_a_sentence_exactly_at_the_threshold_repeats() -> None:
    # 2 shared words of 5: 0.4
    assert jaccard(word_set("red blue green"), word_set("red blue yellow orange")) == 0.4
    assert repeats("red blue green", ["red blue yellow orange"], 0.4)
    assert not repeats("red blue green", ["red blue yellow orange"], 0.41)
