"""Metrics that need no LLM judge. Every function works on plain run-file data."""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Sequence
from typing import Any

from assistant.answer.citations import split_cited

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})
_PUNCT = set(string.punctuation)


def normalize_answer(text: str) -> str:
    """SQuAD normalisation (lower case, no punctuation, articles or extra space), plus NFKC
    and straightened curly quotes."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    text = "".join(ch for ch in text if ch not in _PUNCT)
    return " ".join(_ARTICLES.sub(" ", text).split())


def normalize_evidence(text: str) -> str:
    """Case, punctuation and curly quotes folded away (articles kept): for containment."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    return " ".join("".join(ch if ch not in _PUNCT else " " for ch in text).split())


def exact_match(prediction: str, answers: Sequence[str]) -> float:
    pred = normalize_answer(prediction)
    return float(any(pred == normalize_answer(a) for a in answers))


def token_f1(prediction: str, answers: Sequence[str]) -> float:
    pred = normalize_answer(prediction).split()
    best = 0.0
    for answer in answers:
        gold = normalize_answer(answer).split()
        common = sum((Counter(pred) & Counter(gold)).values())
        if common:
            precision, recall = common / len(pred), common / len(gold)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def contains(prediction: str, answers: Sequence[str]) -> float:
    pred = f" {normalize_answer(prediction)} "
    return float(any(f" {normalize_answer(a)} " in pred for a in answers if normalize_answer(a)))


def is_relevant(text: str, evidence: Sequence[str]) -> bool:
    folded = normalize_evidence(text)
    return any(normalize_evidence(e) in folded for e in evidence if normalize_evidence(e))


def retrieval_metrics(texts: Sequence[str], evidence: Sequence[str]) -> dict[str, float]:
    """hit@1/3/5, reciprocal rank and recall@k of a ranked list of passage texts."""
    ranks = [i for i, text in enumerate(texts, start=1) if is_relevant(text, evidence)]
    first = ranks[0] if ranks else None
    covered = sum(1 for e in evidence if any(is_relevant(t, [e]) for t in texts))
    return {
        "hit@1": float(first is not None and first <= 1),
        "hit@3": float(first is not None and first <= 3),
        "hit@5": float(first is not None and first <= 5),
        "mrr": 1.0 / first if first else 0.0,
        "recall@k": covered / len(evidence),
    }


def answer_text(answer: str) -> str:
    """The answer without its citation markers."""
    return " ".join(piece.text for piece in split_cited(answer))


def short_text(run_case: dict[str, Any]) -> str:
    """The short answer of a run-file case ("" when it has none; older run files have none)."""
    short = run_case.get("short")
    return str(short["text"]) if isinstance(short, dict) and short.get("text") else ""


_SHORT_LEAD = re.compile(r"^\*\*[^*\n]+\*\* — ")


def evidence_text(run_case: dict[str, Any]) -> str:
    """The answer's cited sentences: the answer without its short answer in front (the
    short answer is checked against its citation when the answer is made)."""
    answer = str(run_case["answer"])
    return _SHORT_LEAD.sub("", answer, count=1) if short_text(run_case) else answer


def grounded_fraction(answer: str, citations: Sequence[dict[str, Any]]) -> float:
    """Share of answer sentences whose marker cites a passage that contains them (or, for a
    paraphrase, at least 80% of their words)."""
    by_marker = {int(c["marker"]): str(c["text"]) for c in citations}
    pieces = split_cited(answer)
    if not pieces:
        return 0.0
    good = 0
    for piece in pieces:
        passage = by_marker.get(piece.marker) if piece.marker is not None else None
        if passage is None:
            continue
        claim, source = normalize_evidence(piece.text), normalize_evidence(passage)
        words = claim.split()
        if claim in source or (
            words and sum(w in set(source.split()) for w in words) / len(words) >= 0.8
        ):
            good += 1
    return good / len(pieces)


def must_met(prediction: str, must: Sequence[Sequence[str]]) -> int:
    """How many of the key facts ``must`` (each a list of accepted phrasings) the answer holds."""
    return sum(1 for group in must if contains(prediction, group))


# A short answer is right when its words and an accepted answer's overlap this much (token
# F1): "in Red Square" for "Red Square", not "U.S" for "U.S. ambassador" or a clause fragment.
SHORT_F1 = 0.5


def short_right(short: str, accepted: Sequence[str]) -> bool:
    """Is the bold short answer one of the accepted answers (token F1 of at least SHORT_F1)?"""
    return bool(short) and token_f1(short, accepted) >= SHORT_F1


def _answered_right(case: dict[str, Any], abstained: bool, prediction: str) -> float | None:
    """1 when the answer is right: an answerable case answered with its key facts (at least
    ``must_k`` of ``must``), else with one of its answers; an unanswerable case refused."""
    if not case.get("answerable", True):
        return float(abstained)
    must = case.get("must") or []
    if abstained:
        return 0.0 if must or case.get("answers") else None
    if must:
        return float(must_met(prediction, must) >= int(case.get("must_k", len(must))))
    if case.get("answers"):
        return contains(prediction, case["answers"])
    return None


def case_metrics(case: dict[str, Any], run_case: dict[str, Any]) -> dict[str, float | None]:
    """All per-case metrics; ``None`` where a metric does not apply to the case."""
    answerable = bool(case.get("answerable", True))
    answers: list[str] = case.get("answers", [])
    evidence: list[str] = case.get("evidence", [])
    abstained = bool(run_case["abstained"])
    citations: list[dict[str, Any]] = run_case["citations"]
    out: dict[str, float | None] = {
        "answerable": float(answerable),
        "abstained": float(abstained),
        "abstention_correct": float(abstained != answerable),
    }
    said = "" if abstained else answer_text(run_case["answer"])
    out["right"] = _answered_right(case, abstained, said)
    must = case.get("must") or []
    out["must_met"] = (
        must_met(said, must) / len(must) if must and answerable and not abstained else None
    )
    # The bold short answer: shown at all, and right (against the case's accepted short
    # answers, else its answers; a bold answer where none is accepted is wrong).
    shown = "" if abstained else short_text(run_case)
    accepted = list(case.get("short") or []) or (answers if answerable else [])
    out["short_shown"] = float(bool(shown))
    out["short_right"] = float(short_right(shown, accepted)) if shown else None
    out["short_expected"] = float(bool(accepted)) if answerable else 0.0
    texts = [r["text"] for r in run_case["retrieved"]]
    names = ("hit@1", "hit@3", "hit@5", "mrr", "recall@k")
    out.update(
        retrieval_metrics(texts, evidence) if answerable and evidence else dict.fromkeys(names)
    )
    if answerable and answers:
        prediction = "" if abstained else answer_text(run_case["answer"])
        cited = " \n ".join(c["text"] for c in citations)
        # Exact match and F1 score what a reader reads first: the short answer when there
        # is one, else the answer; "contains" looks through the whole answer.
        first = "" if abstained else short_text(run_case)
        out["exact_match"] = exact_match(first or prediction, answers)
        out["f1"] = token_f1(first or prediction, answers)
        out["contains"] = contains(prediction, answers)
        out["answer_in_citation"] = 0.0 if abstained else contains(cited, answers)
    else:
        out.update(dict.fromkeys(("exact_match", "f1", "contains", "answer_in_citation")))
    if not abstained:
        out["uncited"] = float(not citations)
        out["groundedness"] = grounded_fraction(evidence_text(run_case), citations)
        if evidence and citations:
            good = [c for c in citations if is_relevant(c["text"], evidence)]
            out["citation_precision"] = len(good) / len(citations)
            out["citation_recall"] = sum(
                1 for e in evidence if any(is_relevant(c["text"], [e]) for c in citations)
            ) / len(evidence)
        else:
            out["citation_precision"] = out["citation_recall"] = None
    else:
        out.update(
            dict.fromkeys(("uncited", "groundedness", "citation_precision", "citation_recall"))
        )
    out["answer_chars"] = None if abstained else float(len(run_case["answer"]))
    return out


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (``q`` in 0..100) of a non-empty list."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    position = (len(ordered) - 1) * q / 100
    lo = int(position)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (position - lo)


def _mean(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


PER_CASE = (
    "hit@1", "hit@3", "hit@5", "mrr", "recall@k", "exact_match", "f1", "contains",
    "answer_in_citation", "semantic_similarity", "citation_precision", "citation_recall",
    "groundedness", "uncited",
)  # fmt: skip


def summarize(cases: Sequence[dict[str, Any]], runs: Sequence[dict[str, Any]]) -> dict[str, float]:
    """The run's summary: means of per-case metrics, abstention rates, conversation split,
    latency percentiles. Metrics with no applicable case are left out."""
    summary: dict[str, float] = {}
    metrics = [r["metrics"] for r in runs]

    def add_means(prefix: str, rows: Sequence[dict[str, Any]]) -> None:
        for name in PER_CASE:
            value = _mean([row.get(name) for row in rows])
            if value is not None:
                summary[prefix + name] = value

    add_means("", metrics)
    unanswerable = [not c.get("answerable", True) for c in cases]
    abstained = [bool(r["abstained"]) for r in runs]
    true_abstain = sum(a and u for a, u in zip(abstained, unanswerable, strict=True))
    if any(abstained):
        summary["abstention_precision"] = true_abstain / sum(abstained)
    if any(unanswerable):
        summary["abstention_recall"] = true_abstain / sum(unanswerable)
    answerable_count = len(cases) - sum(unanswerable)
    if answerable_count:
        wrong = sum(a and not u for a, u in zip(abstained, unanswerable, strict=True))
        summary["false_abstention_rate"] = wrong / answerable_count
    lengths = [float(len(r["answer"])) for r in runs]
    summary["answer_chars_p50"] = percentile(lengths, 50)
    # --mode llm: of the answers a writer was asked for, the share whose text it wrote
    wrote = [bool(r.get("written")) for r in runs if r.get("written") or r.get("fell_back")]
    if wrote:
        summary["written_rate"] = sum(wrote) / len(wrote)
    followups = [m for c, m in zip(cases, metrics, strict=True) if c.get("history")]
    if followups:
        add_means("followup_", followups)
    latencies = [float(r["latency_ms"]) for r in runs]
    summary["latency_p50_ms"] = percentile(latencies, 50)
    summary["latency_p95_ms"] = percentile(latencies, 95)
    summary["cases"] = float(len(cases))
    return summary


def type_figures(
    cases: Sequence[dict[str, Any]], runs: Sequence[dict[str, Any]]
) -> dict[str, dict[str, float]]:
    """Per kind of question (``question_type``: person, place, yes/no, list, …): how many
    answerable cases, and their mean F1 and contains."""
    from assistant.answer.answer_types import question_type

    groups: dict[str, list[dict[str, Any]]] = {}
    for case, run in zip(cases, runs, strict=True):
        metrics = run["metrics"]
        if metrics.get("f1") is None:
            continue
        groups.setdefault(question_type(str(case["question"])).value, []).append(metrics)
    return {
        kind: {
            "cases": float(len(rows)),
            "f1": sum(float(r["f1"]) for r in rows) / len(rows),
            "contains": sum(float(r["contains"]) for r in rows) / len(rows),
        }
        for kind, rows in sorted(groups.items())
    }


def _share(values: Sequence[float | None]) -> float | None:
    known = [float(v) for v in values if v is not None]
    return sum(known) / len(known) if known else None


def intent_figures(
    cases: Sequence[dict[str, Any]], runs: Sequence[dict[str, Any]]
) -> dict[str, dict[str, float | None]]:
    """Per intent the case asks for (look-up, overview, profile, …): how many answerable and
    unanswerable cases; the share answered right (``right``) and refused among the
    answerable ones; the share of unanswerable ones refused; the short answers' precision
    (shown and right) and coverage (shown, of the answerable cases that have one); and how
    often the assistant read the intent as the case names it."""
    groups: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
    for case, run in zip(cases, runs, strict=True):
        groups.setdefault(str(case.get("intent", "lookup")), []).append((case, run))
    out: dict[str, dict[str, float | None]] = {}
    for intent, pairs in sorted(groups.items()):
        answerable = [(c, r) for c, r in pairs if c.get("answerable", True)]
        unanswerable = [(c, r) for c, r in pairs if not c.get("answerable", True)]
        shown = [r["metrics"] for _, r in pairs if r["metrics"].get("short_shown")]
        expected = [r["metrics"] for _, r in answerable if r["metrics"].get("short_expected")]
        read = [float(r.get("intent") == intent) for _, r in pairs if "intent" in r]
        out[intent] = {
            "answerable": float(len(answerable)),
            "unanswerable": float(len(unanswerable)),
            "right": _share([r["metrics"].get("right") for _, r in answerable]),
            "answerable_refused": _share([float(r["abstained"]) for _, r in answerable]),
            "unanswerable_refused": _share([float(r["abstained"]) for _, r in unanswerable]),
            "short_shown": float(len(shown)),
            "short_precision": _share([m.get("short_right") for m in shown]),
            "short_coverage": _share([m.get("short_shown") for m in expected]),
            "intent_read": _share(read),
        }
    return out
