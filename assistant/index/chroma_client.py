"""Chroma's clients: one embedded client per store folder per process, or an HTTP client for a
server; the URL of a server; Chroma's errors in one line; and the two ways the vector-index
check (``assistant.index.probe``, in a child process) reads a collection — Chroma's native
bindings and its public client — with the store's file records read natively in this process.
With ``assistant.index.chroma`` (the collections), the only code that imports chromadb (the
probe reads the index files' headers itself, with the standard library)."""

from __future__ import annotations

import logging
import os
import re
import threading
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlparse

from assistant.errors import ReadOnlyStoreError, StoreError
from assistant.offline import ensure_offline

logger = logging.getLogger(__name__)


def read_only_message(store_dir: Path) -> str:
    return (
        f"The vector store at {store_dir} is read-only: Chroma writes to its files even to"
        " answer a question. Make it writable, or copy it somewhere writable and use --store."
    )


def parse_chroma_url(url: str) -> tuple[str, int, bool]:
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        raise StoreError(f"The Chroma URL '{url}' is not of the form http://HOST:PORT.")
    try:
        port = parsed.port or (443 if parsed.scheme == "https" else 8000)
    except ValueError:
        raise StoreError(f"The Chroma URL '{url}' has an invalid port.") from None
    return parsed.hostname, port, parsed.scheme == "https"


def import_client() -> None:
    """Import chromadb now (about 1 s), e.g. while a child process checks the store."""
    ensure_offline()
    import chromadb  # noqa: F401


def has_database(store_dir: Path) -> bool:
    """Whether ``store_dir`` holds an embedded Chroma store."""
    return (store_dir / "chroma.sqlite3").is_file()


def client_settings(**more: Any) -> Any:
    """Chroma's settings for our clients: no telemetry, no reset (``more``: other settings)."""
    ensure_offline()
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False, **more)


def http_client(url: str) -> Any:
    """A client of the Chroma server at ``url``."""
    settings = client_settings()
    import chromadb

    host, port, ssl = parse_chroma_url(url)
    try:
        return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=settings)
    except Exception as exc:
        raise StoreError(f"Cannot reach the Chroma server at {url}: {exc}") from None


def read_only(problem: str) -> bool:
    """Whether Chroma's ``problem`` is a store it may not write to (not a damaged one)."""
    text = problem.lower()
    return "readonly database" in text or "read-only file system" in text


def damaged(exc: BaseException, *, store_dir: Path, chroma_url: str | None) -> StoreError:
    """The one-line error for a Chroma failure, with what to do about it."""
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if chroma_url:
        return StoreError(f"The Chroma server at {chroma_url} failed: {detail}")
    if read_only(detail):
        return ReadOnlyStoreError(read_only_message(store_dir))
    return StoreError(
        f"The vector store at {store_dir} is damaged or unreadable ({detail}):"
        " run 'assistant doctor' to check it, 'assistant ingest --rebuild' to rebuild it."
    )


def move_aside(store_dir: Path) -> Path:
    """Move a store folder Chroma cannot open to ``<dir>.damaged-N`` and start an empty one
    (every client of this process on it is closed first)."""
    n = 1
    while (aside := store_dir.with_name(f"{store_dir.name}.damaged-{n}")).exists():
        n += 1
    EmbeddedChroma.at(store_dir).reopen()
    store_dir.rename(aside)
    store_dir.mkdir(parents=True)
    logger.warning("moved the damaged store %s to %s", store_dir, aside)
    return aside


class EmbeddedChroma:
    """One Chroma client per store folder per process. Chroma keeps the vector index in
    memory and does not see other processes' writes, so when the store's generation moves
    without this process writing, the client is closed and opened again."""

    _lock = threading.Lock()
    _open: ClassVar[dict[Path, EmbeddedChroma]] = {}

    def __init__(self, path: Path) -> None:
        self._path = path
        self._client: Any = None
        self.epoch = 0
        self.generation: str | None = None
        self._newer: str | None = None  # the generation that made ``stale`` say so

    @classmethod
    def at(cls, folder: Path) -> EmbeddedChroma:
        key = Path(folder).resolve()
        with cls._lock:
            return cls._open.setdefault(key, cls(key))

    def client(self, settings: Any) -> Any:
        with self._lock:
            if self._client is None:
                import chromadb

                try:
                    self._client = chromadb.PersistentClient(
                        path=str(self._path), settings=settings
                    )
                except Exception:
                    self._forget()  # Chroma caches a half-made client per path: drop it
                    raise
            return self._client

    def _forget(self) -> None:
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient._identifier_to_system.pop(str(self._path), None)
        SharedSystemClient._identifier_to_refcount.pop(str(self._path), None)

    @property
    def is_open(self) -> bool:
        return self._client is not None

    def stale(self, generation: str) -> bool:
        with self._lock:
            if self.generation is None:
                self.generation = generation
            if self.generation == generation:
                return False
            self._newer = generation
            return True

    def seen(self, generation: str) -> None:
        with self._lock:
            self.generation = generation

    def reopen(self) -> None:
        with self._lock:
            if self._client is not None:
                try:
                    self._client.close()
                finally:
                    self._client = None
            self._forget()
            # The client opened next holds at least what ``stale`` saw: a write after that
            # makes the next question re-open again (forgetting it let one go unnoticed).
            self.generation, self._newer = self._newer, None
            self.epoch += 1


# -- the vector-index check's ways into a collection ---------------------------------------


class ChromaCollection:
    """A collection read through ``chromadb``'s public client (about 1 s of imports), for the
    vector-index check (``assistant.index.probe``): its verdict is the one reported."""

    def __init__(self, store_dir: str, name: str) -> None:
        settings = client_settings()
        import chromadb

        client = chromadb.PersistentClient(path=store_dir, settings=settings)
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
    """A collection read straight through Chroma's native bindings, as ``chromadb.api.rust``
    opens a persistent store with default settings (0.06 s of imports instead of 1 s). Private
    API: any error here sends the vector-index check to ``ChromaCollection``, so only the
    public client's verdict is ever reported."""

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
