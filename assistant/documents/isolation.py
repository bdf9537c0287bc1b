"""Read PDF and Word files in a child process, under a time and memory budget.

A hostile file (a page tree that loops, a stream that unpacks to gigabytes, a parser bug)
then costs at most ``ReadLimits.timeout`` seconds and ``memory_mb`` of address space, and
only its own refusal: the child is killed and the next file gets a fresh one. One child
serves one process's files one after another (started on first use; a fresh interpreter,
so it shares no thread or lock with its parent).
"""

from __future__ import annotations

import logging
import pickle
import select
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any, Literal

from assistant.documents.limits import ReadLimits
from assistant.errors import UnsupportedFileError
from assistant.types import Structure

logger = logging.getLogger(__name__)

Kind = Literal["pdf", "docx"]


def extract(kind: Kind, path: Path, name: str, limits: ReadLimits) -> tuple[str, Structure]:
    """The text and structure of a PDF or Word file, read in this process."""
    if kind == "pdf":
        from assistant.documents.pdf_text import read_pdf

        return read_pdf(path, name, limits)
    from assistant.documents.docx_text import read_docx

    return read_docx(path, name, limits)


def _send(stream: IO[bytes], value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(8, "big") + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    """The next message, or ``EOFError`` when the other side has gone."""
    head = stream.read(8)
    if len(head) < 8:
        raise EOFError
    size = int.from_bytes(head, "big")
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


def serve(requests: IO[bytes], answers: IO[bytes], memory_mb: int) -> None:  # pragma: no cover
    """The child's loop: read each file asked for, answer with its text or its refusal."""
    import resource

    limit = memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard < 0 else min(limit, hard), hard))
    while True:
        try:
            kind, path, name, limits = _receive(requests)
        except EOFError:
            return
        answer: tuple[str, Any]
        try:
            answer = ("ok", extract(kind, Path(path), name, limits))
        except UnsupportedFileError as exc:
            answer = ("refused", str(exc))
        except MemoryError:
            answer = ("refused", _too_big(name, limits))
        except Exception as exc:  # a parser's bug on a damaged file: that file's refusal
            answer = ("refused", f"{name} is damaged or cannot be read ({type(exc).__name__}).")
        _send(answers, answer)


def _too_big(name: str, limits: ReadLimits) -> str:
    return f"{name} needs more than {limits.memory_mb:,} MB of memory to read; that is the limit."


class _Child:
    """``python -m assistant.documents.isolation``: a fresh interpreter (it shares no thread, lock
    or
    module state with its parent, and imports nothing of the parent's main script)."""

    def __init__(self, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self.process = subprocess.Popen(
            [sys.executable, "-m", "assistant.documents.isolation", str(memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.requests: IO[bytes] = self.process.stdin
        self.answers: IO[bytes] = self.process.stdout

    def alive(self) -> bool:
        return self.process.poll() is None

    def ask(self, request: object, timeout: float) -> Any:
        """Send ``request``; its answer, ``TimeoutError`` after ``timeout`` seconds, or
        ``EOFError`` when the child died."""
        _send(self.requests, request)
        ready, _, _ = select.select([self.answers], [], [], timeout)
        if not ready:
            raise TimeoutError
        return _receive(self.answers)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        self.requests.close()
        self.answers.close()


_lock = threading.Lock()
_child: _Child | None = None


def extract_isolated(
    kind: Kind, path: Path, name: str, limits: ReadLimits
) -> tuple[str, Structure]:
    """``extract`` in the child process: ``UnsupportedFileError`` when the file is refused,
    takes longer than ``limits.timeout`` seconds, or kills the child (its memory)."""
    global _child
    with _lock:
        if _child is not None and (not _child.alive() or _child.memory_mb != limits.memory_mb):
            _child.stop()
            _child = None
        if _child is None:
            _child = _Child(limits.memory_mb)
        child = _child
        try:
            status, value = child.ask((kind, str(path), name, limits), limits.timeout)
        except TimeoutError:
            child.stop()
            _child = None
            raise UnsupportedFileError(
                f"{name} took longer than {limits.timeout:g} s to read; that is the limit."
            ) from None
        except (EOFError, OSError):
            child.stop()
            _child = None
            raise UnsupportedFileError(_too_big(name, limits)) from None
    if status != "ok":
        raise UnsupportedFileError(str(value))
    text, structure = value
    return str(text), structure


def stop_reader() -> None:
    """Stop the child process, if one runs (the next file starts another)."""
    global _child
    with _lock:
        if _child is not None:
            _child.stop()
            _child = None


if __name__ == "__main__":  # pragma: no cover - the child
    import os

    # Answers go out on the pipe that was stdout; anything a library prints goes to stderr.
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    serve(sys.stdin.buffer, answers, int(sys.argv[1]))
