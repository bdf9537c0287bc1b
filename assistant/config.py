"""One frozen settings object, read from ``ASSISTANT_*`` variables when asked for."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_serializer, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.documents.limits import ReadLimits
from assistant.errors import ConfigError

CALIBRATION_FILE = "calibration.json"
# The abstention threshold is a log-odds: beyond ±100 it answers (or refuses) everything the
# gate can score, so larger values are mistakes; -inf (never abstain) is allowed.
THRESHOLD_LIMIT = 100.0
ENV_PREFIX = "ASSISTANT_"


class Settings(BaseSettings):
    """Every tunable of the pipeline. Chosen values were measured on the dev set (README)."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="ignore")

    store_dir: Path = Path("vectorstore")
    chroma_url: str | None = None
    collection: str = "briefings"

    # Every number has a range (``ge``/``le``), checked when the settings load: generous, but
    # refusing what no store or model can do (a billion passages, 100,000 threads) before it
    # reaches one. ``load_settings`` names the setting, its variable and the range.
    chunk_size: int = Field(5, ge=1, le=50, description="sentences per chunk")
    chunk_overlap: int = Field(
        1, ge=0, le=49, description="sentences shared by neighbouring chunks (< chunk_size)"
    )

    dense_k: int = Field(10, ge=1, le=1000, description="passages from vector search")
    bm25_k: int = Field(10, ge=1, le=1000, description="passages from BM25")
    rrf_k: int = Field(60, ge=1, le=10_000, description="reciprocal-rank fusion's constant")
    dense_weight: float = Field(1.0, ge=0, le=100, description="vector search's fusion weight")
    bm25_weight: float = Field(1.0, ge=0, le=100, description="BM25's fusion weight")
    rerank_candidates: int = Field(
        5, ge=1, le=100, description="fused passages whose sentences the cross-encoder scores"
    )
    top_k: int = Field(5, ge=1, le=100, description="passages handed to the reader")
    duplicate_threshold: float = Field(
        0.6, ge=0, le=1, description="word overlap at which a passage repeats another"
    )
    # A leaning sentence is scored again with its predecessor in front only when it or its
    # predecessor scored within this many logits of the best sentence alone (inf: always).
    # Scored per pair, 12 (and 10) changed no answer of the dev halves, 8 one; inf scores 9%
    # more pairs (benchmarks/rerank_pairs.py).
    rerank_context_margin: float = Field(
        12.0, ge=0, description="logits under the best sentence (inf: always)"
    )
    # Cross-encoder pairs per ONNX run, grouped by length (0: all in one run, padded to the
    # longest); 1 makes each pair's score independent of the others. The INT8 model's scores
    # move with their company (b 1 vs b 0, the same pairs, changed 29 of 199 dev answers),
    # so the dev halves choose among equals: 4 with margin 12 answered as well as 0 with
    # inf in sum over the dev halves, at 0.49x the warm-ask time (benchmarks/rerank_pairs.py).
    rerank_batch_size: int = Field(
        4, ge=0, le=1024, description="cross-encoder pairs per run (0: one run)"
    )

    # Confidence (the gate's log-odds) under which to refuse; None: the gate's own, or the
    # store's calibration.json (`assistant eval calibrate`).
    abstain_threshold: float | None = Field(
        None, description=f"the gate's log-odds, within ±{THRESHOLD_LIMIT:g} (-inf: never abstain)"
    )
    # The cross-encoder score a short answer's sentence must reach for it to be shown in
    # bold; None: the policy's own (assistant/answer/bold.py); -inf: every short answer
    # shown (what benchmarks/fit_bold.py measures).
    bold_threshold: float | None = Field(
        None, description=f"a cross-encoder score, within ±{THRESHOLD_LIMIT:g} (-inf: always)"
    )
    answer_delta: float = Field(
        1.5, ge=0, le=100, description="logits under the best sentence a quoted one may score"
    )
    max_answer_sentences: int = Field(3, ge=1, le=20, description="sentences quoted at most")
    max_question_chars: int = Field(1000, ge=1, le=100_000, description="longest question")
    max_file_bytes: int = Field(
        5_000_000, ge=1, le=1_000_000_000, description="largest document file read"
    )
    # PDF and Word files: their size, a PDF's pages, the characters of text read from one,
    # and the time and memory its reading (in a child process) may take.
    max_document_bytes: int = Field(
        50_000_000, ge=1, le=2_000_000_000, description="largest PDF or Word file read"
    )
    max_pages: int = Field(2_000, ge=1, le=100_000, description="most pages read of a PDF")
    max_extracted_chars: int = Field(
        5_000_000, ge=1, le=200_000_000, description="most characters read from one file"
    )
    parse_timeout: float = Field(
        60.0, gt=0, le=3600, description="seconds a PDF or Word file may take to read"
    )
    parse_memory_mb: int = Field(
        2_048, ge=256, le=65_536, description="memory (MB) reading one PDF or Word file may take"
    )
    onnx_threads: int = Field(
        2, ge=1, le=256, description="threads of the cross-encoder (onnxruntime)"
    )

    # --mode llm: the user's OpenAI-compatible server (``/v1`` address), the model to ask
    # (None: the first the server lists), the environment variable holding its API key
    # (None: no key), how many passages go into the prompt, and the reply's bounds.
    llm_url: str | None = None
    llm_model: str | None = None
    llm_key_env: str | None = None
    llm_passages: int = Field(3, ge=1, le=50, description="passages in the LLM's prompt")
    llm_max_tokens: int = Field(256, ge=1, le=32_768, description="longest LLM reply")
    llm_timeout: float = Field(
        120.0, gt=0, le=3600, description="seconds to wait for the LLM server"
    )

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if not self.chunk_overlap < self.chunk_size:
            raise ValueError(
                f"chunk_overlap must be at least 0 and less than chunk_size, {self.chunk_size}"
                f" ({ENV_PREFIX}CHUNK_OVERLAP). Currently, chunk_overlap is {self.chunk_overlap}"
            )
        if self.abstain_threshold is not None:
            _check_threshold("abstain_threshold", self.abstain_threshold, "never abstain")
        if self.bold_threshold is not None:
            _check_threshold("bold_threshold", self.bold_threshold, "always show")
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
                raw = json.loads(path.read_text(encoding="utf-8"))["abstain_threshold"]
                if isinstance(raw, bool) or not isinstance(raw, int | float | str):
                    raise TypeError(f"abstain_threshold is {raw!r}, not a number")
                value = float(raw)
            except KeyError:
                raise ConfigError(
                    f"{path} is not a valid calibration file: it gives no abstain_threshold"
                    " (run `assistant eval calibrate` again)."
                ) from None
            except (ValueError, TypeError) as exc:
                raise ConfigError(f"{path} is not a valid calibration file: {exc}") from exc
            if not -THRESHOLD_LIMIT <= value <= THRESHOLD_LIMIT:
                raise ConfigError(
                    f"{path} gives abstain_threshold {value}; it must be a finite number"
                    f" between {-THRESHOLD_LIMIT:g} and {THRESHOLD_LIMIT:g}"
                    " (run `assistant eval calibrate` again)."
                )
            return value
        return None


def _check_threshold(name: str, value: float, minus_inf: str) -> None:
    """A log-odds within ±``THRESHOLD_LIMIT``, or -inf (``minus_inf``: what it means; what
    calibration runs and benchmarks/fit_bold.py use)."""
    if not -THRESHOLD_LIMIT <= value <= THRESHOLD_LIMIT and value != -math.inf:
        raise ValueError(
            f"{name} must be a finite number between {-THRESHOLD_LIMIT:g} and"
            f" {THRESHOLD_LIMIT:g}, or -inf: {minus_inf} ({ENV_PREFIX}{name.upper()})."
            f" Currently, {name} is {value}"
        )


def setting_bounds(name: str) -> tuple[float | None, float | None, bool]:
    """A setting's range from its field: (lowest, highest, whether the lowest is excluded)."""
    low = high = None
    above = False
    for rule in Settings.model_fields[name].metadata:
        if getattr(rule, "ge", None) is not None:
            low = rule.ge
        if getattr(rule, "gt", None) is not None:
            low, above = rule.gt, True
        if getattr(rule, "le", None) is not None:
            high = rule.le
    return low, high, above


def range_text(name: str) -> str:
    """What ``name`` must be, in words ("a whole number between 1 and 1000")."""
    field = Settings.model_fields[name]
    whole = field.annotation is int
    low, high, above = setting_bounds(name)
    kind = "a whole number" if whole else "a finite number" if high is not None else "a number"

    def text(bound: float) -> str:
        return f"{int(bound):,}" if whole else f"{bound:g}"

    if low is not None and high is not None:
        if above:
            return f"{kind} greater than {text(low)} and at most {text(high)}"
        return f"{kind} between {text(low)} and {text(high)}"
    if low is not None:
        return f"{kind} of at least {text(low)}" + ("" if whole else " (inf allowed)")
    return kind


def _shown(name: str, value: Any) -> str:
    """A refused value as the setting reads it ("5000000000", "nan", "-1.0")."""
    field = Settings.model_fields.get(name)
    number = float if field is not None and field.annotation in (float, float | None) else int
    try:
        return str(number(value))
    except (TypeError, ValueError, OverflowError):
        return repr(value)


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment plus explicit overrides; bad values raise ConfigError
    naming the setting, its ``ASSISTANT_*`` variable and what it must be."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        if not where:  # a check across fields: its message names the field and its value
            message = first["msg"].removeprefix("Value error, ")
            raise ConfigError(f"Invalid setting: {message}") from None
        variable = f"{ENV_PREFIX}{where.upper()}"
        if first["type"] in _OUT_OF_RANGE and where in Settings.model_fields:
            raise ConfigError(
                f"Invalid setting: {where} must be {range_text(where)} ({variable}). "
                f"Currently, {where} is {_shown(where, first.get('input'))}"
            ) from None
        raise ConfigError(
            f"Invalid setting {where}: {first['msg']} ({variable}). "
            f"Currently, it is {first.get('input')!r}"
        ) from None


_OUT_OF_RANGE = frozenset(
    {"greater_than", "greater_than_equal", "less_than", "less_than_equal", "finite_number"}
)
