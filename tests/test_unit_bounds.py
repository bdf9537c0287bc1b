"""Input bounds: what is too deep, too big, not a number or not text is refused in one clear
sentence, and what is merely long is cut to size (issue 9)."""

from __future__ import annotations

import json
import math
import re
import tracemalloc
from pathlib import Path

import pytest

from assistant.config import Settings, load_settings
from assistant.documents.chunking import chunk_document, fold
from assistant.documents.html_text import html_to_text
from assistant.documents.loading import content_hash, read_document
from assistant.documents.segmentation import MAX_CHUNK_CHARS
from assistant.errors import ConfigError, InvalidQuestionError, UnsupportedFileError
from assistant.types import Chunk, Document, Turn
from assistant.validation import (
    MAX_HISTORY_CHARS,
    MAX_HISTORY_MESSAGES,
    clean_question,
    parse_history,
    printable_name,
    recent_history,
)

pytestmark = pytest.mark.unit

# --- HTML: nesting and markup that never closes ---------------------------------------------


def _nested(depth: int) -> str:
    return "<div>" * depth + "deep text" + "</div>" * depth


def test_a_100k_deep_html_file_is_refused_with_its_depth(tmp_path: Path) -> None:
    path = tmp_path / "x.html"
    path.write_text(_nested(100_000), encoding="utf-8")
    with pytest.raises(
        UnsupportedFileError, match=r"^x\.html nests tags 100,000 deep; the limit is 1,000\.$"
    ):
        read_document(path)


def test_html_is_read_up_to_the_depth_limit_and_refused_past_it() -> None:
    assert html_to_text(_nested(1000)).strip() == "deep text"
    with pytest.raises(UnsupportedFileError, match="nests tags 1,001 deep"):
        html_to_text(_nested(1001))
    with pytest.raises(UnsupportedFileError, match="nests tags 5,000 deep; the limit is 4,000"):
        html_to_text(_nested(5000), max_depth=4000)
    assert html_to_text(_nested(5000), max_depth=5000).strip() == "deep text"


def test_paragraphs_and_items_left_open_are_siblings_not_nesting() -> None:
    markup = "<ul>" + "".join(f"<li>Item {i}." for i in range(3000)) + "</ul>"
    markup += "".join(f"<p>Paragraph {i}." for i in range(3000))
    paragraphs = [p.strip() for p in html_to_text(markup).split("\n\n") if p.strip()]
    assert paragraphs[0] == "Item 0."
    assert paragraphs[-1] == "Paragraph 2999."
    assert len(paragraphs) == 6000


def test_html_with_endless_unclosed_comments_is_refused_not_read_for_hours() -> None:
    # html.parser rereads each unclosed "<!--" to the end of the file: quadratic.
    with pytest.raises(
        UnsupportedFileError, match=r"comments or quotes that never close \(from line 1, column 1 "
    ):
        html_to_text("<!--x>" * 5000)
    # One unclosed comment is read as before: as text up to the next ">".
    assert html_to_text("<p>Before.</p><!-- note> <p>After.</p>").split() == [
        "Before.", "<!--", "note>", "After.",
    ]  # fmt: skip


# --- settings: numbers that are not numbers, or out of range ---------------------------------

_BAD_FLOATS = [
    ("abstain_threshold", "nan"),
    ("abstain_threshold", "inf"),
    ("abstain_threshold", "Infinity"),
    ("dense_weight", "nan"),
    ("dense_weight", "-1"),
    ("bm25_weight", "inf"),
    ("answer_delta", "nan"),
    ("answer_delta", "-0.5"),
    ("duplicate_threshold", "1.5"),
    ("duplicate_threshold", "-inf"),
]


@pytest.mark.parametrize(("name", "value"), _BAD_FLOATS)
def test_settings_refuse_non_finite_and_out_of_range_numbers(name: str, value: str) -> None:
    shown = str(float(value))  # "nan", "inf", "-1.0", …
    with pytest.raises(ConfigError, match=rf"^Invalid setting: {name} must be .*is {shown}$"):
        load_settings(**{name: value})


@pytest.mark.parametrize(("name", "value"), _BAD_FLOATS[:3] + _BAD_FLOATS[6:7])
def test_settings_from_the_environment_are_checked_too(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(f"ASSISTANT_{name.upper()}", value)
    with pytest.raises(ConfigError, match=f"{name} must be a finite number"):
        load_settings()


@pytest.mark.parametrize(
    ("name", "value"), [("onnx_threads", 0), ("max_file_bytes", 0), ("max_file_bytes", -5)]
)
def test_settings_refuse_counts_below_one(name: str, value: int) -> None:
    with pytest.raises(
        ConfigError, match=rf"{name} must be a whole number between 1 and .* is {value}$"
    ):
        load_settings(**{name: value})


@pytest.mark.parametrize(
    ("name", "value", "bounds"),
    [
        ("max_pages", 0, "1 and 100,000"),
        ("max_pages", 100_001, "1 and 100,000"),
        ("max_document_bytes", 0, "1 and 2,000,000,000"),
        ("max_extracted_chars", 0, "1 and 200,000,000"),
        ("parse_memory_mb", 100, "256 and 65,536"),
    ],
)
def test_document_limits_are_settings_with_ranges(name: str, value: int, bounds: str) -> None:
    message = rf"{name} must be a whole number between {bounds} .* is {value}$"
    with pytest.raises(ConfigError, match=message):
        load_settings(**{name: value})


@pytest.mark.parametrize("value", [0, -1, 3601])
def test_parse_timeout_is_a_number_of_seconds_up_to_an_hour(value: float) -> None:
    message = rf"parse_timeout must be .* at most 3600 .* is {value}\.0$"
    with pytest.raises(ConfigError, match=message):
        load_settings(parse_timeout=value)


def test_read_limits_come_from_the_settings() -> None:
    limits = load_settings(max_pages=7, parse_timeout=2.5, max_file_bytes=9).read_limits()
    assert (limits.max_pages, limits.timeout, limits.max_bytes) == (7, 2.5, 9)
    assert limits.max_document_bytes == 50_000_000


def _numeric_settings() -> list[str]:
    return [
        name
        for name, field in Settings.model_fields.items()
        if field.annotation in (int, float, float | None)
    ]


def _limits(name: str) -> tuple[float | None, float | None]:
    low = high = None
    for rule in Settings.model_fields[name].metadata:
        low = getattr(rule, "ge", None) if getattr(rule, "ge", None) is not None else low
        low = getattr(rule, "gt", None) if getattr(rule, "gt", None) is not None else low
        high = getattr(rule, "le", None) if getattr(rule, "le", None) is not None else high
    return low, high


# Numbers whose range is checked across fields or allows inf on purpose (tested above).
_OWN_RULES = {"abstain_threshold", "bold_threshold", "rerank_context_margin"}


@pytest.mark.parametrize("name", _numeric_settings())
def test_every_numeric_setting_has_a_documented_range(name: str) -> None:
    if name in _OWN_RULES:
        assert Settings.model_fields[name].description, name
        return
    low, high = _limits(name)
    assert low is not None, f"{name} has no lower bound"
    assert high is not None, f"{name} has no upper bound"
    assert Settings.model_fields[name].description, f"{name} is not described"


@pytest.mark.parametrize("name", sorted(set(_numeric_settings()) - _OWN_RULES))
def test_every_numeric_setting_is_refused_beyond_its_range_by_name(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    low, high = _limits(name)
    assert low is not None
    assert high is not None
    whole = Settings.model_fields[name].annotation is int
    variable = f"ASSISTANT_{name.upper()}"
    for beyond in (high * 1000 + 1, low - 1):
        value = str(int(beyond)) if whole else str(float(beyond))
        monkeypatch.setenv(variable, value)
        with pytest.raises(ConfigError) as refused:
            load_settings()
        message = str(refused.value)
        assert message.startswith(f"Invalid setting: {name} must be "), message
        assert f"({variable}). " in message, message
        assert message.endswith(f"Currently, {name} is {value}"), message
    monkeypatch.delenv(variable)
    # Both ends are accepted (a lowest given as gt is excluded; overlap stays under size).
    others = {"chunk_size": {"chunk_overlap": 0}, "chunk_overlap": {"chunk_size": 50}}
    excluded = any(getattr(r, "gt", None) is not None for r in Settings.model_fields[name].metadata)
    for value in (high, low + 1 if excluded else low):
        assert getattr(load_settings(**others.get(name, {}), **{name: value}), name) == value


def test_the_store_and_model_numbers_have_sane_upper_limits() -> None:
    assert _limits("dense_k")[1] == 1000
    assert _limits("onnx_threads")[1] == 256
    with pytest.raises(
        ConfigError,
        match=r"dense_k must be a whole number between 1 and 1,000"
        r" \(ASSISTANT_DENSE_K\)\. Currently, dense_k is 5000000000$",
    ):
        load_settings(dense_k=5_000_000_000)


def test_settings_keep_sane_numbers_and_never_abstaining() -> None:
    settings = load_settings(
        abstain_threshold=-2.5, dense_weight=0, duplicate_threshold=1, answer_delta=0
    )
    assert settings.threshold() == -2.5
    # -inf answers everything: what `assistant eval calibrate` and benchmarks/tune.py use.
    assert load_settings(abstain_threshold=-math.inf).threshold() == -math.inf


def test_settings_name_the_value_of_a_field_of_the_wrong_type() -> None:
    with pytest.raises(
        ConfigError, match=r"^Invalid setting top_k: .*\(ASSISTANT_TOP_K\)\. Currently, it is 'x'$"
    ):
        load_settings(top_k="x")


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", '"nan"'])
def test_a_non_finite_calibrated_threshold_is_refused(tmp_path: Path, value: str) -> None:
    (tmp_path / "calibration.json").write_text(f'{{"abstain_threshold": {value}}}')
    shown = str(float(json.loads(value)))
    with pytest.raises(
        ConfigError, match=rf"gives abstain_threshold {shown}; it must be a finite number"
    ):
        load_settings(store_dir=tmp_path).threshold()


def test_a_threshold_beyond_the_log_odds_range_is_refused(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError,
        match=r"abstain_threshold must be a finite number between -100"
        r" and 100, .*\(ASSISTANT_ABSTAIN_THRESHOLD\)\. .* is 1000000000\.0$",
    ):
        load_settings(abstain_threshold=1e9)
    (tmp_path / "calibration.json").write_text('{"abstain_threshold": -1e300}')
    with pytest.raises(ConfigError, match="it must be a finite number between -100 and 100"):
        load_settings(store_dir=tmp_path).threshold()


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ('{"abstain_threshold": true}', "abstain_threshold is True, not a number"),
        ('{"abstain_threshold": [1]}', "abstain_threshold is [1], not a number"),
        ('{"threshold": 1.0}', "it gives no abstain_threshold"),
    ],
)
def test_a_calibration_file_without_a_number_is_refused(
    tmp_path: Path, content: str, said: str
) -> None:
    (tmp_path / "calibration.json").write_text(content)
    with pytest.raises(ConfigError, match=re.escape(said)):
        load_settings(store_dir=tmp_path).threshold()


# --- questions and history: text is not a control character ---------------------------------

_TEXT = {
    "emoji ZWJ sequence": "Who is 👩\u200d🔬?",
    "Persian with ZWNJ": "چرا می\u200cخواهی به موزه بروی؟",
    "variation selector": "Is it ❤\ufe0f or ❤?",
    "emoji tag sequence": "Where is 🏴" + "".join(chr(0xE0000 + ord(c)) for c in "gbsct\x7f"),
    "right-to-left mark": "What does \u05e9\u05dc\u05d5\u05dd\u200f mean?",
}


@pytest.mark.parametrize("question", _TEXT.values(), ids=_TEXT.keys())
def test_questions_may_hold_format_characters_that_are_text(question: str) -> None:
    assert clean_question(question, max_chars=1000) == question


@pytest.mark.parametrize(
    "question", ["", " \t\n", "\u00a0", "\u200b", "\u2060\ufeff", " \u200b\u200d "]
)
def test_a_question_with_nothing_visible_is_empty(question: str) -> None:
    with pytest.raises(InvalidQuestionError, match="The question is empty"):
        clean_question(question, max_chars=1000)


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("Who \u202eeno si ohw?", "U+202E"),  # right-to-left override
        ("Who is \u2066Kim\u2069?", "U+2066, U+2069"),  # isolates
        ("Who went?\x00", "U+0000"),
        ("Who went?\x1b[31m", "U+001B"),
        ("Who went?\ue000", "U+E000"),  # private use
        ("Who went?\ud800", "U+D800"),  # a lone surrogate
    ],
)
def test_questions_with_control_characters_are_refused_naming_them(
    question: str, code: str
) -> None:
    with pytest.raises(InvalidQuestionError, match=rf"characters \({re.escape(code)}\); remove"):
        clean_question(question, max_chars=1000)


def test_a_chat_as_the_ui_sends_it_is_accepted() -> None:
    history = [
        {"role": "user", "content": "Who is 👩\u200d🔬?"},
        {
            "role": "assistant",
            "content": "**Marie** — She led the lab [1].\nIt opened in 2021 [2].",
        },
        {"role": "user", "content": "چرا می\u200cخواهی؟"},
        {"role": "assistant", "content": "Quoting a scraped page: in\u00adformation \x9d [1]."},
    ]
    turns = parse_history(history)
    assert [t.content for t in turns] == [m["content"] for m in history]


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ({"role": "user", "content": "Who went?\x00"}, r"message 2 contains .*\(U\+0000\)"),
        ({"role": "user", "content": "Who \u202eeno?"}, r"message 2 contains .*\(U\+202E\)"),
        ({"role": "assistant", "content": "It was\x00 Kim."}, r"message 2 contains .*U\+0000"),
        (Turn("user", "bell\x07"), r"message 2 contains control characters \(U\+0007\)"),
    ],
)
def test_history_with_control_characters_is_refused(message: object, problem: str) -> None:
    with pytest.raises(InvalidQuestionError, match=rf"^History {problem}"):
        parse_history([{"role": "user", "content": "Hi"}, message])


def test_history_is_capped_in_messages_and_characters() -> None:
    pair = [Turn("user", "Who went?"), Turn("assistant", "Kim went [1].")]
    assert len(parse_history(pair * (MAX_HISTORY_MESSAGES // 2))) == MAX_HISTORY_MESSAGES
    with pytest.raises(InvalidQuestionError, match=r"has 52 messages; the limit is 50 \("):
        parse_history(pair * 26)
    with pytest.raises(InvalidQuestionError, match=r"is 500,000 characters long; the limit is 20,"):
        parse_history([{"role": "user", "content": "x" * 500_000}])
    exact = [{"role": "user", "content": "x" * MAX_HISTORY_CHARS}]
    assert parse_history(exact)[0].content == exact[0]["content"]


def test_recent_history_keeps_the_newest_messages_that_fit() -> None:
    long_chat = [Turn("user", f"Question {i}?") for i in range(200)]
    assert recent_history(long_chat) == long_chat[-MAX_HISTORY_MESSAGES:]
    answers = [{"role": "assistant", "content": "a" * 6000} for _ in range(5)]
    kept = recent_history([*answers, {"role": "user", "content": "And then?"}])
    assert len(kept) == 4  # 3 answers and the question: 18,009 characters; a fourth: 24,009
    assert kept[-1] == {"role": "user", "content": "And then?"}
    assert parse_history(kept)


# --- chunks: no sentence and no chunk longer than the embedder reads --------------------------


def _doc(text: str, source: str = "big.txt") -> Document:
    return Document(source=source, text=text, content_hash=content_hash(text))


def _check_chunks(text: str, chunks: list[Chunk]) -> None:
    """Every chunk and sentence within the cap, and at its exact place in ``text``."""
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
        assert len(fold(chunk.text)) <= MAX_CHUNK_CHARS
        assert chunk.sentences[0].start == chunk.start
        assert chunk.sentences[-1].end == chunk.end
        for before, after in zip(chunk.sentences, chunk.sentences[1:], strict=False):
            assert before.end < after.start
            assert not text[before.end : after.start].strip()


def _words(text: str) -> list[str]:
    return text.split()


def test_a_long_line_without_punctuation_is_cut_at_words_into_chunks_that_fit() -> None:
    words = [f"word{i % 97}" for i in range(6_000)]  # 40,000 characters, one line
    text = " ".join(words) + "\n"
    chunks = chunk_document(_doc(text), chunk_size=5, chunk_overlap=1)
    _check_chunks(text, chunks)
    sentences = sorted({s for c in chunks for s in c.sentences}, key=lambda s: s.start)
    assert [w for s in sentences for w in _words(text[s.start : s.end])] == words
    assert len(chunks) < len(text) / 800  # pieces of close to MAX_CHUNK_CHARS each


def test_a_markdown_table_in_a_document_is_cut_into_chunks_that_fit() -> None:
    rows = ["| id | name | budget |", "|---|---|---|"]
    rows += [f"| {i} | Harbour works, phase {i} | {i * 1000}.50 |" for i in range(1500)]
    text = "# Budget\n\nThe table lists every line.\n\n" + "\n".join(rows) + "\n\nThat is all.\n"
    chunks = chunk_document(_doc(text, "table.md"), chunk_size=5, chunk_overlap=1)
    _check_chunks(text, chunks)
    covered = " ".join(fold(c.text) for c in chunks)
    assert all(f"| {i} | Harbour works, phase {i} |" in covered for i in range(1500))
    assert chunks[0].sentence_texts() == ("# Budget", "The table lists every line.")
    assert chunks[-1].text == "That is all."


def test_a_table_of_short_rows_is_not_one_chunk_of_headings() -> None:
    # Without a blank line each row is a paragraph, and a short row reads like a heading.
    text = "\n".join(f"| {i} | Harbour works | {i * 10} |" for i in range(1000))
    chunks = chunk_document(_doc(text, "rows.md"), chunk_size=5, chunk_overlap=1)
    _check_chunks(text, chunks)
    assert sum(len(c.sentences) for c in chunks) == 1000  # every row once: headings don't overlap


def test_chunking_a_long_paragraph_needs_memory_for_a_block_not_the_whole() -> None:
    text = " ".join(f"w{i}" for i in range(9_000))  # 55,000 characters, one paragraph
    chunk_document(_doc("Warm up. Then measure."), chunk_size=5, chunk_overlap=1)
    tracemalloc.start()
    try:
        chunk_document(_doc(text), chunk_size=5, chunk_overlap=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 60 * len(text)  # ~30 bytes a character; the whole paragraph at once: ~110


def test_a_file_name_is_one_line_in_every_message(tmp_path: Path) -> None:
    assert printable_name("bad\nname\x1b[31mred.pdf") == "bad\\nname\\x1b[31mred.pdf"
    assert printable_name("née 2024.txt") == "née 2024.txt"
    odd = tmp_path / "odd\nname\x1b.xyz"
    odd.write_text("text", encoding="utf-8")
    with pytest.raises(UnsupportedFileError) as refused:
        read_document(odd)
    assert "\n" not in str(refused.value)
    assert "\x1b" not in str(refused.value)
