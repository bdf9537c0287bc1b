"""The ONNX embedding model, made once per machine into the cache: sentence-transformers'
weights exported through torch (fp32), and onnxruntime's dynamic INT8 quantisation of that."""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def export_onnx(model: Any, target: Path) -> None:
    """Export the encoder of ``model`` (a sentence-transformers model) to ``target``: its last
    hidden state, for batches and lengths of any size (pooling is left to the caller)."""
    import torch

    encoder = model[0].auto_model.eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, ids: Any, mask: Any, types: Any) -> Any:
            out = self.encoder(input_ids=ids, attention_mask=mask, token_type_ids=types)
            return out.last_hidden_state

    # Two texts of different lengths, so the traced graph keeps the padding mask.
    sample = model.tokenizer(["a sample", "another sample text"], return_tensors="pt",
                             padding=True)  # fmt: skip
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.tmp")
    names = [*_INPUTS, "last_hidden_state"]
    with torch.no_grad(), warnings.catch_warnings():
        # The tracer notes every Python-level branch on a tensor in transformers' masking
        # and attention code; for this encoder they are constant (padding handled by the
        # mask input), and tests/test_embeddings.py checks the export against torch.
        tracer_warning = torch.jit.TracerWarning  # type: ignore[attr-defined]
        warnings.filterwarnings("ignore", category=tracer_warning)
        warnings.filterwarnings(
            "ignore", category=UserWarning, message=r"Exporting aten::index operator"
        )
        # The TorchScript exporter is deprecated in favour of torch.export (dynamo=True),
        # which needs onnxscript and handles this model no better; it works in torch 2.13.
        warnings.filterwarnings(
            "ignore", category=DeprecationWarning, message=r"You are using the legacy"
        )
        warnings.filterwarnings(
            "ignore", category=DeprecationWarning, message=r"The feature will be removed"
        )
        torch.onnx.export(
            LastHiddenState(),
            tuple(sample[name] for name in _INPUTS),
            str(partial),
            input_names=list(_INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in names},
            opset_version=17,
            dynamo=False,
        )
    partial.replace(target)
    logger.info("exported the ONNX embedding model to %s", target)


def quantize(source: Path, target: Path) -> None:
    """onnxruntime's dynamic INT8 quantisation of the fp32 export (weights INT8 per channel,
    activations quantised on the fly)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    partial = target.with_suffix(f".{os.getpid()}.tmp")
    with _without_preprocessing_advice():
        quantize_dynamic(source, partial, per_channel=True, weight_type=QuantType.QInt8)
    partial.replace(target)
    logger.info("quantised the ONNX embedding model to %s", target)


def _no_preprocessing_advice(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("Please consider to run pre-processing")


@contextmanager
def _without_preprocessing_advice() -> Iterator[None]:
    """Drops onnxruntime's "Please consider to run pre-processing before quantization" (its
    pre-processing changed no vector of ours). It is logged with ``logging.warning``, which
    would also configure an unconfigured root logger: a placeholder handler prevents that."""
    root = logging.getLogger()
    placeholder = None if root.handlers else logging.NullHandler()
    if placeholder is not None:
        root.addHandler(placeholder)
    root.addFilter(_no_preprocessing_advice)
    try:
        yield
    finally:
        root.removeFilter(_no_preprocessing_advice)
        if placeholder is not None:
            root.removeHandler(placeholder)
