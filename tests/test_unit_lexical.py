"""Fast unit tests of the lexical index's candidate rule (assistant/index/lexical.py): a term in
very many chunks does not pick candidates when the question has a rarer one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from assistant.index import follow, lexical
from assistant.index.lexical import LexicalIndex, candidate_terms
from assistant.index.manifest import FileEntry

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


def _indexed(path: Path, texts: dict[str, str]) -> LexicalIndex:
    index = LexicalIndex(path)
    entries = {
        f"{i}.txt": FileEntry(f"{i}.txt", f"h{i}", (chunk_id,), "complete")
        for i, chunk_id in enumerate(texts)
    }
    index.sync("g1", entries, lambda ids: {i: texts[i] for i in ids})
    return index


def test_damage_is_told_apart_from_a_busy_or_read_only_file(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3"
    _indexed(path, {"a": "The lighthouse keeper lights the lamp."}).close()
    with sqlite3.connect(path, isolation_level=None) as holder:
        holder.execute("BEGIN IMMEDIATE")  # another process writing
        busy = sqlite3.connect(path, timeout=0, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError) as locked:
            busy.execute("BEGIN IMMEDIATE")
        busy.close()
        holder.execute("ROLLBACK")
    assert not follow.is_damage(locked.value)
    path.write_bytes(b"not a database at all" * 300)
    with pytest.raises(sqlite3.DatabaseError) as garbage:
        LexicalIndex(path).generation  # noqa: B018
    assert follow.is_damage(garbage.value)
    assert follow.is_damage(sqlite3.DatabaseError("unknown lexical index version fts9"))
    assert not follow.is_damage(OSError("disk full"))


def test_a_rebuild_writes_over_the_same_file_that_others_have_open(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3"
    texts = {"a": "The lighthouse keeper lights the lamp.", "b": "Ferries ran until 1932."}
    other = _indexed(path, texts)  # another reader, its connection open
    assert [i for i, _ in other.search("ferries", 5)] == ["b"]
    inode = path.stat().st_ino
    entries = {"new.txt": FileEntry("new.txt", "h", ("c",), "complete")}
    LexicalIndex(path).rebuild("g2", entries, lambda ids: {"c": "Trams crossed from 1905."})
    assert path.stat().st_ino == inode
    assert other.generation == "g2"
    assert [i for i, _ in other.search("trams", 5)] == ["c"]
    assert other.search("ferries", 5) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "index.sqlite3", "index.sqlite3-shm", "index.sqlite3-wal"
    ]  # fmt: skip
    # A file that is no database at all is replaced.
    other.close()
    path.write_bytes(b"garbage" * 2000)
    LexicalIndex(path).rebuild("g3", entries, lambda ids: {"c": "Trams crossed from 1905."})
    assert [i for i, _ in LexicalIndex(path).search("trams", 5)] == ["c"]


def test_a_message_of_many_lines_is_summed_up_in_one() -> None:
    """SQLite's quick_check reports one problem a line, a hundred of them for 20 garbled
    pages: ``doctor`` shows the first two and how many more."""
    assert follow.one_line(ValueError("first\nsecond\n\nthird\nfourth")) == (
        "first; second (and 2 more)"
    )
    assert follow.one_line(ValueError("only")) == "only"
