"""A damaged store: one clear line (never a traceback or a crash), and `doctor` says what is
wrong and what repairs it. A real Chroma store large enough (1,500 chunks) that its vector
index lives in HNSW files; the word-hashing embedder of tests/crash_ingest.py."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.errors import StoreError
from tests.crash_ingest import assistant_for

ROOT = Path(__file__).resolve().parents[1]
WORDS = [
    "harbour",
    "pier",
    "crane",
    "ship",
    "cargo",
    "rain",
    "wind",
    "station",
    "sensor",
    "battery",
    "river",
    "bridge",
    "market",
    "council",
    "school",
    "library",
    "orchard",
    "mill",
    "quarry",
    "ferry",
]


def _write_corpus(folder: Path) -> Path:
    rng = random.Random(7)
    folder.mkdir()
    for f in range(150):
        paragraphs = [
            " ".join(
                " ".join(rng.choice(WORDS) for _ in range(8)).capitalize()
                + f" code {f * 100 + p * 10 + s}."
                for s in range(5)
            )
            for p in range(10)
        ]
        (folder / f"doc{f:03d}.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    (folder / "zz-lighthouse.txt").write_text(
        "The lighthouse keeper is Isobel Marr. She lights the lamp at dusk.", encoding="utf-8"
    )
    return folder


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("damage")
    corpus = _write_corpus(root / "corpus")
    store = root / "store"
    assistant_for(store).ingest([corpus])
    return store, corpus


@pytest.fixture
def store(pristine: tuple[Path, Path], tmp_path: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(pristine[0], copy)
    return copy


def _segment(store: Path) -> Path:
    """The HNSW folder of the chunks' collection (the larger of the two)."""
    folders = [p for p in store.iterdir() if (p / "data_level0.bin").is_file()]
    return max(folders, key=lambda p: (p / "data_level0.bin").stat().st_size)


def _garble(path: Path, offset: int, size: int) -> None:
    with path.open("r+b") as handle:
        handle.seek(offset)
        handle.write(random.Random(1).randbytes(size))


def truncate_database(store: Path) -> None:
    db = store / "chroma.sqlite3"
    os.truncate(db, db.stat().st_size // 2)


def garble_database(store: Path) -> None:
    db = store / "chroma.sqlite3"
    _garble(db, 4096, db.stat().st_size // 2)


def garble_vectors(store: Path) -> None:
    _garble(_segment(store) / "data_level0.bin", 1000, 200_000)


def truncate_vectors(store: Path) -> None:
    os.truncate(_segment(store) / "data_level0.bin", 100_000)


def garble_header(store: Path) -> None:
    _garble(_segment(store) / "header.bin", 0, 100)


def delete_segment(store: Path) -> None:
    shutil.rmtree(_segment(store))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated database": truncate_database,
    "garbled database": garble_database,
    "garbled vectors": garble_vectors,
    "truncated vectors": truncate_vectors,
    "garbled index header": garble_header,
    "deleted index folder": delete_segment,
}


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_database_or_index_is_one_clear_error_and_doctor_names_the_repair(
    store: Path, damage: str
) -> None:
    DAMAGE[damage](store)
    with pytest.raises(StoreError, match=r"ingest --rebuild"):
        assistant_for(store).ask("Who is the lighthouse keeper?")
    doctor = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "--store", str(store), "doctor"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert doctor.returncode == 1
    assert "Traceback" not in doctor.stderr + doctor.stdout
    assert doctor.stdout.startswith("DAMAGED  database and vector index:")
    assert "assistant ingest --rebuild CORPUS" in doctor.stdout


@pytest.mark.integration
def test_a_crashing_index_never_takes_the_process_down(store: Path) -> None:
    """The case that used to be a segmentation fault (rc 139) in `assistant ask`."""
    garble_vectors(store)
    run = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "--store", str(store), "ask", "Who keeps it?"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        f"error: The vector store at {store} is damaged: the vector index crashed Chroma"
        " (signal 11). Run 'assistant ingest --rebuild CORPUS' to rebuild it from your documents."
    ]


@pytest.mark.integration
@pytest.mark.slow
def test_ingest_rebuild_moves_a_damaged_store_aside_and_starts_again(
    store: Path, pristine: tuple[Path, Path]
) -> None:
    garble_database(store)
    bot = assistant_for(store)
    report = bot.ingest([pristine[1]], rebuild=True)
    assert report.added == report.unchanged + report.added > 1500
    assert (store.parent / "store.damaged-1" / "chroma.sqlite3").is_file()
    answer = assistant_for(store).ask("Who is the lighthouse keeper?")
    assert "Isobel Marr" in answer.text
    assert all(f.ok for f in assistant_for(store).diagnose())


@pytest.mark.integration
def test_a_lexical_row_under_the_wrong_id_is_found_and_repaired(store: Path) -> None:
    """Today's form of the issue's reordered ids.json: words of one chunk filed under
    another's id."""
    bot = assistant_for(store)
    keeper = bot.store.bm25_search("lighthouse keeper Isobel Marr", 1)[0].chunk_id
    other = next(i for i in bot.store.lexical().ids() if i != keeper)
    bot.store.lexical().close()
    with sqlite3.connect(bot.store.lexical_path) as db:
        rows = dict(
            db.execute(
                "SELECT chunk.id, chunk.rowid FROM chunk WHERE chunk.id IN (?, ?)", (keeper, other)
            ).fetchall()
        )
        db.execute("UPDATE chunk SET id = 'swap' WHERE rowid = ?", (rows[keeper],))
        db.execute("UPDATE chunk SET id = ? WHERE rowid = ?", (keeper, rows[other]))
        db.execute("UPDATE chunk SET id = ? WHERE rowid = ?", (other, rows[keeper]))
    findings = {f.check: f for f in assistant_for(store).diagnose()}
    assert not findings["lexical index"].ok
    assert "indexed under the words of another text" in findings["lexical index"].detail
    assert findings["lexical index"].repair == "assistant doctor --repair"
    assert assistant_for(store).repair() == ["rebuilt the lexical index"]
    healed = assistant_for(store)
    assert all(f.ok for f in healed.diagnose())
    assert healed.store.bm25_search("lighthouse keeper Isobel Marr", 1)[0].chunk_id == keeper


@pytest.mark.integration
def test_a_file_missing_chunks_is_found_and_redone_by_the_next_ingest(
    store: Path, pristine: tuple[Path, Path]
) -> None:
    bot = assistant_for(store)
    entry = bot.store.entries()["doc007.txt"]
    bot.store.delete(list(entry.chunk_ids[:4]))
    findings = {f.check: f for f in assistant_for(store).diagnose()}
    assert not findings["files"].ok
    assert findings["files"].detail == "doc007.txt: 4 of its 10 chunks are missing"
    assert assistant_for(store).repair() == [
        "marked 1 file(s) to be redone: run 'assistant ingest CORPUS'"
    ]
    report = assistant_for(store).ingest([pristine[1]])
    assert report.added == 4
    assert all(f.ok for f in assistant_for(store).diagnose())


@pytest.mark.integration
@pytest.mark.parametrize("damage", ["deleted", "garbled"])
def test_a_damaged_lexical_index_is_rebuilt_on_open(store: Path, damage: str) -> None:
    path = store / "lexical" / "briefings.sqlite3"
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    if damage == "deleted":
        path.unlink()
    else:
        _garble(path, 0, path.stat().st_size)
    answer = assistant_for(store).ask("Who is the lighthouse keeper?")
    assert "Isobel Marr" in answer.text


@pytest.mark.integration
def test_an_ingest_of_every_document_rebuilds_a_damaged_index_by_itself(
    store: Path, pristine: tuple[Path, Path], tmp_path: Path
) -> None:
    """What a kill -9 during Chroma's own index write can leave: the next plain ingest of the
    whole corpus repairs it; an ingest of only some documents refuses (it would lose the rest)."""
    garble_vectors(store)
    some = tmp_path / "some"
    some.mkdir()
    shutil.copy(pristine[1] / "zz-lighthouse.txt", some)
    with pytest.raises(StoreError, match=r"ingest --rebuild"):
        assistant_for(store).ingest([some])
    report = assistant_for(store).ingest([pristine[1]])
    assert report.added > 1500
    assert "Isobel Marr" in assistant_for(store).ask("Who is the lighthouse keeper?").text


@pytest.mark.integration
def test_an_unchanged_whole_corpus_still_rebuilds_a_damaged_index(
    store: Path, pristine: tuple[Path, Path]
) -> None:
    """Nothing changed, so the ingest looks at the file records alone first (without opening
    Chroma's client): the store's check must still send it the usual way, which rebuilds."""
    garble_vectors(store)
    report = assistant_for(store).ingest([pristine[1]])
    assert report.added > 1500
    assert report.unchanged == 0


@pytest.mark.integration
def test_rows_missing_from_the_lexical_index_are_found_and_repaired(store: Path) -> None:
    bot = assistant_for(store)
    keeper = bot.store.bm25_search("lighthouse keeper Isobel Marr", 1)[0].chunk_id
    bot.store.lexical().close()
    with sqlite3.connect(bot.store.lexical_path) as db:
        rowid = db.execute("SELECT rowid FROM chunk WHERE id = ?", (keeper,)).fetchone()[0]
        db.execute("DELETE FROM fts WHERE rowid = ?", (rowid,))
        db.execute("DELETE FROM chunk WHERE rowid = ?", (rowid,))
    findings = {f.check: f for f in assistant_for(store).diagnose()}
    assert not findings["lexical index"].ok
    assert assistant_for(store).repair() == ["rebuilt the lexical index"]
    assert assistant_for(store).store.bm25_search("lighthouse keeper Isobel Marr", 1)


@pytest.mark.integration
def test_index_files_that_do_not_match_their_header_are_found_without_opening_them(
    store: Path,
) -> None:
    from assistant.index.probe import files_problem

    assert files_problem(store, settle=0) is None
    truncate_vectors(store)
    problem = files_problem(store, settle=0)
    assert problem is not None
    assert "shorter than their header says" in problem


def _probes_of(store: Path) -> list[str]:
    """Command lines of running store checks on ``store``."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"assistant.index.probe" in args and str(store).encode() in args:
            found.append(" ".join(a.decode(errors="replace") for a in args))
    return found


def _cli(store: Path, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", "--store", str(store), *args],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.mark.integration
def test_a_command_that_fails_after_the_check_began_leaves_no_check_running(
    store: Path,
) -> None:
    """The CLI starts the store's check first; a command refused after that (an answer mode
    without its server, a corpus that is not there) waits for it before it exits."""
    for args in (("ask", "--mode", "llm", "Who keeps it?"), ("ingest", "/no/such/folder")):
        run = _cli(store, *args)
        assert run.returncode == 1
        assert len(run.stderr.strip().splitlines()) == 1, run.stderr
        assert _probes_of(store) == []


@pytest.mark.integration
def test_eval_on_a_damaged_store_is_one_line_before_any_progress(
    store: Path, tmp_path: Path
) -> None:
    qa = tmp_path / "qa.jsonl"
    qa.write_text(
        '{"id": "keeper", "question": "Who is the lighthouse keeper?",'
        ' "answers": ["Isobel Marr"], "answerable": true}\n',
        encoding="utf-8",
    )
    garble_vectors(store)
    run = _cli(store, "eval", str(qa))
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        f"error: The vector store at {store} is damaged: the vector index crashed Chroma"
        " (signal 11). Run 'assistant ingest --rebuild CORPUS' to rebuild it from your documents."
    ]


@pytest.mark.integration
def test_doctor_on_a_missing_store_says_to_ingest_not_to_rebuild(tmp_path: Path) -> None:
    run = _cli(tmp_path / "nothing-here", "doctor")
    assert run.returncode == 1
    assert run.stdout.strip().endswith("→ run 'assistant ingest CORPUS'")
    assert "--rebuild" not in run.stdout


@pytest.mark.unit
def test_a_store_chroma_may_not_write_is_read_only_not_damaged(tmp_path: Path) -> None:
    """Chroma writes to its files even to answer; a read-only store is not damage, and the
    repair is not a rebuild. (Root ignores file modes, so Chroma's own message is used.)"""
    from assistant.errors import DamagedStoreError, ReadOnlyStoreError
    from assistant.index.chroma_client import read_only
    from assistant.index.store import ChunkStore

    message = "error returned from database: (code: 8) attempt to write a readonly database"
    assert read_only(message)
    assert read_only("[Errno 30] Read-only file system: 'store/chroma.sqlite3'")
    assert not read_only("database disk image is malformed")
    store = ChunkStore(tmp_path / "store", collection="briefings")
    error = store.damaged(RuntimeError(message))
    assert isinstance(error, ReadOnlyStoreError)
    assert not isinstance(error, DamagedStoreError)
    assert "is read-only" in str(error)
    assert "--rebuild" not in str(error)
    assert "--rebuild" in str(store.damaged(RuntimeError("database disk image is malformed")))


# --- a lexical index whose pages are garbled: the file opens, a search fails --------------


def garble_lexical_pages(path: Path) -> int:
    """Random bytes over every page of the FTS5 index's data (its ``fts_data`` table), the
    file checkpointed first: the header, the schema and the small tables stay readable, so
    the file opens and the damage shows only when a search reads the index. Returns the
    number of pages garbled."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = db.execute("PRAGMA page_size").fetchone()[0]
        pages = [p for (p,) in db.execute("SELECT pageno FROM dbstat WHERE name = 'fts_data'")]
    rng = random.Random(3)
    with path.open("r+b") as handle:
        for page in pages:
            handle.seek((page - 1) * size)
            handle.write(rng.randbytes(size))
    return len(pages)


def garble_random_pages(path: Path, seed: int, count: int = 20) -> None:
    """Random bytes over ``count`` random pages of the file, its first page kept (as the
    issue's probe did: the file still opens)."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = db.execute("PRAGMA page_size").fetchone()[0]
    rng = random.Random(seed)
    with path.open("r+b") as handle:
        for page in rng.sample(range(1, path.stat().st_size // size), count):
            handle.seek(page * size)
            handle.write(rng.randbytes(size))


@pytest.mark.integration
def test_a_lexical_index_garbled_in_its_pages_is_rebuilt_by_the_question(store: Path) -> None:
    path = store / "lexical" / "briefings.sqlite3"
    assert garble_lexical_pages(path) >= 20
    answer = assistant_for(store).ask("Who is the lighthouse keeper?")
    assert "Isobel Marr" in answer.text
    assert all(f.ok for f in assistant_for(store).diagnose())


@pytest.mark.integration
@pytest.mark.parametrize("damage", ["index pages", "random pages 2", "random pages 7", "header"])
def test_doctor_names_a_garbled_lexical_index_in_one_line_and_repair_says_it_once(
    store: Path, damage: str
) -> None:
    """``doctor`` reports what it finds (it does not rebuild on its way, as a question
    does); ``--repair`` rebuilds."""
    path = store / "lexical" / "briefings.sqlite3"
    if damage == "index pages":
        garble_lexical_pages(path)
    elif damage == "header":
        garble_random_pages(path, 1, count=0)  # checkpointed: all in the file
        _garble(path, 0, 100)
    else:
        garble_random_pages(path, int(damage.split()[-1]))
    found = _cli(store, "doctor")
    assert found.returncode == 1
    lines = found.stdout.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "ok       database and vector index", "ok       files", "DAMAGED  lexical index",
        "ok       sentence index",
    ]  # fmt: skip
    assert lines[2].endswith("→ run 'assistant doctor --repair'")
    repaired = _cli(store, "doctor", "--repair")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "Traceback" not in repaired.stderr
    out = repaired.stdout.strip().splitlines()
    assert out[:4] == lines
    assert [line for line in out if "DAMAGED" in line] == [lines[2]]
    assert out[4:] == ["repaired: rebuilt the lexical index"]
    assert _cli(store, "doctor").returncode == 0


_HOLDER = """
import sys
from pathlib import Path
from tests.crash_ingest import assistant_for

bot = assistant_for(Path(sys.argv[1]))
for line in sys.stdin:
    print(bot.ask(line.strip()).text, flush=True)
"""


@pytest.mark.integration
def test_a_process_holding_the_index_open_answers_after_another_rebuilt_it(store: Path) -> None:
    """Two processes share the lexical file: the one that meets the damage rebuilds it in
    place (SQLite's backup API), and the other, its connection open all along, reads the
    rebuilt index (not a file that is gone); then the other way round."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(store)],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert holder.stdin is not None
    assert holder.stdout is not None
    try:

        def held(question: str) -> str:
            holder.stdin.write(question + "\n")
            holder.stdin.flush()
            return holder.stdout.readline()

        assert "Isobel Marr" in held("Who is the lighthouse keeper?")
        path = store / "lexical" / "briefings.sqlite3"
        garble_lexical_pages(path)
        inode = path.stat().st_ino
        assert "Isobel Marr" in assistant_for(store).ask("Who is the lighthouse keeper?").text
        assert path.stat().st_ino == inode  # the same file, rebuilt: no one is left behind
        assert "Isobel Marr" in held("Who is the keeper of the lighthouse?")
        garble_lexical_pages(path)
        assert "Isobel Marr" in held("Who is the lighthouse keeper?")  # the holder rebuilds
        assert "Isobel Marr" in assistant_for(store).ask("Who keeps the lighthouse?").text
        assert all(f.ok for f in assistant_for(store).diagnose())
    finally:
        _, err = holder.communicate(timeout=120)  # closes its input: it ends
    assert holder.returncode == 0, err
    assert "Traceback" not in err


def _garble_file_header(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.write(bytes(range(7, 107)))  # no longer an SQLite file at all


@pytest.mark.integration
@pytest.mark.parametrize("garble", [garble_lexical_pages, _garble_file_header])
def test_ask_on_a_garbled_lexical_index_answers_without_a_traceback(
    briefing_store: Path, tmp_path: Path, garble: Callable[[Path], None]
) -> None:
    """The CLI with the real models, on a real store."""
    copy = tmp_path / "store"
    shutil.copytree(briefing_store, copy)
    garble(copy / "lexical" / "briefings.sqlite3")
    run = _cli(copy, "ask", "Who attended the parade?")
    assert run.returncode == 0, run.stderr
    assert "Xi Jinping" in run.stdout
    assert "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) <= 1, run.stderr  # the rebuild, in one line


@pytest.mark.integration
@pytest.mark.parametrize("damage", ["truncated vectors", "garbled index header"])
def test_a_store_rebuilt_after_index_damage_answers_though_the_old_folder_stays(
    store: Path, pristine: tuple[Path, Path], damage: str
) -> None:
    """Chroma leaves a damaged segment's folder behind when the collection is dropped: the
    index check reads only the folders of the segments the database lists."""
    DAMAGE[damage](store)
    stale = _segment(store).name
    assistant_for(store).ingest([pristine[1]], rebuild=True)
    assert (store / stale).is_dir()  # still there, no longer a segment of the store
    run = _cli(store, "doctor")
    assert run.returncode == 0, run.stdout
    assert "Isobel Marr" in assistant_for(store).ask("Who is the lighthouse keeper?").text


# --- the sentence index (what reader's questions read), damaged the same ways --------------


def garble_sentence_pages(path: Path) -> int:
    """Random bytes over every page of the sentence index's sentences and mentions (the file
    checkpointed first; its header and schema stay readable). Returns the pages garbled."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = db.execute("PRAGMA page_size").fetchone()[0]
        pages = [
            p
            for (p,) in db.execute(
                "SELECT pageno FROM dbstat WHERE name IN ('sentence', 'mention')"
            )
        ]
    rng = random.Random(5)
    with path.open("r+b") as handle:
        for page in pages:
            handle.seek((page - 1) * size)
            handle.write(rng.randbytes(size))
    return len(pages)


@pytest.mark.integration
def test_a_garbled_sentence_index_is_rebuilt_by_the_read_that_meets_it(store: Path) -> None:
    path = store / "sentences" / "briefings.sqlite3"
    assert garble_sentence_pages(path) >= 20
    inode = path.stat().st_ino
    sentences = assistant_for(store).library.sentences("zz-lighthouse.txt")
    assert [s.text for s in sentences] == [
        "The lighthouse keeper is Isobel Marr.", "She lights the lamp at dusk."
    ]  # fmt: skip
    assert path.stat().st_ino == inode  # rebuilt in place: a server reading it follows
    assert all(f.ok for f in assistant_for(store).diagnose())


@pytest.mark.integration
@pytest.mark.parametrize("damage", ["pages", "header"])
def test_doctor_names_a_damaged_sentence_index_and_repair_rebuilds_it(
    store: Path, damage: str
) -> None:
    path = store / "sentences" / "briefings.sqlite3"
    if damage == "pages":
        garble_sentence_pages(path)
    else:
        garble_random_pages(path, 1, count=0)  # checkpointed
        _garble(path, 0, 100)
    found = _cli(store, "doctor")
    assert found.returncode == 1
    lines = found.stdout.strip().splitlines()
    assert lines[-1].startswith("DAMAGED  sentence index: unreadable (")
    assert lines[-1].endswith("→ run 'assistant doctor --repair'")
    repaired = _cli(store, "doctor", "--repair")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "Traceback" not in repaired.stderr
    assert repaired.stdout.strip().splitlines()[-1] == "repaired: rebuilt the sentence index"
    assert _cli(store, "doctor").returncode == 0
