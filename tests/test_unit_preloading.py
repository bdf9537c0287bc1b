"""Fast unit tests of assistant/preloading.py: models made and loaded in a background thread."""

from __future__ import annotations

import pytest

from assistant.preloading import load_in_background

pytestmark = pytest.mark.unit


class _Model:
    def __init__(self, log: list[str], name: str, fails: bool = False) -> None:
        self.log, self.name, self.fails = log, name, fails

    def load(self) -> None:
        self.log.append(self.name)
        if self.fails:
            raise RuntimeError("no model file")


def test_each_model_is_made_and_loaded_in_order_off_the_calling_thread() -> None:
    import threading

    log: list[str] = []
    threads: list[str] = []

    def make(name: str) -> _Model:
        threads.append(threading.current_thread().name)
        return _Model(log, name)

    thread = load_in_background("loader", lambda: make("a"), lambda: object(), lambda: make("b"))
    thread.join(timeout=10)
    assert log == ["a", "b"]  # a model without load() is only made
    assert threads == ["loader", "loader"]
    assert not thread.daemon


def test_a_failing_load_is_left_for_the_first_use_to_report() -> None:
    log: list[str] = []
    thread = load_in_background("loader", lambda: _Model(log, "a", fails=True))
    thread.join(timeout=10)
    assert log == ["a"]
    assert not thread.is_alive()
