"""Fast unit tests of the cross-encoder's batching (assistant/retrieve/rerank.py) with a fake
tokenizer
and a fake ONNX session, and of the settings that drive it and the context-pair margin."""

from __future__ import annotations

import json
import math
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from assistant.config import load_settings
from assistant.errors import ConfigError
from assistant.retrieve.hybrid import FusionConfig
from assistant.retrieve.rerank import OnnxCrossEncoder, length_batches, padded_batch

pytestmark = pytest.mark.unit


@dataclass(frozen=True)
class Encoding:
    """What the tokenizer gives per (query, text) pair, unpadded."""

    ids: list[int]
    attention_mask: list[int]
    type_ids: list[int]


def encoding(n: int, first: int = 1) -> Encoding:
    return Encoding(list(range(first, first + n)), [1] * n, [0] * (n // 2) + [1] * (n - n // 2))


@dataclass
class FakeTokenizer:
    """One token per word of the text (ids 1, 2, …), after a one-token query."""

    def encode_batch(self, pairs: Sequence[tuple[str, str]]) -> list[Encoding]:
        return [encoding(1 + len(text.split())) for _, text in pairs]


@dataclass(frozen=True)
class Input:
    name: str


@dataclass
class FakeSession:
    """Scores a row by its number of real tokens (its attention mask's sum); logs the shape of
    every run."""

    shapes: list[tuple[int, int]] = field(default_factory=list)

    def get_inputs(self) -> list[Input]:
        return [Input("input_ids"), Input("attention_mask")]  # no token_type_ids: not fed

    def run(self, outputs: Any, feeds: dict[str, Any]) -> list[Any]:
        assert set(feeds) == {"input_ids", "attention_mask"}
        self.shapes.append(feeds["input_ids"].shape)
        mask = feeds["attention_mask"]
        assert (feeds["input_ids"][mask == 0] == 0).all()  # padding is zeros
        return [mask.sum(axis=1, keepdims=True).astype(np.float32)]


def encoder(batch_size: int) -> tuple[OnnxCrossEncoder, FakeSession]:
    session = FakeSession()
    return OnnxCrossEncoder(
        batch_size=batch_size, session=session, tokenizer=FakeTokenizer()
    ), session


TEXTS = ["a b c d e", "a", "a b c", "a b", "a b c d e f g", "a b c d"]  # 6, 2, 4, 3, 8, 5 tokens


# --- length_batches, padded_batch ---------------------------------------------------------


def test_batches_are_runs_of_the_indices_sorted_by_length() -> None:
    lengths = [6, 2, 4, 3, 8, 5]
    assert length_batches(lengths, 2) == [[1, 3], [2, 5], [0, 4]]
    assert length_batches(lengths, 4) == [[1, 3, 2, 5], [0, 4]]
    assert length_batches(lengths, 1) == [[1], [3], [2], [5], [0], [4]]
    # Ties keep their order; 0 is one batch of everything.
    assert length_batches([3, 1, 3, 1], 0) == [[1, 3, 0, 2]]
    assert length_batches([], 0) == []
    with pytest.raises(ValueError, match="batch_size must be at least 0"):
        length_batches([1], -1)


def test_a_batch_is_padded_to_its_own_longest_encoding() -> None:
    feeds = padded_batch([encoding(2), encoding(3, first=7)])
    assert feeds["input_ids"].tolist() == [[1, 2, 0], [7, 8, 9]]
    assert feeds["attention_mask"].tolist() == [[1, 1, 0], [1, 1, 1]]
    assert feeds["token_type_ids"].tolist() == [[0, 1, 0], [0, 1, 1]]
    assert all(f.dtype == np.int64 for f in feeds.values())


# --- OnnxCrossEncoder.score ---------------------------------------------------------------


def test_scores_come_back_in_the_order_of_the_texts_whatever_the_batches() -> None:
    expected = [6.0, 2.0, 4.0, 3.0, 8.0, 5.0]  # the fake's score: real tokens
    for batch_size in (0, 1, 2, 4, 100):
        model, _ = encoder(batch_size)
        assert model.score("q", TEXTS) == expected


def test_pairs_run_batch_size_at_a_time_each_padded_to_its_longest() -> None:
    model, session = encoder(2)
    model.score("q", TEXTS)
    assert session.shapes == [(2, 3), (2, 5), (2, 8)]  # not six rows of 8
    model, session = encoder(1)
    model.score("q", TEXTS)
    assert session.shapes == [(1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (1, 8)]
    model, session = encoder(0)
    model.score("q", TEXTS)
    assert session.shapes == [(6, 8)]  # the old scorer: one run, padded to the longest
    assert model.score("q", []) == []
    assert session.shapes == [(6, 8)]


@dataclass
class OutOfOrderSession(FakeSession):
    """The fake session, except that the shortest run (2 tokens, the first one handed out)
    waits until the longest (8 tokens, the last) has finished: run side by side, the batches
    finish out of order. Run one after another, the wait would time out: ``waited`` says."""

    threads: set[str] = field(default_factory=set)
    longest_done: threading.Event = field(default_factory=threading.Event)
    waited: list[bool] = field(default_factory=list)

    def run(self, outputs: Any, feeds: dict[str, Any]) -> list[Any]:
        self.threads.add(threading.current_thread().name)
        width = feeds["input_ids"].shape[1]
        if width == 2:
            self.waited.append(self.longest_done.wait(timeout=30))
        result = super().run(outputs, feeds)
        if width == 8:
            self.longest_done.set()
        return result


def test_runs_side_by_side_give_each_text_its_own_score() -> None:
    session = OutOfOrderSession()
    model = OnnxCrossEncoder(batch_size=1, threads=3, session=session, tokenizer=FakeTokenizer())
    try:
        assert model.score("q", TEXTS) == [6.0, 2.0, 4.0, 3.0, 8.0, 5.0]
        assert session.waited == [True]  # the longest run finished before the shortest
        assert len(session.threads) > 1
        assert threading.current_thread().name not in session.threads
        session.threads.clear()
        assert model.score("q", TEXTS[:1]) == [6.0]  # one run: no hand-over to the pool
        assert session.threads == {threading.current_thread().name}
    finally:
        model.close()


def test_a_session_and_tokenizer_are_given_together() -> None:
    with pytest.raises(ValueError, match="session and tokenizer go together"):
        OnnxCrossEncoder(session=FakeSession())
    with pytest.raises(ValueError, match="session and tokenizer go together"):
        OnnxCrossEncoder(tokenizer=FakeTokenizer())
    assert OnnxCrossEncoder().session is None  # loaded on first use


def test_a_process_forked_after_scoring_scores_too() -> None:
    """The child has none of the parent's threads: it must not wait on them (it hung)."""
    session = OutOfOrderSession()
    model = OnnxCrossEncoder(batch_size=1, threads=2, session=session, tokenizer=FakeTokenizer())
    expected = [6.0, 2.0, 4.0, 3.0, 8.0, 5.0]
    assert model.score("q", TEXTS) == expected
    assert len(session.threads) > 1  # the parent's pool ran
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's verdict is its exit status
        os._exit(0 if model.score("q", TEXTS) == expected else 3)
    status: list[int] = []
    waiter = threading.Thread(target=lambda: status.append(os.waitpid(child, 0)[1]), daemon=True)
    waiter.start()
    waiter.join(timeout=30)
    if not status:
        os.kill(child, 9)
        waiter.join()
        model.close()
        pytest.fail("the forked process hung in score()")
    model.close()
    assert os.waitstatus_to_exitcode(status[0]) == 0


def test_runs_go_side_by_side_on_one_core_each_unless_told_otherwise() -> None:
    assert OnnxCrossEncoder().parallel
    assert OnnxCrossEncoder(threads=1).parallel
    assert not OnnxCrossEncoder(parallel=False).parallel
    assert not OnnxCrossEncoder(batch_size=0).parallel  # one run of everything


def test_the_batch_size_is_checked() -> None:
    with pytest.raises(ValueError, match=r"batch_size must be at least 0\. Currently, batch_size"):
        OnnxCrossEncoder(batch_size=-1)
    assert OnnxCrossEncoder().batch_size == 4


# --- settings -----------------------------------------------------------------------------


def test_settings_for_the_cross_encoder_are_checked() -> None:
    settings = load_settings()
    assert settings.rerank_batch_size == 4
    assert settings.rerank_context_margin == 12.0
    assert FusionConfig.from_settings(settings).rerank_context_margin == 12.0
    assert load_settings(rerank_context_margin=math.inf).rerank_context_margin == math.inf
    assert load_settings(rerank_context_margin=0, rerank_batch_size=0).rerank_batch_size == 0
    for value in ("nan", "-1", "-inf"):
        shown = str(float(value))
        with pytest.raises(
            ConfigError,
            match=rf"^Invalid setting: rerank_context_margin must be .*is {shown}$",
        ):
            load_settings(rerank_context_margin=value)
    with pytest.raises(
        ConfigError,
        match=r"^Invalid setting: rerank_batch_size must be a whole number between 0 and .*is -1$",
    ):
        load_settings(rerank_batch_size=-1)


def test_an_infinite_context_margin_is_written_as_strict_json_and_read_back() -> None:
    settings = load_settings(rerank_context_margin=math.inf)
    data = settings.model_dump(mode="json")
    assert data["rerank_context_margin"] == "inf"
    assert json.loads(json.dumps(data, allow_nan=False))["rerank_context_margin"] == "inf"
    assert load_settings(rerank_context_margin=data["rerank_context_margin"]) == settings
    assert (
        load_settings(rerank_context_margin=2.5).model_dump(mode="json")["rerank_context_margin"]
        == 2.5
    )


def test_cross_encoder_settings_from_the_environment_are_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ASSISTANT_RERANK_CONTEXT_MARGIN", "nan")
    with pytest.raises(ConfigError, match="rerank_context_margin must be"):
        load_settings()
    monkeypatch.setenv("ASSISTANT_RERANK_CONTEXT_MARGIN", "inf")
    monkeypatch.setenv("ASSISTANT_RERANK_BATCH_SIZE", "2")
    settings = load_settings()
    assert (settings.rerank_context_margin, settings.rerank_batch_size) == (math.inf, 2)
