from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import EmptyCorpusError, UnsupportedFileError
from assistant.loading import discover, html_to_text, read_document


def test_latin1_and_cp1252_files_are_decoded_not_stored_as_mojibake(tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Le café de Zoë était très animé à Genève.".encode("latin-1"))
    cp = tmp_path / "cp.txt"
    cp.write_bytes("He said \u201cthat\u2019s it\u201d \u2013 and left.".encode("cp1252"))
    assert read_document(latin).text == "Le café de Zoë était très animé à Genève."
    assert read_document(cp).text == "He said \u201cthat\u2019s it\u201d \u2013 and left."


def test_utf8_with_bom_is_read_without_the_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfHello there.")
    assert read_document(path).text == "Hello there."


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(UnsupportedFileError, match="binary"):
        read_document(path)


def test_unsupported_type_and_empty_file_are_refused(tmp_path: Path) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_text("x")
    with pytest.raises(UnsupportedFileError, match=r"unsupported file type '\.pdf'"):
        read_document(pdf)
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n ")
    with pytest.raises(UnsupportedFileError, match="contains no text"):
        read_document(empty)


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 100)
    with pytest.raises(UnsupportedFileError, match="the limit is 100 bytes"):
        read_document(path, max_bytes=100)


def test_html_keeps_visible_text_and_drops_scripts_and_styles() -> None:
    markup = (
        "<html><head><title>T</title><style>p{color:red}</style></head><body>"
        "<h1>Report</h1><p>First <b>bold</b> point.</p><script>alert(1)</script>"
        "<p>Second point.</p></body></html>"
    )
    text = html_to_text(markup)
    assert "alert" not in text
    assert "color" not in text
    assert [p.strip() for p in text.split("\n\n") if p.strip()] == [
        "Report", "First bold point.", "Second point.",
    ]  # fmt: skip


def test_discover_names_files_relative_to_the_folder(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("b")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "skip.pdf").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    assert [name for _, name in discover([tmp_path])] == ["a.txt", "sub/b.md"]
    with pytest.raises(EmptyCorpusError, match="does not exist"):
        list(discover([tmp_path / "missing"]))
