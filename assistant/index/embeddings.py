"""The packaged all-MiniLM-L6-v2 behind LangChain's ``Embeddings`` interface.

Two numerical paths give the same vectors (1 - cosine < 1e-6, ``benchmarks/encode.py``):
sentence-transformers (torch), and an ONNX export of its weights run by onnxruntime. The export
is made once per machine, from the sentence-transformers model, into the cache folder.

- Queries and small sets of documents (fewer than ``torch_from``) use ONNX: the first vector
  comes in about a tenth of the time torch takes to load, with less than half the memory, so a
  cold ``ask`` or an incremental ingest never imports torch.
- Larger sets use torch, whose kernels encode 1.2-1.4x more chunks per CPU second here once
  loaded (single-threaded, which other processes disturb least; with two threads onnxruntime
  came out ahead only on a machine busy enough that torch's spinning threads wait).
- Where the export cannot be made, everything uses torch: same vectors, slower start.

Either way documents are encoded longest first, in batches that pad to about their own
length, and returned in the caller's order.

``precision="int8"`` runs onnxruntime's dynamic INT8 quantisation of the export for everything:
about 1.3x torch's chunks per CPU second, but a different vector space (1 - cosine up to 0.017
from fp32, a text's vector depends on its batch-mates, two fewer dev-suite cases of 101 at
hit@1 and at hit@3), so it is not the default, ``model_id`` tells the spaces apart, and it
never falls back to torch.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings

from assistant.errors import AssistantError
from assistant.index.onnx_encoder import onnx_encode, open_session, release_arena
from assistant.index.onnx_export import export_onnx, quantize
from assistant.index.vector_space import (
    PRECISIONS,
    Precision,
    cache_dir,
    packaged_minilm_path,
    space_id,
    weights_key,
)
from assistant.offline import ensure_offline

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

logger = logging.getLogger(__name__)


class EmbeddingError(AssistantError):
    """The embedding model cannot be built or run."""


class SentenceTransformerEmbedder(Embeddings):
    """Normalised MiniLM sentence embeddings (cosine = dot product). Loads on first use.

    ``encode`` embeds documents (through torch from ``torch_from`` texts on, else ONNX: see
    the module's docstring), ``embed_query`` one question (ONNX); both fall back to
    sentence-transformers when the ONNX model cannot be built. ``threads`` is onnxruntime's
    (default: the CPU count, at most 8); ``model_id`` names the vector space for a store.
    """

    def __init__(
        self,
        model_path: str | None = None,
        *,
        batch_size: int = 32,
        precision: Precision = "fp32",
        threads: int | None = None,
        torch_from: int | None = 512,
        prepack: bool = True,
    ) -> None:
        if batch_size <= 0:
            raise ValueError(f"batch_size must be greater than 0. Currently, it is {batch_size}")
        if threads is not None and threads <= 0:
            raise ValueError(f"threads must be greater than 0. Currently, it is {threads}")
        if torch_from is not None and torch_from <= 0:
            raise ValueError(
                f"torch_from must be greater than 0 or None. Currently, it is {torch_from}"
            )
        if precision not in PRECISIONS:
            raise ValueError(
                f"precision must be one of {', '.join(PRECISIONS)}. Currently, it is {precision!r}"
            )
        self._model_path = model_path
        self.batch_size = batch_size
        self.precision: Precision = precision
        self.threads = threads or min(os.cpu_count() or 1, 8)
        # From this many texts on, encode() loads torch (see the module's docstring); None: never
        # (unless the ONNX model cannot be built).
        self.torch_from = torch_from
        # onnxruntime's pre-packed copy of the fp32 weights: ~30 MB more memory for faster
        # questions (benchmarks/onnx_memory.py); INT8 kernels need it, so INT8 always packs.
        self.prepack = prepack
        self._model: Any = None
        self._session: Any = None
        self._tokenizer: Any = None
        self._weights: str | None = None
        self._lock = threading.Lock()
        self._session_lock = threading.Lock()

    @property
    def model_path(self) -> str:
        return self._model_path or packaged_minilm_path()

    @property
    def weights_key(self) -> str:
        if self._weights is None:
            self._weights = weights_key(self.model_path)
        return self._weights

    @property
    def model_id(self) -> str:
        """Names the vector space this embedder writes and searches, e.g.
        ``all-MiniLM-L6-v2@bc1a44a5812da4c5`` (``+int8`` appended for the quantised model).

        sentence-transformers and the fp32 ONNX export share one id (their vectors agree to
        within 1e-5 cosine), so stores built by either are interchangeable; a store whose
        recorded id differs from this one must be rebuilt, not searched."""
        return space_id(self.weights_key, self.precision)

    @property
    def model(self) -> Any:
        """The sentence-transformers model (torch): the export's source and the fallback."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    ensure_offline()
                    from sentence_transformers import SentenceTransformer
                    from transformers.utils import logging as hf_logging

                    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
                    logger.info("loading embedding model from %s", self.model_path)
                    self._model = SentenceTransformer(self.model_path, device="cpu")
        return self._model

    # -- the public interface ---------------------------------------------------------------

    def encode(self, texts: list[str], *, show_progress: bool = False) -> NDArray[np.float32]:
        """One unit-length row per text, in the order given (documents: ``fold``ed chunk
        texts). Torch or ONNX by the number of texts; the vectors are the same."""
        if not texts:
            import numpy as np

            return np.zeros((0, 0), dtype=np.float32)
        bulk = self.torch_from is not None and len(texts) >= self.torch_from
        if bulk and self.precision == "fp32":
            return self.encode_with_torch(texts, show_progress=show_progress)
        session = self._onnx_model()
        if session is None:
            return self.encode_with_torch(texts, show_progress=show_progress)
        vectors = _in_length_order(
            texts,
            self.batch_size,
            lambda batch: onnx_encode(session, self._tokenizer, batch),
            show_progress=show_progress,
        )
        if len(texts) > 1:
            release_arena(session)
        return vectors

    def encode_with_torch(
        self, texts: list[str], *, show_progress: bool = False
    ) -> NDArray[np.float32]:
        """The same vectors through sentence-transformers (the reference, and the fallback)."""
        if self.precision != "fp32":
            raise EmbeddingError(
                f"The {self.precision} embedding model has no torch equivalent; "
                "use precision='fp32' or fix the ONNX export (see the log)."
            )

        def encode(batch: list[str]) -> NDArray[np.float32]:
            result: NDArray[np.float32] = self.model.encode(
                batch,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            return result

        # sentence-transformers batches each call's texts by length itself; slices of the
        # length-sorted texts keep those batches and give the same progress bar as ONNX.
        return _in_length_order(texts, self.batch_size * 16, encode, show_progress=show_progress)

    @property
    def session(self) -> Any:
        """The ONNX session that questions and small ingests run: None until it is loaded."""
        return self._session

    def load(self) -> None:
        """Load, now, what questions and small ingests run (the ONNX session; building it
        releases the GIL, so another thread can load it while this one works)."""
        if self._onnx_model() is None:
            _ = self.model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [list(map(float, row)) for row in self.encode(texts)] if texts else []

    def embed_query(self, text: str) -> list[float]:
        session = self._onnx_model()
        if session is None:
            return [float(x) for x in self.encode_with_torch([text])[0]]
        return [float(x) for x in onnx_encode(session, self._tokenizer, [text])[0]]

    # -- the ONNX model ---------------------------------------------------------------------

    @property
    def onnx_path(self) -> Path:
        """The cached ONNX model this embedder runs (fp32 export, or its INT8 quantisation)."""
        name = f"minilm-{self.weights_key}"
        return cache_dir() / (f"{name}.onnx" if self.precision == "fp32" else f"{name}.int8.onnx")

    def prepare_query_model(self) -> Path | None:
        """Make the ONNX model if it is not cached yet (the export needs torch and ``onnx``);
        None when that is not possible, in which case the fp32 embedder uses torch."""
        target = self.onnx_path
        if target.is_file():
            return target
        fp32 = cache_dir() / f"minilm-{self.weights_key}.onnx"
        try:
            if not fp32.is_file():
                self._export(fp32)
            if target != fp32:
                quantize(fp32, target)
        except Exception as exc:  # the torch path still works: slower, same vectors
            logger.warning("could not build the ONNX embedding model (%s); using torch", exc)
            return None
        return target

    def _export(self, target: Path) -> None:
        export_onnx(self.model, target)

    def _onnx_model(self) -> Any:
        if self._session is None:
            with self._session_lock:
                if self._session is None:
                    path = self.prepare_query_model()
                    if path is None:
                        if self.precision != "fp32":
                            raise EmbeddingError(
                                f"Could not build the {self.precision} embedding model "
                                f"in {cache_dir()} (see the log)."
                            )
                        return None
                    session, self._tokenizer = open_session(
                        path,
                        self.model_path,
                        threads=self.threads,
                        prepack=self.prepack,
                        precision=self.precision,
                    )
                    self._session = session
        return self._session


def _in_length_order(
    texts: list[str],
    step: int,
    encode: Callable[[list[str]], NDArray[np.float32]],
    *,
    show_progress: bool,
) -> NDArray[np.float32]:
    """``encode`` over slices of ``step`` texts, longest first (each batch pads to about its
    own length, and the first shows the peak memory); rows come back in the caller's order."""
    import numpy as np
    from tqdm import tqdm

    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    result: NDArray[np.float32] | None = None
    with tqdm(total=len(texts), disable=not show_progress, desc="Embedding", unit="chunk") as bar:
        for lo in range(0, len(order), step):
            rows = order[lo : lo + step]
            vectors = encode([texts[i] for i in rows])
            if result is None:
                result = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
            result[rows] = vectors
            bar.update(len(rows))
    assert result is not None  # texts is not empty
    return result
