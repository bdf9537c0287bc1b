"""Read PDF and Word files in a child process, under a time and memory budget.

A hostile file (a page tree that loops, a stream that unpacks to gigabytes, a parser bug)
then costs at most ``ReadLimits.timeout`` seconds and ``memory_mb`` of address space, and
only its own refusal: the child is killed and the next file gets a fresh one. One child
serves one process's files one after another (started on first use; spawned, so it shares
no thread or lock with its parent).
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Literal

from assistant.errors import UnsupportedFileError
from assistant.limits import ReadLimits
from assistant.types import Structure

logger = logging.getLogger(__name__)

Kind = Literal["pdf", "docx"]


def extract(kind: Kind, path: Path, name: str, limits: ReadLimits) -> tuple[str, Structure]:
    """The text and structure of a PDF or Word file, read in this process."""
    if kind == "pdf":
        from assistant.pdf_text import read_pdf

        return read_pdf(path, name, limits)
    from assistant.docx_text import read_docx

    return read_docx(path, name, limits)


def _serve(connection: Connection, memory_mb: int) -> None:  # pragma: no cover - child
    """The child's loop: read each file asked for, answer with its text or its refusal."""
    import resource

    limit = memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard < 0 else min(limit, hard), hard))
    while True:
        try:
            kind, path, name, limits = connection.recv()
        except (EOFError, OSError):
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
        connection.send(answer)


def _too_big(name: str, limits: ReadLimits) -> str:
    return f"{name} needs more than {limits.memory_mb:,} MB of memory to read; that is the limit."


class _Child:
    def __init__(self, memory_mb: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.memory_mb = memory_mb
        self.connection, theirs = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(theirs, memory_mb), name="document-reader", daemon=True
        )
        self.process.start()
        theirs.close()

    def stop(self) -> None:
        self.process.kill()
        self.process.join()
        self.connection.close()


_lock = threading.Lock()
_child: _Child | None = None


def extract_isolated(
    kind: Kind, path: Path, name: str, limits: ReadLimits
) -> tuple[str, Structure]:
    """``extract`` in the child process: ``UnsupportedFileError`` when the file is refused,
    takes longer than ``limits.timeout`` seconds, or kills the child (its memory)."""
    global _child
    with _lock:
        if _child is not None and (
            not _child.process.is_alive() or _child.memory_mb != limits.memory_mb
        ):
            _child.stop()
            _child = None
        if _child is None:
            _child = _Child(limits.memory_mb)
        child = _child
        try:
            child.connection.send((kind, str(path), name, limits))
            if not child.connection.poll(limits.timeout):
                child.stop()
                _child = None
                raise UnsupportedFileError(
                    f"{name} took longer than {limits.timeout:g} s to read; that is the limit."
                )
            status, value = child.connection.recv()
        except (EOFError, OSError, BrokenPipeError):
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
