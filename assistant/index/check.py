"""The vector-index check of an embedded store: its first touch happens in a child process
(``assistant.index.probe``), so a damaged index fails with a message, not a crash."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

from assistant.errors import DamagedStoreError, ReadOnlyStoreError
from assistant.index import probe
from assistant.index.chroma_client import (
    has_database,
    import_client,
    read_only,
    read_only_message,
)


class IndexCheck:
    """Started once per store object (again after a failure: the store may have been
    repaired); ``state`` is "todo", "done" or the child process running."""

    def __init__(self, store_dir: Path, collection: str, *, remote: bool, todo: bool) -> None:
        self.store_dir = store_dir
        self.collection = collection
        self.remote = remote
        self.state: str | subprocess.Popen[str] = "todo" if todo else "done"
        self._lock = threading.RLock()

    def start(self) -> None:
        """Begin the check in the background (callers may load models meanwhile)."""
        with self._lock:
            if self.state == "todo":
                if self.remote or not has_database(self.store_dir):
                    self.state = "done"
                else:
                    self.state = probe.start(self.store_dir, self.collection)

    def stop(self) -> None:
        """Let a check still running end (its result no longer wanted; the next use checks
        anew). It is waited for, not killed: opening a store, Chroma rewrites its files."""
        with self._lock:
            if isinstance(self.state, subprocess.Popen):
                process, self.state = self.state, "todo"
                probe.finish(process)

    def ensure(self, *, import_chroma: bool = True) -> None:
        """The check's verdict (started now if it is not running): raises what the first use
        of the store would. ``import_chroma``: import chromadb while the child checks."""
        with self._lock:  # first questions in several threads: one collects the check
            self.start()
            if isinstance(self.state, str):
                return
            if import_chroma:
                # The import is this process's next step anyway, and touches no store: done
                # while the child checks, it is off the critical path (~1 s of a cold start).
                import_client()

            result = probe.finish(self.state)
            if result.ok:  # the files must also match their headers (no native code involved)
                problem = probe.files_problem(self.store_dir)
                result = probe.ProbeResult(False, problem) if problem else result
            self.state = "done"
            if not result.ok and read_only(result.problem):
                self.state = "todo"
                raise ReadOnlyStoreError(read_only_message(self.store_dir))
            if not result.ok and "does not exist" not in result.problem:
                self.state = "todo"  # check again next time: it may have been repaired
                raise DamagedStoreError(
                    f"The vector store at {self.store_dir} is damaged: {result.problem}."
                    " Run 'assistant ingest --rebuild CORPUS' to rebuild it from your documents."
                )
