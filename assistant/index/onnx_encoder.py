"""Sentence vectors from the ONNX model through onnxruntime: the session and its tokenizer,
mean pooling and normalisation, and handing a batch's memory back."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.index.vector_space import Precision

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)


def open_session(
    path: Path, model_path: str, *, threads: int, prepack: bool, precision: Precision
) -> tuple[Any, Any]:
    """The onnxruntime session of the model at ``path`` and the tokenizer it reads with."""
    import onnxruntime
    from tokenizers import Tokenizer

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.log_severity_level = 3
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    if not prepack and precision == "fp32":
        options.add_session_config_entry("session.disable_prepacking", "1")
    tokenizer = Tokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.enable_padding()
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return session, tokenizer


def onnx_encode(session: Any, tokenizer: Any, texts: list[str]) -> NDArray[np.float32]:
    """One unit-length row per text: the last hidden state mean-pooled over the tokens."""
    import numpy as np

    encodings = tokenizer.encode_batch(texts)
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
    types = np.zeros_like(ids)
    hidden = session.run(None, {"input_ids": ids, "attention_mask": mask,
                                "token_type_ids": types})[0]  # fmt: skip
    pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
    normalised: NDArray[np.float32] = (
        pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
    ).astype(np.float32)
    return normalised


def release_arena(session: Any) -> None:
    """Hand the memory that batches of documents grew onnxruntime's arena by back to the
    system (a batch of 32 long chunks needs ~250 MB that one question never does): one
    tiny run with arena shrinkage on."""
    import numpy as np
    import onnxruntime

    options = onnxruntime.RunOptions()
    options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
    one = np.ones((1, 1), dtype=np.int64)
    feeds = {"input_ids": one, "attention_mask": one, "token_type_ids": np.zeros_like(one)}
    session.run(None, feeds, options)
