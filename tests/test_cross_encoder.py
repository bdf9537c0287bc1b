"""The packaged cross-encoder (ONNX, INT8) as the assistant runs it: scored one pair per run,
a pair's score is a function of that pair alone; in one padded run it is not."""

from __future__ import annotations

import threading

import pytest

from assistant.retrieve.rerank import OnnxCrossEncoder
from tests.conftest import BRIEFING, PARADE_SENTENCE

pytestmark = pytest.mark.integration

QUESTION = "Who attended the parade?"


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """The parade sentence among passages of very different lengths (so a run pads)."""
    paragraphs = [p for p in BRIEFING.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    return [PARADE_SENTENCE, "coal and iron ore", *paragraphs[:4]]


def test_one_pair_per_run_scores_every_pair_as_it_scores_alone(texts: list[str]) -> None:
    encoder = OnnxCrossEncoder(threads=1, batch_size=1)
    together = encoder.score(QUESTION, texts)
    alone = [encoder.score(QUESTION, [text])[0] for text in texts]
    assert together == alone
    reversed_ = encoder.score(QUESTION, texts[::-1])
    assert reversed_[::-1] == together
    best = max(range(len(texts)), key=together.__getitem__)
    assert texts[best] == PARADE_SENTENCE


def test_one_padded_run_scores_close_to_one_by_one_but_not_the_same(texts: list[str]) -> None:
    """The old scorer (batch_size 0): activations are quantised per run, so company moves a
    score a little — the reason the assistant scores pairs one by one."""
    alone = OnnxCrossEncoder(threads=1, batch_size=1).score(QUESTION, texts)
    padded = OnnxCrossEncoder(threads=1, batch_size=0).score(QUESTION, texts)
    differences = [abs(a - b) for a, b in zip(alone, padded, strict=True)]
    assert 0 < max(differences) < 2.0
    assert max(range(len(texts)), key=padded.__getitem__) == 0


def _encoder_threads() -> set[threading.Thread]:
    """The live threads that cross-encoders run batches side by side on."""
    return {t for t in threading.enumerate() if t.name.startswith("cross-encoder")}


def test_runs_side_by_side_score_exactly_as_runs_one_after_another(texts: list[str]) -> None:
    """Two runs at a time on one core each: the same runs, so the same scores, bit for bit."""
    many = [*texts, *(t[: len(t) // 2] for t in texts), *(t.upper() for t in texts)]
    parallel = OnnxCrossEncoder(threads=2)
    serial = OnnxCrossEncoder(threads=2, parallel=False)
    assert parallel.parallel
    assert not serial.parallel
    before = _encoder_threads()  # other encoders' (this process's shared one, say)
    first = parallel.score(QUESTION, many)
    assert _encoder_threads() - before  # side by side: threads of its own
    parallel.close()
    assert _encoder_threads() == before
    assert first == serial.score(QUESTION, many)
    assert _encoder_threads() == before  # one after another: none
    # Side by side, each run on one core; one after another, each on both.
    assert parallel.session.get_session_options().intra_op_num_threads == 1
    assert serial.session.get_session_options().intra_op_num_threads == 2
    assert parallel.score(QUESTION, many) == first  # with new threads
    parallel.close()
