"""PDF and Word files made by real writers (fpdf2, python-docx) read through the loaders, the
child process and the whole pipeline; every hostile case refused in one line."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.app import Assistant
from assistant.documents.chunking import chunk_document, fold
from assistant.documents.limits import ReadLimits
from assistant.documents.loading import read_document
from assistant.errors import RefusedFilesError, UnsupportedFileError
from assistant.types import IngestReport
from tests import documents as make
from tests.conftest import ROOT

if not make.SERIF.is_file():  # pragma: no cover - Debian's fonts-dejavu-core
    pytest.skip("the DejaVu fonts the PDF writer uses are not installed", allow_module_level=True)

# What each page of the test briefing says; each sentence's page is known.
PAGES = [
    [
        "Storm Harlow: what happened",
        "The Harlow flood report was written by the county engi-\nneer Maria Okafor. "
        "Heavy rain fell for nine days in March.",
        "The ﬁnance oﬃce counted the cost of the damage.",
    ],
    [
        "About 41,000 homes lost electricity during the storm. Two pumping stations failed.",
        "• Power: crews restored supply within four days;",
        "• Water: tankers served the villages of Eskdale and Brook.",
    ],
    [
        "Repairs to the Mill Road bridge will cost £2.3 million. The bridge reopens in May.",
        "Who pays for the repairs is still undecided.",
    ],
]


def _page_of(sentence: str) -> int:
    """The page the test wrote ``sentence`` on (hyphenation and ligatures undone)."""
    wanted = fold(sentence).replace("ﬁ", "fi").replace("ﬃ", "ffi")
    for number, paragraphs in enumerate(PAGES, start=1):
        written = fold(" ".join(paragraphs).replace("-\n", "")).replace("ﬁ", "fi")
        if wanted in written.replace("ﬃ", "ffi"):
            return number
    raise AssertionError(f"not written by the test: {sentence!r}")


@pytest.fixture(scope="module")
def briefing_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make.write_pdf(tmp_path_factory.mktemp("pdf") / "storm.pdf", PAGES)


@pytest.mark.integration
def test_pdf_text_drops_running_lines_and_joins_hyphens_and_ligatures(briefing_pdf: Path) -> None:
    document = read_document(briefing_pdf)
    text = document.text
    assert "Quarterly Briefing" not in text  # the running header
    assert "Page 1 of 3" not in text
    assert "of 3" not in text
    assert "county engineer Maria Okafor." in text
    assert "The finance office counted the cost of the damage." in text
    assert text.startswith("Storm Harlow: what happened\n\nThe Harlow flood report")
    assert len(document.structure.pages) == 3
    for sentence in ("Heavy rain fell", "About 41,000 homes", "Who pays for the repairs"):
        at = text.index(sentence)
        assert document.structure.page_at(at) == _page_of(sentence)


@pytest.mark.integration
def test_pdf_list_items_are_sentences_without_markers(briefing_pdf: Path) -> None:
    document = read_document(briefing_pdf)
    chunks = chunk_document(document, chunk_size=5, chunk_overlap=1)
    sentences = [s for c in chunks for s in c.sentence_texts()]
    assert "Power: crews restored supply within four days;" in sentences
    assert "Water: tankers served the villages of Eskdale and Brook." in sentences
    pages = {s: p for c in chunks for s, p in zip(c.sentence_texts(), c.pages, strict=True)}
    assert all(pages[s] == _page_of(s) for s in sentences)


@pytest.mark.integration
def test_two_columns_read_column_by_column(tmp_path: Path) -> None:
    paragraphs = [
        "Left one opens the page and reads first.",
        "Left two follows it in the same column.",
        "Right one begins the second column.",
        "Right two ends the page.",
    ]
    pdf = make.write_pdf(tmp_path / "columns.pdf", [paragraphs], columns=2, header=None)
    text = read_document(pdf).text
    assert [text.index(p) for p in paragraphs] == sorted(text.index(p) for p in paragraphs)


@pytest.mark.integration
def test_every_citation_of_a_pdf_answer_carries_the_page_it_was_written_on(
    fresh_bot: Assistant, briefing_pdf: Path
) -> None:
    fresh_bot.ingest([briefing_pdf])
    questions = {
        "Who wrote the Harlow flood report?": 1,
        "How many homes lost electricity?": 2,
        "How much will the Mill Road bridge repairs cost?": 3,
    }
    for question, page in questions.items():
        answer = fresh_bot.ask(question)
        assert not answer.abstained, question
        assert answer.citations[0].page == page, (question, answer.citations[0])
        for citation in answer.citations:
            assert citation.page == _page_of(citation.quote), citation
            assert citation.to_dict()["page"] == citation.page


DOCX_BLOCKS: list[tuple[str, object]] = [
    ("title", "Storm Harlow"),
    ("paragraph", "The county engineer Maria Okafor wrote the report."),
    ("heading1", "Impact"),
    ("bullet", "Power: about 41,000 homes lost electricity;"),
    ("bullet", "Water: two pumping stations failed."),
    ("heading2", "Costs"),
    ("table", [["Quarter", "Revenue"], ["Q3", "£4.1m"], ["Q4", "£5.0m"]]),
    ("number", "Repair the bridge first."),
    ("heading1", "Open questions"),
    ("paragraph", "Who pays for the repairs is still undecided."),
]


@pytest.mark.integration
def test_docx_reads_headings_paragraphs_lists_and_tables_in_order(tmp_path: Path) -> None:
    path = make.write_docx(tmp_path / "storm.docx", DOCX_BLOCKS)
    document = read_document(path)
    assert document.text == (
        "Storm Harlow\n\nThe county engineer Maria Okafor wrote the report.\n\nImpact\n\n"
        "• Power: about 41,000 homes lost electricity;\n• Water: two pumping stations failed."
        "\n\nCosts\n\nQuarter: Q3 · Revenue: £4.1m.\nQuarter: Q4 · Revenue: £5.0m.\n\n"
        "• Repair the bridge first.\n\nOpen questions\n\n"
        "Who pays for the repairs is still undecided."
    )
    chunks = chunk_document(document, chunk_size=5, chunk_overlap=1)
    by_sentence = {s: c.section for c in chunks for s in c.sentence_texts()}
    assert by_sentence["Power: about 41,000 homes lost electricity;"] == ("Storm Harlow", "Impact")
    assert by_sentence["Quarter: Q3 · Revenue: £4.1m."] == ("Storm Harlow", "Impact", "Costs")
    assert by_sentence["Who pays for the repairs is still undecided."] == (
        "Storm Harlow",
        "Open questions",
    )
    assert all(c.pages == () for c in chunks)


# -- hostile and broken files ------------------------------------------------------------------


@pytest.fixture(scope="module")
def good_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make.write_docx(tmp_path_factory.mktemp("docx") / "good.docx", DOCX_BLOCKS)


def _hostile(kind: str, folder: Path, good_pdf: Path, good_docx: Path) -> tuple[Path, ReadLimits]:
    """The hostile file ``kind`` in ``folder``, and the limits it is read under."""
    limits = ReadLimits()
    if kind == "truncated.pdf":
        data = good_pdf.read_bytes()[: len(good_pdf.read_bytes()) // 3]
    elif kind == "garbled.pdf":
        data = b"%PDF-1.7\n" + bytes(range(256)) * 64
    elif kind == "loop.pdf":
        data = make.looping_page_tree_pdf()
    elif kind == "empty-pages.pdf":
        data = make.empty_pages_pdf(10_000)
    elif kind == "encrypted.pdf":
        from fpdf import FPDF

        pdf = FPDF()
        pdf.add_page()
        pdf.set_font("helvetica", size=12)
        pdf.cell(0, 10, "Secret text.")
        pdf.set_encryption(owner_password="owner", user_password="user")
        data = bytes(pdf.output())
    elif kind == "scanned.pdf":
        data = make.scanned_pdf()
    elif kind == "stream-bomb.pdf":
        data = make.huge_stream_pdf(4, text=True)
        limits = ReadLimits(max_chars=1_000_000)
    elif kind == "slow.pdf":
        data = make.huge_stream_pdf(200, text=True)
        limits = ReadLimits(timeout=1.0)
    elif kind == "zip-bomb.docx":
        path = make.zip_bomb_docx(folder / kind, good_docx, 20)
        return path, ReadLimits(max_chars=100_000)  # 1 MB unpacked at most
    elif kind == "macros.docx":
        return make.with_parts(
            folder / kind, good_docx, {"word/vbaProject.bin": b"\0" * 64}
        ), limits
    elif kind == "pdf-named.docx":
        data = good_pdf.read_bytes()
    elif kind == "docx-named.pdf":
        data = good_docx.read_bytes()
    elif kind == "pdf-named.txt":
        data = good_pdf.read_bytes()
    else:
        raise AssertionError(kind)
    path = folder / kind
    path.write_bytes(data)
    return path, limits


HOSTILE = {
    "truncated.pdf": r"truncated\.pdf is damaged( or not a PDF that can be read|: page \d+)",
    "garbled.pdf": r"garbled\.pdf is damaged or not a PDF that can be read\.",
    "loop.pdf": r"loop\.pdf is damaged: page 2 cannot be read\.",
    "empty-pages.pdf": r"empty-pages\.pdf has 10,000 pages; the limit is 2,000 pages a file\.",
    "encrypted.pdf": r"encrypted\.pdf is encrypted and needs a password; save a copy without one\.",
    "scanned.pdf": r"scanned\.pdf has no text layer — scanned pages are not supported\.",
    "stream-bomb.pdf": r"stream-bomb\.pdf holds more than 1,000,000 characters of text",
    "slow.pdf": r"slow\.pdf took longer than 1 s to read; that is the limit\.",
    "zip-bomb.docx": r"zip-bomb\.docx unpacks to [\d,]+ bytes; the limit is 1,000,000\.",
    "macros.docx": r"macros\.docx contains macros; save it as a Word document without them",
    "pdf-named.docx": r"pdf-named\.docx is not a Word \(\.docx\) file: its content is a PDF\.",
    "docx-named.pdf": r"docx-named\.pdf is not a PDF: its content is a zip file",
    "pdf-named.txt": r"pdf-named\.txt is a PDF, not text; name it \.pdf if it is one\.",
}


@pytest.mark.integration
@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_each_hostile_file_is_refused_in_one_line(
    kind: str, tmp_path: Path, briefing_pdf: Path, good_docx: Path
) -> None:
    path, limits = _hostile(kind, tmp_path, briefing_pdf, good_docx)
    with pytest.raises(UnsupportedFileError, match=f"^{HOSTILE[kind]}") as refused:
        read_document(path, limits=limits)
    assert "\n" not in str(refused.value)
    # The reader is ready for the next file.
    assert "Maria Okafor" in read_document(briefing_pdf).text


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012 - shared by the handler instances of one server

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"fetched")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def loopback_server() -> Iterator[tuple[str, list[str]]]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counting)
    _Counting.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Counting.hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.integration
def test_external_relationships_are_never_followed(
    tmp_path: Path, good_docx: Path, loopback_server: tuple[str, list[str]]
) -> None:
    url, hits = loopback_server
    import zipfile

    with zipfile.ZipFile(good_docx) as package:
        rels = package.read("word/_rels/document.xml.rels").decode()
    link = (
        f'<Relationship Id="rIdX1" TargetMode="External" Target="{url}/image.png" Type='
        '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"/>'
        f'<Relationship Id="rIdX2" TargetMode="External" Target="{url}/template.dotm" Type='
        '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"/>'
        f'<Relationship Id="rIdX3" TargetMode="External" Target="{url}/page" Type='
        '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"/>'
    )
    rels = rels.replace("</Relationships>", link + "</Relationships>")
    path = make.with_parts(
        tmp_path / "linked.docx", good_docx, {"word/_rels/document.xml.rels": rels.encode()}
    )
    document = read_document(path)
    assert "Maria Okafor" in document.text
    assert hits == []


@pytest.mark.integration
def test_a_hostile_file_is_refused_and_the_rest_of_the_batch_ingested(
    fresh_bot: Assistant, tmp_path: Path, briefing_pdf: Path, good_docx: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.txt").write_text("The harbour pilot is named Ilse Varga.", encoding="utf-8")
    (corpus / "storm.pdf").write_bytes(briefing_pdf.read_bytes())
    (corpus / "storm.docx").write_bytes(good_docx.read_bytes())
    (corpus / "scan.pdf").write_bytes(make.scanned_pdf())
    with pytest.raises(RefusedFilesError) as refused:
        fresh_bot.ingest([corpus])
    assert str(refused.value) == "scan.pdf has no text layer — scanned pages are not supported."
    report = refused.value.report
    assert isinstance(report, IngestReport)
    assert report.files == 4
    assert [d.source for d in fresh_bot.documents()] == ["notes.txt", "storm.docx", "storm.pdf"]
    answer = fresh_bot.ask("Who is the harbour pilot?")  # the assistant answers on
    assert "Ilse Varga" in answer.text


@pytest.mark.integration
def test_cli_ingest_says_one_line_per_refused_file_and_exits_1(
    tmp_path: Path, briefing_pdf: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "storm.pdf").write_bytes(briefing_pdf.read_bytes())
    (corpus / "loop.pdf").write_bytes(make.looping_page_tree_pdf())
    result = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "--store", str(tmp_path / "store"), "ingest",
         "-q", str(corpus)],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONWARNINGS": "ignore", "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == ["error: loop.pdf is damaged: page 2 cannot be read."]
    assert result.stdout.startswith("2 file(s): ")
    assert "1 file(s) refused" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.integration
def test_a_corpus_as_pdf_and_as_docx_answers_as_its_text_does(tmp_path: Path) -> None:
    from assistant.evaluation.dataset import load_cases

    data = ROOT / "tests" / "data"
    cases = load_cases(data / "multidoc_qa.jsonl")
    scores = {
        kind: make.format_scores(data / "multidoc", cases, tmp_path, kind)
        for kind in ("text", "pdf", "docx")
    }
    assert scores["text"]["contains"] >= 8  # the text version answers most of them
    for kind in ("pdf", "docx"):
        for metric in ("contains", "hit@3"):
            assert abs(scores[kind][metric] - scores["text"][metric]) <= 1, (kind, metric, scores)


@pytest.mark.integration
def test_an_uploaded_pdf_is_kept_as_uploaded_and_can_be_downloaded(
    tmp_path: Path, briefing_pdf: Path
) -> None:
    import re

    from ui.app import ChatApp

    corpus = tmp_path / "corpus"
    app = ChatApp(Assistant(store_dir=tmp_path / "store"), corpus)
    upload = tmp_path / "upload" / "storm report.pdf"
    upload.parent.mkdir()
    upload.write_bytes(briefing_pdf.read_bytes())
    status, rows, _ = app.upload([str(upload)])
    assert re.sub(r"<[^>]+>", "", status).startswith("Added: storm_report.pdf"), status
    assert rows == [["storm_report.pdf", rows[0][1]]]
    assert (corpus / "storm_report.pdf").read_bytes() == briefing_pdf.read_bytes()
    copy = app.download("storm_report.pdf")
    assert copy is not None
    assert Path(copy).read_bytes() == briefing_pdf.read_bytes()
    assert app.download("../store") is None
    answer = app.assistant.ask("How many homes lost electricity?")
    assert answer.citations[0].page == 2
    # A re-index over a folder with a file that cannot be read indexes the rest and says so.
    (corpus / "scan.pdf").write_bytes(make.scanned_pdf())
    status, rows, _ = app.reindex()
    shown = re.sub(r"<[^>]+>", "", status)
    assert shown.startswith("Re-indexed: 2 file(s): "), shown
    assert shown.endswith(
        "Not read: scan.pdf has no text layer — scanned pages are not supported."
    ), shown
    assert [row[0] for row in rows] == ["storm_report.pdf"]
