"""The shared Q&A case format: one JSON object a line."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from assistant.errors import AssistantError
from assistant.types import Turn
from assistant.validation import parse_history


class DatasetError(AssistantError, ValueError):
    """A Q&A file that cannot be used; the message names the line."""


_KEYS = {
    "id", "question", "answers", "evidence", "answerable", "history", "intent", "must", "must_k",
    "short",
}  # fmt: skip
# What a question asks for (``assistant.intent.kinds.Intent`` values); a case without one is a
# look-up.
INTENTS = ("lookup", "overview", "profile", "statements", "inventory", "reason")

Split = Literal["dev", "test"]
SPLITS: tuple[Split, ...] = ("dev", "test")


def split_of(case_id: str) -> Split:
    """The fixed rule that halves every Q&A file: a case is in the dev half (tuning,
    calibration) when the first byte of the SHA-256 of its id is even, else in the test half
    (reporting). Stable under adding, removing or reordering other cases."""
    return "dev" if hashlib.sha256(case_id.encode("utf-8")).digest()[0] % 2 == 0 else "test"


@dataclass(frozen=True, slots=True)
class EvalCase:
    id: str
    question: str
    answers: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    answerable: bool = True
    history: tuple[Turn, ...] = ()
    # What the question asks for (``INTENTS``).
    intent: str = "lookup"
    # The key facts a right answer holds: each a tuple of accepted phrasings, of which at
    # least ``must_k`` (default: all) must appear in the answer.
    must: tuple[tuple[str, ...], ...] = ()
    must_k: int | None = None
    # Accepted short answers (the bold first words), when the question has one.
    short: tuple[str, ...] = ()

    @property
    def must_needed(self) -> int:
        """How many of ``must`` a right answer meets."""
        return len(self.must) if self.must_k is None else self.must_k

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "question": self.question,
            "answers": list(self.answers),
            "evidence": list(self.evidence),
            "answerable": self.answerable,
            "intent": self.intent,
        }
        if self.history:
            data["history"] = [{"role": t.role, "content": t.content} for t in self.history]
        if self.must:
            data["must"] = [list(group) for group in self.must]
            data["must_k"] = self.must_needed
        if self.short:
            data["short"] = list(self.short)
        return data


def _strings(value: Any, key: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DatasetError(f"{where}: '{key}' must be a list of strings.")
    return tuple(value)


def _must(value: Any, where: str) -> tuple[tuple[str, ...], ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
        isinstance(group, list) and group and all(isinstance(p, str) and p.strip() for p in group)
        for group in value
    ):
        raise DatasetError(
            f"{where}: 'must' must be a list of non-empty lists of phrasings (strings)."
        )
    return tuple(tuple(group) for group in value)


def parse_case(data: Any, where: str) -> EvalCase:
    if not isinstance(data, dict):
        raise DatasetError(f"{where}: expected a JSON object.")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise DatasetError(f"{where}: unknown key(s) {', '.join(unknown)}.")
    case_id, question = data.get("id"), data.get("question")
    if not isinstance(case_id, str) or not case_id.strip():
        raise DatasetError(f"{where}: 'id' must be a non-empty string.")
    if not isinstance(question, str) or not question.strip():
        raise DatasetError(f"{where}: 'question' must be a non-empty string.")
    answerable = data.get("answerable", True)
    if not isinstance(answerable, bool):
        raise DatasetError(f"{where}: 'answerable' must be true or false.")
    try:
        history = parse_history(data.get("history"))
    except AssistantError as exc:
        raise DatasetError(f"{where}: {exc}") from None
    answers = _strings(data.get("answers"), "answers", where)
    evidence = _strings(data.get("evidence"), "evidence", where)
    intent = data.get("intent", "lookup")
    if intent not in INTENTS:
        raise DatasetError(f"{where}: 'intent' must be one of {', '.join(INTENTS)}.")
    must = _must(data.get("must"), where)
    must_k = data.get("must_k")
    if must_k is not None and (
        isinstance(must_k, bool) or not isinstance(must_k, int) or not 1 <= must_k <= len(must)
    ):
        raise DatasetError(
            f"{where}: 'must_k' must be a whole number from 1 to the number of 'must' groups."
        )
    short = _strings(data.get("short"), "short", where)
    if not answerable and (answers or evidence or must or short):
        raise DatasetError(
            f"{where}: an unanswerable case has no answers, evidence, must or short."
        )
    return EvalCase(
        case_id, question, answers, evidence, answerable, history, intent, must, must_k, short
    )


def parse_cases(lines: Iterable[str], name: str) -> list[EvalCase]:
    cases: list[EvalCase] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{name} line {number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{where}: invalid JSON ({exc.msg}).") from None
        case = parse_case(data, where)
        if case.id in seen:
            raise DatasetError(
                f"{where}: duplicate id '{case.id}' (first on line {seen[case.id]})."
            )
        seen[case.id] = number
        cases.append(case)
    if not cases:
        raise DatasetError(f"{name} holds no cases.")
    return cases


def load_cases(path: str | Path, split: Split | None = None) -> list[EvalCase]:
    """Read a JSONL Q&A file (only its ``split`` half, when given); any problem raises
    ``DatasetError`` naming the line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DatasetError(f"{path} does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path} cannot be read as UTF-8 text: {exc}.") from None
    cases = parse_cases(text.splitlines(), str(path))
    if split is None:
        return cases
    half = [case for case in cases if split_of(case.id) == split]
    if not half:
        raise DatasetError(f"{path} has no case in its {split} half.")
    return half
