"""Chroma's clients: one embedded client per store folder per process, or an HTTP client for a
server; the URL of a server; Chroma's errors in one line. With ``assistant.index.chroma``
(the collections) and ``assistant.index.probe`` (the child-process check), the only code that
imports chromadb or touches its files."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlparse

from assistant.errors import ReadOnlyStoreError, StoreError
from assistant.index import probe
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


def damaged(exc: BaseException, *, store_dir: Path, chroma_url: str | None) -> StoreError:
    """The one-line error for a Chroma failure, with what to do about it."""
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if chroma_url:
        return StoreError(f"The Chroma server at {chroma_url} failed: {detail}")
    if probe.read_only(detail):
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
