from __future__ import annotations

from pathlib import Path

import pytest

from assistant.documents.discovery import discover
from assistant.documents.html_text import html_to_text
from assistant.documents.loading import read_document
from assistant.errors import EmptyCorpusError, UnsupportedFileError
from tests.conftest import ROOT

pytestmark = pytest.mark.unit


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
    rtf = tmp_path / "a.rtf"
    rtf.write_text("x")
    with pytest.raises(UnsupportedFileError, match=r"unsupported file type '\.rtf'"):
        read_document(rtf)
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
    (tmp_path / "skip.rtf").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    assert [name for _, name in discover([tmp_path])] == ["a.txt", "sub/b.md"]
    with pytest.raises(EmptyCorpusError, match="does not exist"):
        list(discover([tmp_path / "missing"]))


def test_discover_skips_hidden_folders_and_dead_links_and_yields_each_file_once(
    tmp_path: Path,
) -> None:
    for folder in ("sub", "sub-z", ".git"):
        (tmp_path / folder).mkdir()
    for name in ("sub/b.md", "sub-z/q.txt", ".git/c.txt", "a.TXT", "sub/x.rtf"):
        (tmp_path / name).write_text(name)
    (tmp_path / "same.txt").symlink_to(tmp_path / "a.TXT")  # a second name for a.TXT
    (tmp_path / "linked").symlink_to(tmp_path / "sub")  # a linked folder is not followed
    (tmp_path / "dead.txt").symlink_to(tmp_path / "nowhere.txt")
    found = list(discover([tmp_path]))
    # In path order ("sub" before "sub-z", though "/" sorts after "-"), upper-case suffixes too.
    assert [name for _, name in found] == ["a.TXT", "sub/b.md", "sub-z/q.txt"]
    assert [file for file, _ in found] == [
        tmp_path / n for n in ("a.TXT", "sub/b.md", "sub-z/q.txt")
    ]
    # A file given itself and inside its folder is read once, under the first name it came by.
    assert [n for _, n in discover([tmp_path / "sub" / "b.md", tmp_path])] == [
        "b.md", "a.TXT", "sub-z/q.txt",
    ]  # fmt: skip


def _beautifulsoup_text(markup: str) -> str:
    """The text the extractor used to take from BeautifulSoup's tree: what it must still give."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(["script", "style", "noscript", "template", "head", "svg", "iframe"]):
        tag.decompose()
    for tag in soup.find_all(
        ["p", "div", "section", "article", "header", "footer", "li", "ul", "ol", "table", "tr",
         "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "br", "hr", "title", "main",
         "aside"]
    ):  # fmt: skip
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    return soup.get_text()


_TRICKY_HTML = [
    "<p>a<p>b<li>c<li>d",  # left open: nested, closed at the end
    "<br></br></br>x<br/>y<hr>z",  # void elements, a stray end tag
    "<p>x</b>y</p>z</div>",  # end tags with nothing to close
    "<div><p>one</div>two",  # an end tag closing what is open inside it
    "<p>a</p> \n <p> </p><pre> \n </pre><textarea>  </textarea>",  # whitespace-only strings
    "<ruby>漢<rt>kan</rt><rp>(</rp></ruby> <![CDATA[kept]]> <!--c--> <?pi x?> <!DOCTYPE html>",
    "&notit; &copy 2 &#150; &#0; &#xD800; &amp &#9999999999; &#65x &#x41g; &#; &",
    "<head><title>T</title></head><body><p>B</p>",  # head dropped, title with it
    "<head><title>T</title><body><p>B</p>",  # an unclosed head drops the page (as before)
    "<script>if (a < b) { x = '</p>'; }</script><style>p{}</style><svg><text>s</text></svg>ok",
    "<table><tr><td>1<td>2<tr><td>3</table><ul><li>x<ul><li>y</ul></ul>",
    "<p>Before.</p><!-- note> <p>After.</p>",  # a comment that never closes
    "<a href='x>y'>link</a><p class=a/>para<P>upper</P><BR>",
]


def test_html_text_is_what_beautifulsoup_gave() -> None:
    pages = sorted((ROOT / "eval").rglob("*.html")) + sorted((ROOT / "tests").rglob("*.html"))
    assert len(pages) >= 8
    for page in pages:
        markup = page.read_text(encoding="utf-8")
        assert html_to_text(markup) == _beautifulsoup_text(markup), page.name
    for markup in _TRICKY_HTML:
        assert html_to_text(markup) == _beautifulsoup_text(markup), markup


def test_html_that_html_parser_rejects_is_an_ingest_error(tmp_path: Path) -> None:
    path = tmp_path / "odd.html"
    path.write_text("<p>Text</p><![foo[bar]]>", encoding="utf-8")
    with pytest.raises(UnsupportedFileError, match=r"^odd\.html is not HTML that can be read: "):
        read_document(path)


@pytest.mark.parametrize("failing", ["scandir", "stat"])
def test_a_folder_that_cannot_be_read_stops_discovery(
    failing: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Skipping it would let `ingest --prune` remove its documents from the store. (Root
    ignores permission bits, so the refusal is simulated: listing it, or reaching its file.)"""
    import os

    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "memo.txt").write_text("memo")
    (tmp_path / "public.txt").write_text("notice")
    real = getattr(os, failing)

    def refuse(path: object, *args: object, **kwargs: object) -> object:
        if "private" in str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, failing, refuse)
    with pytest.raises(PermissionError):
        list(discover([tmp_path]))
