"""Choose the abstention threshold that best separates answerable from unanswerable cases."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from itertools import pairwise
from pathlib import Path

from assistant.errors import AssistantError


@dataclass(frozen=True, slots=True)
class Calibration:
    threshold: float
    accuracy: float
    answered_answerable: float
    abstained_unanswerable: float
    cases: int

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"abstain_threshold": self.threshold, **asdict(self)}
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def choose_threshold(scores: Sequence[tuple[float, bool]]) -> Calibration:
    """``scores`` are (reader's best score, answerable). The threshold maximises accuracy:
    the share of cases handled right (answerable answered, unanswerable abstained). Cut
    points lie midway between neighbouring scores; among equally good ones the lowest wins:
    a wrongly answered question still carries a checked citation, a wrongly refused one
    helps nobody."""
    finite = sorted((s, a) for s, a in scores if math.isfinite(s))
    if not finite:
        raise AssistantError("Calibration needs cases with reader scores.")
    positives = sum(1 for _, a in finite if a)
    negatives = len(finite) - positives
    values = [s for s, _ in finite]
    cuts = (
        [values[0] - 1.0]
        + [(lo + hi) / 2 for lo, hi in pairwise(values) if hi > lo]
        + [values[-1] + 1.0]
    )

    def rates(threshold: float) -> tuple[float, float]:
        answered = sum(1 for s, a in finite if a and s >= threshold)
        abstained = sum(1 for s, a in finite if not a and s < threshold)
        return (
            answered / positives if positives else 1.0,
            abstained / negatives if negatives else 1.0,
        )

    def correct(threshold: float) -> int:
        answered, abstained = rates(threshold)
        return round(answered * positives + abstained * negatives)

    best = max(cuts, key=lambda t: (correct(t), -t))
    answered, abstained = rates(best)
    return Calibration(
        threshold=round(best, 3),
        accuracy=correct(best) / len(finite),
        answered_answerable=answered,
        abstained_unanswerable=abstained,
        cases=len(finite),
    )
