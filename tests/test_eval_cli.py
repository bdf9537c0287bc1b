"""The harness end to end: the CLI on the bundled dev set, a multi-document corpus, bad input."""

from __future__ import annotations

import json
import re
import shutil
import statistics
from pathlib import Path

import pytest

from assistant.answer.abstention import FEATURES
from assistant.answer.bold import FEATURES as BOLD_FEATURES
from assistant.evaluation import evaluate, load_cases
from assistant.evaluation.dataset import DatasetError
from assistant.intent.kinds import Intent
from tests.conftest import CORPUS, DEV_SET, ROOT
from tests.test_cli import run_cli

DATA = ROOT / "tests" / "data"
RUN_CASE_KEYS = {
    "id", "question", "answer", "short", "abstained", "citations", "retrieved", "latency_ms",
    "metrics", "signals", "written", "fell_back", "dropped", "intent", "short_features",
}  # fmt: skip


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_dev_set_end_to_end_with_baseline_report_and_plots(tmp_path: Path) -> None:
    out = tmp_path / "run.json"
    report = tmp_path / "report"
    # The dev set twice (the assistant and the recipe): minutes on a busy 2-core machine.
    result = run_cli(
        "--store", str(tmp_path / "unused"), "eval", str(DEV_SET), "--corpus", str(CORPUS),
        "--baseline", "--out", str(out), "--report", str(report), timeout=1500,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "answer_in_citation" in result.stdout
    run = json.loads(out.read_text(encoding="utf-8"))
    assert set(run) == {"system", "settings", "summary", "by_type", "by_intent", "cases"}
    assert len(run["cases"]) == len(load_cases(DEV_SET))
    briefing = (CORPUS / "briefing.txt").read_text(encoding="utf-8")
    for case in run["cases"]:
        assert set(case) == RUN_CASE_KEYS
        # The abstention gate's inputs, recorded whenever the reader cited a sentence.
        assert case["signals"] is None or list(case["signals"]) == list(FEATURES)
        # What the bold policy weighed, one value per feature, when it weighed a short answer.
        assert len(case["short_features"]) in (0, len(BOLD_FEATURES))
        assert case["short_features"] or not case["short"] or case["short"]["basis"] == "verdict"
        assert case["intent"] in {intent.value for intent in Intent}
        for item in case["citations"] + case["retrieved"]:
            assert briefing[item["start"] : item["end"]] == item["text"]
    # The summary agrees with the per-case metrics it was computed from.
    for name in ("contains", "answer_in_citation", "hit@1", "groundedness"):
        values = [c["metrics"][name] for c in run["cases"] if c["metrics"].get(name) is not None]
        assert run["summary"][name] == pytest.approx(sum(values) / len(values))
    latencies = [c["latency_ms"] for c in run["cases"]]
    assert run["summary"]["latency_p50_ms"] == pytest.approx(statistics.median(latencies))
    assert run["summary"]["answer_in_citation"] >= 0.9
    baseline = json.loads((tmp_path / "run.baseline.json").read_text(encoding="utf-8"))
    assert baseline["system"].startswith("langchain-recipe")
    assert run["summary"]["answer_in_citation"] > baseline["summary"]["answer_in_citation"]
    # The briefing's unanswerable questions include near misses written to be hard (README):
    # the gate refuses more of them than the recipe, without refusing more answerable ones.
    assert run["summary"]["abstention_recall"] > baseline["summary"]["abstention_recall"]
    assert run["summary"]["false_abstention_rate"] <= baseline["summary"]["false_abstention_rate"]
    text = (report / "report.md").read_text(encoding="utf-8")
    assert "| answer_in_citation |" in text
    assert "## Worst cases" in text
    for plot in ("scores.png", "latency.png", "metrics.png"):
        assert (report / plot).read_bytes().startswith(b"\x89PNG")
        assert f"]({plot})" in text
    compare = run_cli("eval", "compare", str(tmp_path / "run.baseline.json"), str(out))
    assert compare.returncode == 0, compare.stderr
    assert "answer_in_citation" in compare.stdout


@pytest.mark.integration
def test_multi_document_corpus_finds_the_right_document(tmp_path: Path) -> None:
    from assistant.app import Assistant

    bot = Assistant(store_dir=tmp_path / "store")
    report_ = bot.ingest([DATA / "multidoc"])
    assert report_.files == 4
    cases = load_cases(DATA / "multidoc_qa.jsonl")
    report = evaluate(bot, cases)
    assert report.summary["hit@1"] >= 0.9
    assert report.summary["answer_in_citation"] >= 0.9
    refused = {r["id"] for r in report.cases if r["abstained"]}
    assert "md-un-paris" in refused  # off the corpus's topic
    assert report.summary["false_abstention_rate"] == 0.0
    sources = {r["id"]: r["citations"][0]["source"] for r in report.cases if r["citations"]}
    assert sources["md-generator"] == "outage-report.html"
    assert sources["md-vote-against"] == "board-minutes.txt"
    assert sources["md-rates"] == "budget.md"
    outage = bot.document_text("outage-report.html")
    assert "analytics" not in outage  # the page's script was dropped


@pytest.mark.integration
def test_calibrate_writes_the_threshold_where_settings_read_it(tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = run_cli(
        "--store", str(store), "eval", "calibrate", str(DATA / "multidoc_qa.jsonl"),
        "--corpus", str(DATA / "multidoc"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    written = json.loads((store / "calibration.json").read_text(encoding="utf-8"))
    assert f"abstain_threshold = {written['abstain_threshold']}" in result.stdout
    from assistant.config import load_settings

    assert load_settings(store_dir=store).threshold() == written["abstain_threshold"]


@pytest.mark.integration
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "a", "question": "q"}\n{"id": "b", "question": \n', "line 2: invalid JSON"),
        ('{"id": "a", "question": "q", "colour": "red"}\n', "line 1: unknown key(s) colour"),
        ('{"id": "a", "question": "q"}\n{"id": "a", "question": "r"}\n', "duplicate id 'a'"),
        ('{"id": "a", "question": "q", "answerable": "yes"}\n', "'answerable' must be true"),
        ("\n\n", "holds no cases"),
    ],
)
def test_bad_qa_files_name_the_problem(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "qa.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DatasetError, match=re.escape(message)):
        load_cases(path)
    result = run_cli("--store", str(tmp_path / "s"), "eval", str(path))
    assert result.returncode == 1
    assert message.split(":")[-1].strip().split("'")[0] in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.integration
def test_missing_corpus_and_missing_qa_file_are_clear_errors(tmp_path: Path) -> None:
    missing = run_cli("eval", str(DEV_SET), "--corpus", str(tmp_path / "nope"))
    assert missing.returncode == 1
    assert "does not exist" in missing.stderr.strip().splitlines()[-1]
    no_file = run_cli("eval", str(tmp_path / "none.jsonl"))
    assert no_file.returncode == 1
    assert "none.jsonl does not exist" in no_file.stderr
    bad_mode = run_cli("eval", str(DEV_SET), "--mode", "nope")
    assert bad_mode.returncode == 2
    no_server = run_cli("eval", str(DEV_SET), "--mode", "llm")  # no --llm-url
    assert no_server.returncode == 1
    assert "needs the address of an OpenAI-compatible server" in no_server.stderr


@pytest.mark.integration
@pytest.mark.slow
def test_eval_on_a_fresh_checkout_fills_the_default_store_from_corpus(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    shutil.copytree(CORPUS, checkout / "corpus")
    shutil.copytree(DEV_SET.parent, checkout / "eval" / "qa")
    result = run_cli("eval", "eval/qa/briefing.jsonl", "--out", "run.json", cwd=checkout)
    assert result.returncode == 0, result.stderr
    assert "ingested corpus/: 1 file(s): 5 chunk(s) added" in result.stderr
    assert (checkout / "vectorstore" / "chroma.sqlite3").is_file()
    assert json.loads((checkout / "run.json").read_text(encoding="utf-8"))["cases"]
    missing = run_cli("--store", "elsewhere", "eval", "eval/qa/briefing.jsonl", cwd=checkout)
    assert missing.returncode == 1  # an explicit store is never filled behind your back
    assert "run 'assistant ingest' first" in missing.stderr


@pytest.mark.integration
@pytest.mark.slow
def test_eval_suite_reports_each_corpus_half_beside_the_recipe(tmp_path: Path) -> None:
    from assistant.answer.answer_types import AnswerType
    from assistant.evaluation.dataset import split_of

    manifest = tmp_path / "suite.json"
    manifest.write_text(
        json.dumps(
            {
                "corpora": [
                    {
                        "name": "water",
                        "corpus": str(DATA / "multidoc"),
                        "qa": str(DATA / "multidoc_qa.jsonl"),
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run_cli(
        "eval", "suite", str(manifest), "--split", "dev", "--baseline", "--out", str(out),
        "--mode", "extractive",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    dev = [c for c in load_cases(DATA / "multidoc_qa.jsonl") if split_of(c.id) == "dev"]
    assert re.search(rf"^\| water \| {len(dev)} \| ", result.stdout, re.MULTILINE)
    run = json.loads((out / "water.json").read_text(encoding="utf-8"))
    assert [c["id"] for c in run["cases"]] == [c.id for c in dev]
    assert (out / "water.baseline.json").is_file()
    table = (out / "table.md").read_text(encoding="utf-8")
    assert table.startswith("| corpus |")
    assert "| question type | cases | F1 | contains |" in table  # the per-type figures
    assert all("short" in c for c in run["cases"])
    assert set(run["by_type"]) <= {t.value for t in AnswerType}
    assert sum(t["cases"] for t in run["by_type"].values()) == sum(
        1 for c in run["cases"] if c["metrics"]["f1"] is not None
    )
    unknown = run_cli("eval", "suite", str(manifest), "--only", "nope")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "error: No corpus named nope in the suite (it has water)."
