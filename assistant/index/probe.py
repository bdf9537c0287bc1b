"""Check that an embedded Chroma store's vector index answers — in a child process.

A damaged HNSW file can make Chroma's native code crash the whole process (a segmentation
fault, no Python exception), so the first touch of the index happens here, where a crash is
contained and turned into one clear line:

    python -m assistant.index.probe STORE_DIR COLLECTION

prints one JSON object: ``{"count": N, "problem": null}`` or ``{"problem": "..."}``. Three
stored vectors are read and searched with, through Chroma's native bindings or, when those
cannot be trusted or find a problem, its public client (both ways in are the Chroma adapter's,
``assistant.index.chroma_client``); the index files' headers are read here (``files_problem``,
no native code).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from assistant.index.chroma_client import ChromaCollection, NativeCollection

_SAMPLES = 3


# hnswlib's header as Chroma writes it: a format version, then offsetLevel0, max_elements,
# cur_element_count, size_data_per_element, label_offset, offsetData, maxlevel, enterpoint,
# maxM, maxM0, M, mult, ef_construction.
_HEADER = struct.Struct("<iQQQQQQiIQQQdQ")


def files_problem(store_dir: Path, *, settle: float = 0.5) -> str | None:
    """What is wrong with the vector index files, read from their headers alone (no native
    code runs): each segment's ``data_level0.bin`` must hold at least ``cur_element_count``
    records of ``size_data_per_element`` bytes and ``length.bin`` 4 bytes for each (a shorter
    file is truncated, a garbled header names more than is there). Reading garbage past a
    truncated file may or may not crash a process, so the child's check alone cannot be
    trusted with it; this can. A mismatch is read again after ``settle`` seconds: another
    process may be writing the files."""
    problem = _files_problem(Path(store_dir))
    if problem is not None and settle > 0:
        time.sleep(settle)
        problem = _files_problem(Path(store_dir))
    return problem


def _files_problem(store_dir: Path) -> str | None:
    live = _vector_segments(store_dir)
    for header in sorted(Path(store_dir).glob("*/header.bin")):
        folder = header.parent
        if live is not None and folder.name not in live:
            continue  # a dropped collection's folder Chroma left behind: not read any more
        try:
            raw = header.read_bytes()
            fields = _HEADER.unpack_from(raw)
            data = (folder / "data_level0.bin").stat().st_size
            lengths = (folder / "length.bin").stat().st_size
        except (OSError, struct.error) as exc:
            return f"the vector index in {folder.name} cannot be read ({type(exc).__name__})"
        count, per_element = fields[3], fields[4]
        if data < count * per_element or lengths < count * 4:
            return f"the vector index files in {folder.name} are shorter than their header says"
    return None


def _vector_segments(store_dir: Path) -> frozenset[str] | None:
    """The ids of the vector segments the store's database lists (their folders are the
    index), read with Python's own sqlite3; None when it cannot be read (every folder is
    then checked)."""
    database = Path(store_dir) / "chroma.sqlite3"
    try:
        with contextlib.closing(
            sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        ) as db:
            rows = db.execute("SELECT id FROM segments WHERE scope = 'VECTOR'").fetchall()
    except (sqlite3.Error, OSError):
        return None
    return frozenset(str(row[0]) for row in rows)


@dataclass(frozen=True, slots=True)
class ProbeResult:
    ok: bool
    problem: str = ""


class Collection(Protocol):
    """What the check needs of a collection: ``NativeCollection`` or ``ChromaCollection``."""

    def count(self) -> int: ...

    def sample(self, offset: int) -> list[float] | None: ...

    def finds(self, vector: list[float], n: int) -> bool: ...


def _check_collection(collection: Collection) -> dict[str, object]:
    count = collection.count()
    if count == 0:
        return {"count": 0, "problem": None}
    offsets = sorted({0, count // 2, count - 1})[:_SAMPLES]
    for offset in offsets:
        vector = collection.sample(offset)
        if vector is None:
            return {"problem": f"chunk {offset} of {count} cannot be read"}
        # Only a failure counts: another process's recent writes may not be in the index
        # files yet (Chroma persists them lazily), so a stored chunk need not find itself.
        if not collection.finds(vector, min(10, count)):
            return {"problem": "the vector index finds nothing"}
    return {"count": count, "problem": None}


def check(
    store_dir: str,
    collection_name: str,
    *,
    native: Callable[[str, str], Collection] = NativeCollection,
    public: Callable[[str, str], Collection] = ChromaCollection,
) -> dict[str, object]:
    """The check's verdict (what ``main`` prints): through the ``native`` way in first, and
    through the ``public`` client whenever that fails or finds a problem."""
    from assistant.offline import ensure_offline

    ensure_offline()
    try:
        result = _check_collection(native(store_dir, collection_name))
    except Exception:  # any doubt is settled by the public client below
        result = {"problem": "native"}
    if result["problem"] is None:
        return result
    return _check_collection(public(store_dir, collection_name))


def main(argv: list[str]) -> int:
    try:
        result = check(argv[0], argv[1])
    except Exception as exc:  # reported as data: the parent turns it into one line
        text = str(exc).strip().splitlines()
        result = {"problem": text[0] if text else type(exc).__name__}
    print(json.dumps(result))
    return 0


def start(store_dir: Path, collection: str) -> subprocess.Popen[str]:
    """Launch the check; ``finish`` collects it (the caller may work in between)."""
    return subprocess.Popen(
        [sys.executable, "-m", "assistant.index.probe", str(store_dir), collection],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str], timeout: float = 300) -> ProbeResult:
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return ProbeResult(False, f"the vector index did not answer within {timeout:.0f} s")
    if process.returncode < 0:
        return ProbeResult(False, f"the vector index crashed Chroma (signal {-process.returncode})")
    try:
        data = json.loads(out.strip().splitlines()[-1])
    except (IndexError, ValueError):
        tail = (err.strip().splitlines() or ["no output"])[-1]
        return ProbeResult(False, f"the store check failed ({tail})")
    problem = data.get("problem")
    return ProbeResult(not problem, str(problem or ""))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
