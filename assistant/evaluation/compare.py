"""Compare two run files: per-metric deltas and the cases whose outcome flipped."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.evaluation.dataset import DatasetError

RUN_KEYS = ("system", "settings", "summary", "cases")


def load_run(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DatasetError(f"{path} does not exist.") from None
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{path} is not a readable run file: {exc}.") from None
    if not isinstance(data, dict) or any(k not in data for k in RUN_KEYS):
        raise DatasetError(f"{path} is not a run file (needs {', '.join(RUN_KEYS)}).")
    return data


@dataclass(frozen=True, slots=True)
class Flip:
    id: str
    question: str
    metric: str
    before: float
    after: float


@dataclass(frozen=True, slots=True)
class Comparison:
    a: str
    b: str
    deltas: dict[str, tuple[float, float, float]]
    flips: tuple[Flip, ...]

    def render(self) -> str:
        lines = [f"{'metric':32s} {'A':>9s} {'B':>9s} {'B-A':>9s}"]
        for name, (a, b, delta) in self.deltas.items():
            lines.append(f"{name:32s} {a:9.3f} {b:9.3f} {delta:+9.3f}")
        lines.append("")
        if not self.flips:
            lines.append("No case flipped.")
        for flip in self.flips:
            direction = "better" if flip.after > flip.before else "worse"
            lines.append(
                f"{direction:6s} {flip.id}: {flip.metric} {flip.before:g} → {flip.after:g}"
                f"  ({flip.question})"
            )
        return "\n".join(lines)


FLIP_METRICS = ("answer_in_citation", "contains", "abstention_correct")


def compare_runs(a: dict[str, Any], b: dict[str, Any]) -> Comparison:
    shared = [k for k in a["summary"] if k in b["summary"]]
    deltas = {
        k: (float(a["summary"][k]), float(b["summary"][k]), b["summary"][k] - a["summary"][k])
        for k in shared
    }
    before = {c["id"]: c for c in a["cases"]}
    flips = []
    for case in b["cases"]:
        old = before.get(case["id"])
        if old is None:
            continue
        for metric in FLIP_METRICS:
            x, y = old["metrics"].get(metric), case["metrics"].get(metric)
            if x is not None and y is not None and x != y:
                flips.append(Flip(case["id"], case["question"], metric, float(x), float(y)))
    return Comparison(str(a["system"]), str(b["system"]), deltas, tuple(flips))
