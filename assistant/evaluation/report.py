"""``report.md`` with the summary table, the worst cases and matplotlib plots."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.evaluation.metrics import answer_text
from assistant.extras import require_extra

HEADLINE = (
    "answer_in_citation", "contains", "f1", "semantic_similarity", "hit@1", "hit@3", "mrr",
    "citation_precision", "citation_recall", "groundedness", "abstention_precision",
    "abstention_recall", "false_abstention_rate", "answer_chars_p50", "latency_p50_ms",
    "latency_p95_ms",
)  # fmt: skip
DEFINITIONS_LINK = "See the README section 'Metrics' for every definition."


def summary_table(run: dict[str, Any], baseline: dict[str, Any] | None) -> str:
    names = [n for n in HEADLINE if n in run["summary"]]
    names += [n for n in run["summary"] if n not in names and n != "cases"]
    header = "| metric | " + run["system"] + (" | " + baseline["system"] if baseline else "") + " |"
    lines = [header, "|---|---:|" + ("---:|" if baseline else "")]
    for name in names:
        row = f"| {name} | {run['summary'][name]:.3f} |"
        if baseline:
            other = baseline["summary"].get(name)
            row += f" {other:.3f} |" if other is not None else " – |"
        lines.append(row)
    return "\n".join(lines)


def worst_cases(run: dict[str, Any], cases: Sequence[dict[str, Any]], n: int = 8) -> str:
    """Wrong abstentions, unanswered-but-should-abstain, then lowest F1 first."""
    gold = {c["id"]: c for c in cases}

    def badness(record: dict[str, Any]) -> tuple[float, float, float]:
        m = record["metrics"]

        def value(name: str) -> float:
            found = m.get(name)
            return 1.0 if found is None else float(found)

        return (value("abstention_correct"), value("answer_in_citation"), value("f1"))

    rows = []
    for record in sorted(run["cases"], key=badness)[:n]:
        case = gold.get(record["id"], {})
        expected = "; ".join(case.get("answers", [])) or "(abstain)"
        got = "(abstained)" if record["abstained"] else answer_text(record["answer"])
        cited = " / ".join(" ".join(c["text"].split())[:160] for c in record["citations"]) or "–"
        rows.append(
            f"- **{record['id']}** — {record['question']}\n  - expected: {expected}\n"
            f"  - got: {got}\n  - cited: {cited}"
        )
    return "\n".join(rows)


def _plots(
    run: dict[str, Any],
    baseline: dict[str, Any] | None,
    threshold: float | None,
    folder: Path,
) -> list[str]:
    require_extra("eval")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    made = []
    scores = [
        (c["metrics"].get("confidence"), bool(c["metrics"].get("answerable"))) for c in run["cases"]
    ]
    answerable = [s for s, a in scores if s is not None and a]
    unanswerable = [s for s, a in scores if s is not None and not a]
    fig, ax = plt.subplots(figsize=(7, 3.5))
    every = answerable + unanswerable
    low, high = (min(every), max(every)) if every else (0.0, 1.0)
    bins = [low + (high - low) * i / 20 for i in range(21)] if high > low else 20
    if answerable:
        ax.hist(answerable, bins=bins, alpha=0.6, label="answerable")
    if unanswerable:
        ax.hist(unanswerable, bins=bins, alpha=0.6, label="unanswerable")
    if threshold is not None:
        ax.axvline(threshold, color="black", linestyle="--", label=f"threshold {threshold:.2f}")
    ax.set_xlabel("abstention gate's confidence (log-odds the documents answer)")
    ax.set_ylabel("cases")
    ax.set_title("Abstention: confidence by case type")
    ax.legend()
    fig.tight_layout()
    fig.savefig(folder / "scores.png", dpi=110)
    plt.close(fig)
    made.append("scores.png")

    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.hist([c["latency_ms"] for c in run["cases"]], bins=20, alpha=0.7, label=run["system"])
    if baseline:
        ax.hist(
            [c["latency_ms"] for c in baseline["cases"]], bins=20, alpha=0.5,
            label=baseline["system"],
        )  # fmt: skip
    ax.set_xlabel("latency per question (ms)")
    ax.set_ylabel("cases")
    ax.set_title("Latency")
    ax.legend()
    fig.tight_layout()
    fig.savefig(folder / "latency.png", dpi=110)
    plt.close(fig)
    made.append("latency.png")

    names = [
        n for n in ("answer_in_citation", "contains", "f1", "hit@1", "mrr", "citation_precision",
                    "groundedness", "abstention_recall")
        if n in run["summary"]
    ]  # fmt: skip
    fig, ax = plt.subplots(figsize=(8, 3.8))
    width = 0.4 if baseline else 0.6
    positions = range(len(names))
    ax.bar(
        [p - (width / 2 if baseline else 0) for p in positions],
        [run["summary"][n] for n in names], width, label=run["system"],
    )  # fmt: skip
    if baseline:
        ax.bar(
            [p + width / 2 for p in positions],
            [baseline["summary"].get(n, 0.0) for n in names], width, label=baseline["system"],
        )  # fmt: skip
    ax.set_xticks(list(positions), names, rotation=30, ha="right")
    ax.set_ylim(0, 1.3)
    ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.set_title("Metrics" + (" against the baseline" if baseline else ""))
    ax.legend(loc="upper center", ncol=2, frameon=False)
    fig.tight_layout()
    fig.savefig(folder / "metrics.png", dpi=110)
    plt.close(fig)
    made.append("metrics.png")
    return made


def write_report(
    folder: str | Path,
    run: dict[str, Any],
    cases: Sequence[dict[str, Any]],
    *,
    baseline: dict[str, Any] | None = None,
    threshold: float | None = None,
) -> Path:
    """Write ``report.md`` and its PNG plots into ``folder``; returns the report's path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    plots = _plots(run, baseline, threshold, folder)
    body = [
        f"# Evaluation: {run['system']}",
        "",
        f"{int(run['summary'].get('cases', len(run['cases'])))} cases. {DEFINITIONS_LINK}",
        "",
        "## Summary",
        "",
        summary_table(run, baseline),
        "",
        "## Plots",
        "",
        *[f"![{name}]({name})" for name in plots],
        "",
        "## Worst cases",
        "",
        worst_cases(run, cases),
        "",
    ]
    path = folder / "report.md"
    path.write_text("\n".join(body), encoding="utf-8")
    return path
