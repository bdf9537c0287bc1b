"""The word lists, label maps and thresholds of the answer policy, each defined once
(assistant/language/lexicon.py, assistant/language/labels.py, assistant/policy.py)."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

from assistant.answer import answer_types
from assistant.language import labels, lexicon
from assistant.policy import POLICY, Policy

ROOT = Path(__file__).resolve().parents[1]


def _words(pattern: str, text: str) -> list[str]:
    return [m.group(0).lower() for m in re.finditer(rf"\b(?:{pattern})\b", text, re.IGNORECASE)]


@pytest.mark.unit
def test_the_number_lists_share_their_words_and_keep_their_own_ends() -> None:
    text = "zero, two hundreds, forty, several, both, half, first, twice"
    assert _words(lexicon.SPELT_FIGURE, text) == ["two", "forty"]  # a figure to show
    assert _words(lexicon.COUNT_WORDS, text) == ["two", "hundreds", "forty", "several", "both",
                                                 "half"]  # fmt: skip
    assert _words(lexicon.QUANTITY_WORDS, text) == ["zero", "two", "hundreds", "forty", "half",
                                                    "first", "twice"]  # fmt: skip
    assert all(word in lexicon.NUMBER_WORDS for word in ("zero", "twelve", "twenty"))


@pytest.mark.unit
def test_the_negation_lists_say_what_each_is_for() -> None:
    clause = "North Korea declined, and Kim did not go; it no longer sends one"
    assert re.search(lexicon.NEGATION_CUES, "they declined", re.IGNORECASE)
    assert not re.search(lexicon.NEGATION_WORDS, "they declined", re.IGNORECASE)
    assert re.search(lexicon.NEGATION_WORDS, clause, re.IGNORECASE)
    assert re.search(lexicon.DENIED_BEFORE, "sent an envoy, not ", re.IGNORECASE)
    assert not re.search(lexicon.DENIED_BEFORE, "sent not an envoy but ", re.IGNORECASE)


@pytest.mark.unit
def test_answer_type_has_one_home_and_its_old_name_still_works() -> None:
    assert answer_types.AnswerType is labels.AnswerType
    items: frozenset[str] = frozenset().union(*labels.ITEM_LABELS.values())
    assert items <= labels.ANY_ITEM
    assert next(iter(labels.HEAD_NOUNS)) is labels.AnswerType.DATE  # the first kind that holds
    # a noun wins, so the order counts


@pytest.mark.unit
def test_the_policy_is_frozen_and_documents_every_field() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        POLICY.list_margin = 1.0  # type: ignore[misc]
    assert Policy() == POLICY
    lines = (ROOT / "assistant" / "policy.py").read_text(encoding="utf-8").splitlines()
    tree = ast.parse("\n".join(lines))
    policy = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Policy")
    fields = [n for n in policy.body if isinstance(n, ast.AnnAssign)]
    assert len(fields) == len(dataclasses.fields(Policy))
    for field in fields:
        assert lines[field.lineno - 2].strip().startswith("#"), ast.unparse(field.target)


@pytest.mark.unit
def test_the_readers_defaults_are_the_policys() -> None:
    from assistant.answer.reader import ExtractiveReader

    reader = ExtractiveReader(delta=1.0, max_sentences=2)
    assert (reader.list_margin, reader.reach_margin) == (POLICY.list_margin, POLICY.reach_margin)
    assert (reader.list_sentences, reader.list_chars) == (
        POLICY.list_sentences,
        POLICY.list_chars,
    )
