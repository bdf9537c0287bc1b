"""Unit tests of the lexical index's upkeep (assistant/index/lexical_upkeep.py) over the real
SQLite index and a store of records kept in memory: caught up only when the generation moves,
rebuilt from the store's texts when the file is damaged (once, whichever thread meets it), and
a one-line error for what a rebuild cannot fix."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import StoreError
from assistant.index.lexical import LexicalIndex
from assistant.index.lexical_upkeep import LexicalUpkeep
from assistant.index.manifest import FileEntry

pytestmark = pytest.mark.unit

TEXTS = {
    "h1": "The harbour opened in May.",
    "h2": "A ferry crosses twice a day.",
    "m1": "The market sells fish.",
}


class Records:
    """What the upkeep reads of a store: its generation, file records and chunk texts (each
    read logged; ``fail`` makes the next read of one raise)."""

    def __init__(self) -> None:
        self.gen = "g1"
        self.files = {
            "harbour.txt": FileEntry("harbour.txt", "h", ("h1", "h2")),
            "market.txt": FileEntry("market.txt", "m", ("m1",)),
        }
        self.reads: list[str] = []
        self.fail: dict[str, BaseException] = {}

    def _read(self, what: str) -> None:
        self.reads.append(what)
        if what in self.fail:
            raise self.fail.pop(what)

    def generation(self) -> str:
        self._read("generation")
        return self.gen

    def entries(self) -> Mapping[str, FileEntry]:
        self._read("entries")
        return dict(self.files)

    def texts(self, ids: Sequence[str]) -> dict[str, str]:
        self._read("texts")
        return {i: TEXTS[i] for i in ids if i in TEXTS}


@pytest.fixture
def records() -> Records:
    return Records()


@pytest.fixture
def upkeep(tmp_path: Path, records: Records) -> LexicalUpkeep:
    return LexicalUpkeep(
        tmp_path / "lexical" / "docs.sqlite3",
        local_dir=tmp_path,
        generation=records.generation,
        entries=records.entries,
        texts=records.texts,
    )


def ids(hits: list[tuple[str, float]]) -> list[str]:
    return [chunk_id for chunk_id, _ in hits]


def garble(path: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(b"not a database at all " * 200)


def test_the_index_catches_up_only_when_the_generation_moves(
    upkeep: LexicalUpkeep, records: Records
) -> None:
    index = upkeep.current()
    assert index.generation == "g1"
    assert index.sources().keys() == {"harbour.txt", "market.txt"}
    assert records.reads == ["generation", "entries", "texts", "texts"]
    records.reads.clear()
    assert upkeep.current() is index
    assert records.reads == ["generation"]  # one cheap check
    # A new generation with the records given: they are not read back.
    records.gen = "g2"
    records.reads.clear()
    upkeep.current({"market.txt": records.files["market.txt"]})
    assert records.reads == ["generation"]
    assert index.sources().keys() == {"market.txt"}
    assert index.generation == "g2"
    assert upkeep.rebuilds == 0


def test_search_ranks_the_chunks_of_the_current_records(
    upkeep: LexicalUpkeep, records: Records
) -> None:
    assert set(ids(upkeep.search("ferry harbour", 5))) == {"h1", "h2"}
    assert ids(upkeep.search("fish", 5)) == ["m1"]
    assert len(upkeep.search("fish ferry harbour", 2)) == 2  # k of them
    del records.files["market.txt"]
    records.gen = "g2"
    assert upkeep.search("fish", 5) == []


def test_opening_tidies_the_folders_of_the_index_it_replaced(
    upkeep: LexicalUpkeep, tmp_path: Path
) -> None:
    for old in ("bm25", "bm25-remote"):
        (tmp_path / old).mkdir()
        (tmp_path / old / "data.npz").write_bytes(b"old")
    (tmp_path / "keep").mkdir()
    index = upkeep.opened()
    assert upkeep.opened() is index
    assert not (tmp_path / "bm25").exists()
    assert not (tmp_path / "bm25-remote").exists()
    assert (tmp_path / "keep").exists()
    assert index.path == upkeep.path


def test_close_lets_go_of_the_index(upkeep: LexicalUpkeep) -> None:
    upkeep.close()  # nothing open: nothing to do
    first = upkeep.current()
    upkeep.close()
    assert upkeep.index is None
    assert upkeep.current() is not first


def test_a_damaged_file_is_rebuilt_from_the_store_once(
    upkeep: LexicalUpkeep, records: Records, caplog: pytest.LogCaptureFixture
) -> None:
    upkeep.current()
    upkeep.close()
    garble(upkeep.path)
    with pytest.raises(sqlite3.DatabaseError):
        upkeep.current(repair=False)  # as doctor wants it: the error itself
    assert upkeep.rebuilds == 0
    upkeep.close()
    with caplog.at_level(logging.WARNING, logger="assistant.index.lexical_upkeep"):
        index = upkeep.current()
    assert upkeep.rebuilds == 1
    assert [r.getMessage() for r in caplog.records] == [
        f"lexical index {upkeep.path} is damaged (file is not a database): rebuilding it from"
        " the store"
    ]
    assert index.generation == "g1"
    assert ids(upkeep.search("fish", 5)) == ["m1"]


def test_a_rebuild_uses_the_records_given(upkeep: LexicalUpkeep, records: Records) -> None:
    upkeep.current()
    upkeep.close()
    garble(upkeep.path)
    records.gen = "g2"
    given = {"harbour.txt": records.files["harbour.txt"]}
    records.reads.clear()
    index = upkeep.current(given)
    assert "entries" not in records.reads
    assert index.sources().keys() == {"harbour.txt"}


def test_a_rebuild_another_thread_made_since_is_enough(
    upkeep: LexicalUpkeep, records: Records
) -> None:
    upkeep.rebuild(None)
    assert upkeep.rebuilds == 1
    records.reads.clear()
    damage = sqlite3.DatabaseError("database disk image is malformed")
    index = upkeep.rebuild(damage, since=0)  # met before the rebuild above
    assert records.reads == []
    assert upkeep.rebuilds == 1
    assert index is upkeep.index
    upkeep.rebuild(damage, since=1)  # met after it: rebuilt again
    assert upkeep.rebuilds == 2
    assert "texts" in records.reads


def test_asked_to_rebuild_it_logs_nothing(
    upkeep: LexicalUpkeep, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="assistant.index.lexical_upkeep"):
        index = upkeep.rebuild(None)
    assert caplog.records == []
    assert index.generation == "g1"
    assert index.sources().keys() == {"harbour.txt", "market.txt"}


def test_an_error_that_is_not_damage_is_one_line_and_rebuilds_nothing(
    upkeep: LexicalUpkeep, records: Records
) -> None:
    records.fail["entries"] = OSError("disk full\nsecond line")
    with pytest.raises(StoreError) as caught:
        upkeep.current()
    assert str(caught.value) == (
        f"Cannot use the lexical index at {upkeep.path}: disk full; second line."
    )
    assert upkeep.rebuilds == 0
    records.fail["entries"] = sqlite3.OperationalError("database is locked")
    with pytest.raises(
        StoreError, match=r"Cannot use the lexical index at .*: database is locked\."
    ):
        upkeep.current()


def test_a_rebuild_that_fails_is_one_line(upkeep: LexicalUpkeep, records: Records) -> None:
    upkeep.current()
    upkeep.close()
    garble(upkeep.path)
    records.gen = "g2"
    records.fail["texts"] = sqlite3.DatabaseError("disk I/O error")
    with pytest.raises(StoreError) as caught:
        upkeep.current()
    assert str(caught.value) == (
        f"The lexical index at {upkeep.path} is damaged (file is not a database) and could not"
        " be rebuilt: disk I/O error."
    )
    assert upkeep.rebuilds == 0
    records.fail["texts"] = OSError("no space left")
    with pytest.raises(StoreError) as caught:
        upkeep.rebuild(None)
    assert str(caught.value) == (
        f"The lexical index at {upkeep.path} is damaged and could not be rebuilt: no space left."
    )


class FlakySearch(LexicalIndex):
    """A lexical index whose file is damaged where only a search reads (``searches`` of them
    fail; -1: every one)."""

    failing = 1

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        if self.failing:
            self.failing -= 1
            raise sqlite3.DatabaseError("database disk image is malformed")
        return super().search(query, k)


def test_damage_met_by_a_search_is_rebuilt_and_the_search_tried_again(
    upkeep: LexicalUpkeep, records: Records, caplog: pytest.LogCaptureFixture
) -> None:
    upkeep.index = FlakySearch(upkeep.path)
    with caplog.at_level(logging.WARNING, logger="assistant.index.lexical_upkeep"):
        assert ids(upkeep.search("fish", 5)) == ["m1"]
    assert upkeep.rebuilds == 1
    assert [r.getMessage() for r in caplog.records] == [
        f"lexical index {upkeep.path} is damaged (database disk image is malformed): rebuilding"
        " it from the store"
    ]


class RebuiltMeanwhile(LexicalIndex):
    """A lexical index whose first search meets damage that another thread has rebuilt
    meanwhile (its rebuild done before this search raises)."""

    upkeep: LexicalUpkeep | None = None

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        if self.upkeep is not None:
            upkeep, self.upkeep = self.upkeep, None
            upkeep.rebuild(None)  # the other thread's
            raise sqlite3.DatabaseError("database disk image is malformed")
        return super().search(query, k)


def test_damage_another_thread_rebuilt_meanwhile_is_not_rebuilt_again(
    upkeep: LexicalUpkeep, records: Records
) -> None:
    index = RebuiltMeanwhile(upkeep.path)
    index.upkeep = upkeep
    upkeep.index = index
    assert ids(upkeep.search("fish", 5)) == ["m1"]
    assert upkeep.rebuilds == 1  # the other thread's only


def test_a_search_that_fails_after_the_rebuild_is_one_line(upkeep: LexicalUpkeep) -> None:
    flaky = FlakySearch(upkeep.path)
    flaky.failing = -1
    upkeep.index = flaky
    with pytest.raises(StoreError) as caught:
        upkeep.search("fish", 5)
    assert str(caught.value) == (
        f"The lexical index at {upkeep.path} is unreadable even after rebuilding it"
        " (database disk image is malformed)."
    )
    assert upkeep.rebuilds == 1


def test_empty_leaves_an_index_that_catches_up_next(
    upkeep: LexicalUpkeep, records: Records
) -> None:
    upkeep.current()
    records.reads.clear()
    upkeep.empty()
    assert records.reads == []  # nothing of the store read
    assert LexicalIndex(upkeep.path).sources() == {}
    assert ids(upkeep.search("fish", 5)) == ["m1"]  # caught up with the records


def test_an_index_that_cannot_be_written_says_so(tmp_path: Path, records: Records) -> None:
    (tmp_path / "lexical").write_text("a file where the folder should be")
    upkeep = LexicalUpkeep(
        tmp_path / "lexical" / "docs.sqlite3",
        local_dir=tmp_path,
        generation=records.generation,
        entries=records.entries,
        texts=records.texts,
    )
    with pytest.raises(StoreError) as caught:
        upkeep.empty()
    assert re.fullmatch(
        rf"Cannot write the lexical index at {re.escape(str(upkeep.path))}: \[Errno \d+\] .*\.",
        str(caught.value),
    )


class SyncRebuiltMeanwhile(LexicalIndex):
    """A lexical index whose first catch-up meets damage that another thread has rebuilt
    meanwhile."""

    upkeep: LexicalUpkeep | None = None

    def sync(self, *args: Any, **kwargs: Any) -> Any:
        if self.upkeep is not None:
            upkeep, self.upkeep = self.upkeep, None
            upkeep.rebuild(None)  # the other thread's
            raise sqlite3.DatabaseError("database disk image is malformed")
        return super().sync(*args, **kwargs)


def test_damage_met_catching_up_that_another_thread_rebuilt_is_not_rebuilt_again(
    upkeep: LexicalUpkeep, records: Records
) -> None:
    index = SyncRebuiltMeanwhile(upkeep.path)
    index.upkeep = upkeep
    upkeep.index = index
    assert upkeep.current() is index
    assert upkeep.rebuilds == 1  # the other thread's only
    assert ids(upkeep.search("fish", 5)) == ["m1"]
