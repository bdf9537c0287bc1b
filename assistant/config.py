"""One frozen settings object, read from ``ASSISTANT_*`` variables when asked for."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_serializer, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.errors import ConfigError
from assistant.limits import ReadLimits

CALIBRATION_FILE = "calibration.json"


class Settings(BaseSettings):
    """Every tunable of the pipeline. Chosen values were measured on the dev set (README)."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", frozen=True, extra="ignore")

    store_dir: Path = Path("vectorstore")
    chroma_url: str | None = None
    collection: str = "briefings"

    chunk_size: int = Field(5, description="sentences per chunk")
    chunk_overlap: int = Field(1, description="sentences shared by neighbouring chunks")

    dense_k: int = 10
    bm25_k: int = 10
    rrf_k: int = 60
    dense_weight: float = 1.0
    bm25_weight: float = 1.0
    rerank_candidates: int = 5
    top_k: int = 5
    duplicate_threshold: float = 0.6
    # A leaning sentence is scored again with its predecessor in front only when it or its
    # predecessor scored within this many logits of the best sentence alone (inf: always).
    # Scored per pair, 12 (and 10) changed no answer of the dev halves, 8 one; inf scores 9%
    # more pairs (benchmarks/rerank_pairs.py).
    rerank_context_margin: float = 12.0
    # Cross-encoder pairs per ONNX run, grouped by length (0: all in one run, padded to the
    # longest); 1 makes each pair's score independent of the others. The INT8 model's scores
    # move with their company (b 1 vs b 0, the same pairs, changed 29 of 199 dev answers),
    # so the dev halves choose among equals: 4 with margin 12 answered as well as 0 with
    # inf in sum over the dev halves, at 0.49x the warm-ask time (benchmarks/rerank_pairs.py).
    rerank_batch_size: int = 4

    # Confidence (the gate's log-odds) under which to refuse; None: the gate's own, or the
    # store's calibration.json (`assistant eval calibrate`).
    abstain_threshold: float | None = None
    # The cross-encoder score a short answer's sentence must reach for it to be shown in
    # bold; None: the policy's own (assistant/answer/bold.py); -inf: every short answer
    # shown (what benchmarks/fit_bold.py measures).
    bold_threshold: float | None = None
    answer_delta: float = 1.5
    max_answer_sentences: int = 3
    max_question_chars: int = 1000
    max_file_bytes: int = 5_000_000
    # PDF and Word files: their size, a PDF's pages, the characters of text read from one,
    # and the time and memory its reading (in a child process) may take.
    max_document_bytes: int = 50_000_000
    max_pages: int = 2_000
    max_extracted_chars: int = 5_000_000
    parse_timeout: float = 60.0
    parse_memory_mb: int = 2_048
    onnx_threads: int = 2

    # --mode llm: the user's OpenAI-compatible server (``/v1`` address), the model to ask
    # (None: the first the server lists), the environment variable holding its API key
    # (None: no key), how many passages go into the prompt, and the reply's bounds.
    llm_url: str | None = None
    llm_model: str | None = None
    llm_key_env: str | None = None
    llm_passages: int = 3
    llm_max_tokens: int = 256
    llm_timeout: float = 120.0

    @model_validator(mode="after")
    def _check(self) -> Settings:
        positive = {
            "chunk_size": self.chunk_size,
            "dense_k": self.dense_k,
            "bm25_k": self.bm25_k,
            "rrf_k": self.rrf_k,
            "rerank_candidates": self.rerank_candidates,
            "top_k": self.top_k,
            "max_answer_sentences": self.max_answer_sentences,
            "max_question_chars": self.max_question_chars,
            "max_file_bytes": self.max_file_bytes,
            "onnx_threads": self.onnx_threads,
            "llm_passages": self.llm_passages,
            "llm_max_tokens": self.llm_max_tokens,
        }
        for name, value in positive.items():
            if value <= 0:
                raise ValueError(f"{name} must be greater than 0. Currently, {name} is {value}")
        if not 0 <= self.chunk_overlap < self.chunk_size:
            raise ValueError(
                "chunk_overlap must be at least 0 and less than chunk_size. "
                f"Currently, chunk_overlap is {self.chunk_overlap}"
            )
        _check_range("duplicate_threshold", self.duplicate_threshold, 0.0, 1.0)
        if not self.rerank_context_margin >= 0:  # NaN fails too; inf means "always"
            raise ValueError(
                "rerank_context_margin must be a number of at least 0 (inf: always). "
                f"Currently, rerank_context_margin is {self.rerank_context_margin}"
            )
        if self.rerank_batch_size < 0:
            raise ValueError(
                "rerank_batch_size must be at least 0 (0: one batch). "
                f"Currently, rerank_batch_size is {self.rerank_batch_size}"
            )
        for name in ("dense_weight", "bm25_weight", "answer_delta"):
            _check_range(name, getattr(self, name), 0.0, math.inf)
        for name, value, low, high in (
            ("max_document_bytes", self.max_document_bytes, 1, 2_000_000_000),
            ("max_pages", self.max_pages, 1, 100_000),
            ("max_extracted_chars", self.max_extracted_chars, 1, 200_000_000),
            ("parse_memory_mb", self.parse_memory_mb, 256, 65_536),
        ):
            if not low <= value <= high:
                raise ValueError(
                    f"{name} must be between {low:,} and {high:,}. Currently, {name} is {value}"
                )
        if not 0 < self.parse_timeout <= 3600:
            raise ValueError(
                "parse_timeout must be a number of seconds greater than 0 and at most 3600. "
                f"Currently, parse_timeout is {self.parse_timeout}"
            )
        if not 0 < self.llm_timeout <= 3600:
            raise ValueError(
                "llm_timeout must be a number of seconds greater than 0 and at most 3600. "
                f"Currently, llm_timeout is {self.llm_timeout}"
            )
        if self.abstain_threshold is not None:
            _check_threshold(self.abstain_threshold)
        if self.bold_threshold is not None and (
            math.isnan(self.bold_threshold) or self.bold_threshold == math.inf
        ):
            raise ValueError(
                "bold_threshold must be a finite number (or -inf: always show). "
                f"Currently, bold_threshold is {self.bold_threshold}"
            )
        return self

    @field_serializer("rerank_context_margin", when_used="json")
    def _margin_as_json(self, value: float) -> float | str:
        """inf ("always") as the string "inf": run files are strict JSON."""
        return "inf" if math.isinf(value) else value

    @field_serializer("abstain_threshold", "bold_threshold", when_used="json")
    def _threshold_as_json(self, value: float | None) -> float | str | None:
        """-inf ("never refuse", "always bold") as the string "-inf": strict JSON."""
        return "-inf" if value is not None and math.isinf(value) else value

    def read_limits(self) -> ReadLimits:
        """What one file may cost to read (see ``ReadLimits``)."""
        return ReadLimits(
            max_bytes=self.max_file_bytes,
            max_document_bytes=self.max_document_bytes,
            max_pages=self.max_pages,
            max_chars=self.max_extracted_chars,
            timeout=self.parse_timeout,
            memory_mb=self.parse_memory_mb,
        )

    @property
    def calibration_path(self) -> Path:
        return self.store_dir / CALIBRATION_FILE

    def threshold(self) -> float | None:
        """The abstention threshold on the gate's confidence: the explicit setting, else the
        store's calibration file, else None (the packaged gate's own threshold)."""
        if self.abstain_threshold is not None:
            return self.abstain_threshold
        path = self.calibration_path
        if path.is_file():
            try:
                value = float(json.loads(path.read_text(encoding="utf-8"))["abstain_threshold"])
            except (ValueError, KeyError, TypeError) as exc:
                raise ConfigError(f"{path} is not a valid calibration file: {exc}") from exc
            if not math.isfinite(value):
                raise ConfigError(
                    f"{path} gives abstain_threshold {value}; it must be a finite number"
                    " (run `assistant eval calibrate` again)."
                )
            return value
        return None


def _check_range(name: str, value: float, low: float, high: float) -> None:
    """``value`` must be a number in ``[low, high]`` (NaN is in no range)."""
    if not low <= value <= high or value == math.inf:
        bounds = f"of at least {low:g}" if high == math.inf else f"between {low:g} and {high:g}"
        raise ValueError(f"{name} must be a finite number {bounds}. Currently, {name} is {value}")


def _check_threshold(value: float) -> None:
    """Any finite log-odds, or -inf: answer every question (what calibration runs use)."""
    if math.isnan(value) or value == math.inf:
        raise ValueError(
            "abstain_threshold must be a finite number (or -inf: never abstain). "
            f"Currently, abstain_threshold is {value}"
        )


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment plus explicit overrides; bad values raise ConfigError."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        if not where:  # a check across fields: its message names the field and its value
            message = first["msg"].removeprefix("Value error, ")
            raise ConfigError(f"Invalid setting: {message}") from None
        raise ConfigError(
            f"Invalid setting {where}: {first['msg']}. Currently, it is {first.get('input')!r}"
        ) from None
