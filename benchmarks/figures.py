"""Small statistics the benchmarks print (run as scripts: ``import figures`` from their folder)."""

from __future__ import annotations

from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile of ``values``, interpolated linearly between ranks."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    lo = int(position)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (position - lo)
