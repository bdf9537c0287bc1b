"""Check that an embedded Chroma store's vector index answers — in a child process.

A damaged HNSW file can make Chroma's native code crash the whole process (a segmentation
fault, no Python exception), so the first touch of the index happens here, where a crash is
contained and turned into one clear line:

    python -m assistant.index.probe STORE_DIR COLLECTION

prints one JSON object: ``{"count": N, "problem": null}`` or ``{"problem": "..."}``. Three
stored vectors are read and searched with.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

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


def read_only(problem: str) -> bool:
    """Whether Chroma's ``problem`` is a store it may not write to (not a damaged one)."""
    text = problem.lower()
    return "readonly database" in text or "read-only file system" in text


@dataclass(frozen=True, slots=True)
class ProbeResult:
    ok: bool
    problem: str = ""


class Collection(Protocol):
    """What the check needs of a collection: Chroma's own, or the native one below."""

    def count(self) -> int: ...

    def sample(self, offset: int) -> list[float] | None: ...

    def finds(self, vector: list[float], n: int) -> bool: ...


class ChromaCollection:
    """Through ``chromadb``'s public client (about 1 s of imports)."""

    def __init__(self, store_dir: str, name: str) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        client = chromadb.PersistentClient(
            path=store_dir, settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        )
        self._collection: Any = client.get_collection(name, embedding_function=None)

    def count(self) -> int:
        return int(self._collection.count())

    def sample(self, offset: int) -> list[float] | None:
        got = self._collection.get(limit=1, offset=offset, include=["embeddings"])
        return [float(x) for x in got["embeddings"][0]] if got["ids"] else None

    def finds(self, vector: list[float], n: int) -> bool:
        found = self._collection.query(query_embeddings=[vector], n_results=n, include=[])
        return bool(found["ids"][0])


class NativeCollection:
    """Straight through Chroma's native bindings, as ``chromadb.api.rust`` opens a persistent
    store with default settings (0.06 s of imports instead of 1 s). Chroma's private API: any
    error here sends the check to ``ChromaCollection``, so only the public client's verdict is
    ever reported."""

    _TENANT, _DATABASE = "default_tenant", "default_database"

    def __init__(self, store_dir: str, name: str) -> None:
        import resource

        if chroma_settings_given():
            raise RuntimeError("Chroma settings are given: only its own client reads them")
        import chromadb_rust_bindings as native

        config = native.SqliteDBConfig(
            hash_type=native.MigrationHash.MD5,
            migration_mode=native.MigrationMode.Apply,
            url=f"{store_dir}/chroma.sqlite3",
        )
        self._bindings: Any = native.Bindings(
            allow_reset=False,
            sqlite_db_config=config,
            persist_path=store_dir,
            # Chroma's own choice: each HNSW index holds 5 files open.
            hnsw_cache_size=resource.getrlimit(resource.RLIMIT_NOFILE)[0] // 5,
        )
        # As the public client does on opening: the tenant and database must exist.
        self._bindings.get_tenant(self._TENANT)
        self._bindings.get_database(self._DATABASE, self._TENANT)
        self._id = str(self._bindings.get_collection(name, self._TENANT, self._DATABASE).id)

    def count(self) -> int:
        return int(self._bindings.count(self._id, self._TENANT, self._DATABASE))

    def sample(self, offset: int) -> list[float] | None:
        got = self._bindings.get(
            self._id, None, None, 1, offset, None, ["embeddings"], self._TENANT, self._DATABASE
        )
        return [float(x) for x in got.embeddings[0]] if got.ids else None

    def finds(self, vector: list[float], n: int) -> bool:
        found = self._bindings.query(
            self._id, None, [vector], n, None, None, [], self._TENANT, self._DATABASE
        )
        return bool(found.ids[0])

    def records(self, page: int = 2000) -> list[tuple[str, dict[str, Any] | None]]:
        """Every record's id and metadata."""
        found: list[tuple[str, dict[str, Any] | None]] = []
        while True:
            got = self._bindings.get(
                self._id, None, None, page, len(found), None, ["metadatas"],
                self._TENANT, self._DATABASE,
            )  # fmt: skip
            found.extend(zip(got.ids, got.metadatas or [None] * len(got.ids), strict=True))
            if len(got.ids) < page:
                return found


def read_records(
    store_dir: Path, collection: str
) -> list[tuple[str, dict[str, Any] | None]] | None:
    """The (id, metadata) records of ``collection`` read in this process through Chroma's native
    bindings, without importing chromadb (1 s); None whenever that path cannot be trusted
    (Chroma settings given, any error: a missing collection, an older store, a damaged or
    read-only one) — the caller then reads them through Chroma's client. Reading records
    touches no vector index."""
    try:
        return NativeCollection(str(store_dir), collection).records()
    except Exception:
        return None


# The Chroma settings that change how a store is opened; chromadb reads them from the
# environment or a ``.env`` file in the working folder (any case, the name quoted or not).
_OPENING_SETTINGS = re.compile(
    r"^\s*(?:export\s+)?([\"']?)(?:migrations|migrations_hash_algorithm|allow_reset"
    r"|persist_directory|is_persistent|chroma_[a-z_]+)\1\s*=",
    re.IGNORECASE | re.MULTILINE,
)


def is_chroma_setting(name: str) -> bool:
    """Whether an environment variable called ``name`` changes how Chroma opens a store."""
    return _OPENING_SETTINGS.match(f"{name}=") is not None


def chroma_settings_given() -> bool:
    """Whether the environment or ``./.env`` sets a Chroma setting the native path would
    not honour (it opens the store as Chroma's defaults do)."""
    if any(is_chroma_setting(key) for key in os.environ):
        return True
    try:
        text = Path(".env").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return _OPENING_SETTINGS.search(text) is not None


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
