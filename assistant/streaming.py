"""An answer's text as it is written: ``ask`` run in a thread, what it hears yielded."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator

from assistant.types import Answer

_DONE = object()


def streamed(ask: Callable[[Callable[[str], None]], Answer]) -> Iterator[str | Answer]:
    """Run ``ask(hear)`` in a thread; yield what it hears, then its answer (or raise its
    error)."""
    pieces: queue.SimpleQueue[object] = queue.SimpleQueue()
    outcome: list[Answer | BaseException] = []

    def run() -> None:
        try:
            outcome.append(ask(pieces.put))
        except BaseException as exc:  # handed to the caller's thread
            outcome.append(exc)
        finally:
            pieces.put(_DONE)

    worker = threading.Thread(target=run, name="assistant-stream", daemon=True)
    worker.start()
    while (item := pieces.get()) is not _DONE:
        assert isinstance(item, str)
        yield item
    worker.join()
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    yield result
