"""Fast unit tests of the lexical index's candidate rule (assistant/lexical.py): a term in
very many chunks does not pick candidates when the question has a rarer one."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import lexical
from assistant.lexical import LexicalIndex, candidate_terms
from assistant.manifest import FileEntry

pytestmark = pytest.mark.unit


def test_common_terms_pick_no_candidates_when_a_rarer_term_does() -> None:
    # 100,000 chunks: common means in more than 5,000 (5%) of them.
    frequency = {"year": 29_000, "viaduct": 1, "north": 5_000, "river": 5_001}
    assert candidate_terms(["year", "viaduct", "north", "river"], frequency, 100_000) == [
        "viaduct",
        "north",
    ]
    # every term common: all of them
    assert candidate_terms(["year", "river"], frequency, 100_000) == ["year", "river"]
    # a term the index does not hold is rare
    assert candidate_terms(["year", "zeppelin"], frequency, 100_000) == ["zeppelin"]


def test_in_a_small_corpus_no_term_is_common() -> None:
    """Up to 2,000 chunks (every corpus of the evaluation suite) nothing is left out, however
    large a share of the chunks a term is in."""
    assert candidate_terms(["parade", "day"], {"parade": 2, "day": 2_000}, 2_000) == [
        "parade",
        "day",
    ]
    assert candidate_terms(["parade", "day"], {"parade": 2, "day": 2_001}, 10_000) == ["parade"]
    assert candidate_terms(["parade", "day"], {"parade": 2, "day": 2_500}, 60_000) == [
        "parade",
        "day",
    ]


def _index(tmp_path: Path, texts: dict[str, str]) -> LexicalIndex:
    index = LexicalIndex(tmp_path / "lexical.sqlite3")
    entry = FileEntry("doc.txt", "hash", tuple(texts))
    index.sync("generation-1", {"doc.txt": entry}, lambda ids: {i: texts[i] for i in ids})
    return index


def test_search_finds_candidates_by_the_rarer_terms_and_scores_them_with_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = {f"year-{n}": f"In the year {1900 + n} the mill was busy." for n in range(8)}
    texts["viaduct"] = "The viaduct was completed that year."
    texts["viaduct-only"] = "The viaduct has twelve arches."
    index = _index(tmp_path, texts)
    everything = index.search("What year was the viaduct completed?", 20)
    assert {chunk_id for chunk_id, _ in everything} == set(texts)
    # Make "year" (in 9 of 10 chunks) common: only chunks with the rarer terms are candidates,
    # and they are still scored with "year" too.
    monkeypatch.setattr(lexical, "COMMON_DOCS", 3)
    monkeypatch.setattr(lexical, "COMMON_SHARE", 0.5)
    found = index.search("What year was the viaduct completed?", 20)
    assert [chunk_id for chunk_id, _ in found] == ["viaduct", "viaduct-only"]
    assert dict(found)["viaduct"] == pytest.approx(dict(everything)["viaduct"])
    # a question with only the common term still finds its chunks
    assert len(index.search("Which year?", 20)) == 9


def test_tokens_are_stemmed_and_leave_out_stop_and_question_words() -> None:
    assert lexical.tokenize("Who attended the parades in Red Square, and did they march?") == [
        "attend", "parad", "red", "squar", "march",
    ]  # fmt: skip
    assert lexical.tokenize("There is no such thing as THE parade") == ["thing", "parad"]
    assert lexical.tokenize("") == []
