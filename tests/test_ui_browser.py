"""A real headless Chromium drives the chat page (Debian chromium + Playwright)."""

from __future__ import annotations

import os
import shutil
import statistics
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from assistant.app import Assistant
from tests.conftest import BRIEFING
from tests.ui_server import running_app

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync",
]  # fmt: skip
XSS_TEXT = (
    "Security bulletin. The attacker wrote <script>window.__xss = 1</script> into the log. "
    'A second payload was <img src=x onerror="window.__xss = 2"> in the banner.\n'
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser-corpus")
    shutil.copy(BRIEFING, folder / "briefing.txt")
    (folder / "bulletin.txt").write_text(XSS_TEXT, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def server(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    bot = Assistant(store_dir=tmp_path_factory.mktemp("browser-store"))
    bot.ingest([corpus])
    with running_app(bot, corpus) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (scripts/test.sh does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Page:
    """A browser tab on the app, recording console messages and requests leaving loopback."""

    def __init__(self, context: Any, url: str, login: tuple[str, str] | None = None) -> None:
        self.page = context.new_page()
        self.console: list[str] = []
        self.remote: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("request", self._request)
        self.page.goto(url)
        if login is not None:  # Gradio's login page first
            self.page.locator('input[data-testid="textbox"]').fill(login[0])
            self.page.locator('input[data-testid="password"]').fill(login[1])
            self.page.get_by_role("button", name="Login").click()
        self.page.wait_for_selector('textarea[data-testid="textbox"]', timeout=30_000)

    def _request(self, request: Any) -> None:
        host = request.url.split("/")[2] if "://" in request.url else ""
        if request.url.startswith(("http", "ws")) and not host.startswith("127.0.0.1"):
            self.remote.append(request.url)

    def ask(self, question: str) -> tuple[float, float]:
        """Type, press Enter; seconds to the first answer words and to the finished answer."""
        bots = self.page.locator('[data-testid="bot"]')
        before = bots.count()
        self.page.evaluate(  # mark the current sources so the new ones can be told apart
            "() => document.querySelectorAll('#sources-panel *').forEach(e => e.dataset.old = 1)"
        )
        box = self.page.locator('textarea[data-testid="textbox"]').first
        box.fill(question)
        began = time.perf_counter()
        box.press("Enter")
        self.page.wait_for_function(
            """(n) => { const b = document.querySelectorAll('[data-testid="bot"]');
                        return b.length > n && b[b.length - 1].innerText.trim().length > 1
                               && b[b.length - 1].innerText.trim() !== '…'; }""",
            arg=before,
            timeout=60_000,
        )
        first = time.perf_counter() - began
        self.page.wait_for_function(
            """() => { const s = document.querySelector('#sources-panel');
                       return s && s.querySelector(
                         '.source-card:not([data-old]), .abstained:not([data-old])'); }""",
            timeout=60_000,
        )
        self.page.wait_for_timeout(50)
        return first, time.perf_counter() - began

    def last_answer(self) -> str:
        return str(self.page.locator('[data-testid="bot"]').last.inner_text())


def test_question_streams_an_answer_whose_citation_opens_the_highlighted_sentence(
    server: str, browser: Any
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = Page(context, server)
    page.ask("Who attended the parade?")
    assert "Xi Jinping" in page.last_answer()
    marker = page.page.locator('[data-testid="bot"] a[href="#src-1"]').last
    marker.click()
    card = page.page.locator("#src-1")
    page.page.wait_for_function(
        "() => document.querySelector('#src-1').classList.contains('active')"
    )
    assert "Xi Jinping attending the parade" in card.locator("mark.quote").inner_text()
    assert "briefing.txt" in card.inner_text()
    assert page.page.locator("#doc-1").inner_text().startswith("Victory Day celebrations")
    assert page.page.url == server  # the marker scrolled; it did not navigate
    shot = os.environ.get("ASSISTANT_SCREENSHOT")
    if shot:  # docs/screenshot.png is made this way (README)
        page.page.wait_for_timeout(600)
        page.page.screenshot(path=shot, full_page=False)
    page.ask("Did Kim Jong Un go?")
    assert "not Kim Jong Un" in page.last_answer()
    assert page.remote == []
    context.close()


def test_second_browser_context_starts_with_an_empty_history(server: str, browser: Any) -> None:
    first = Page(browser.new_context(), server)
    first.ask("How many guests attended the banquet?")
    second = Page(browser.new_context(), server)
    assert second.page.locator('[data-testid="bot"]').count() == 0
    assert second.page.locator('[data-testid="user"]').count() == 0
    assert first.page.locator('[data-testid="bot"]').count() == 1


def test_abstention_looks_different_and_lists_closest_passages(server: str, browser: Any) -> None:
    page = Page(browser.new_context(), server)
    page.ask("What is the capital of France?")
    assert "do not say" in page.last_answer()
    panel = page.page.locator("#sources-panel .abstained")
    assert "Closest passages" in panel.inner_text()
    assert panel.locator(".source-card.nearest").count() >= 1


def test_bad_input_shows_a_visible_error_and_keeps_the_question(server: str, browser: Any) -> None:
    page = Page(browser.new_context(), server)
    box = page.page.locator('textarea[data-testid="textbox"]').first
    long_question = "why " * 400
    box.fill(long_question)
    box.press("Enter")
    error = page.page.get_by_text("the limit is 1,000")
    error.first.wait_for(timeout=30_000)
    assert box.input_value() == long_question
    assert page.page.locator('[data-testid="bot"]').count() == 0


def test_corpus_html_payloads_run_nothing(server: str, browser: Any) -> None:
    page = Page(browser.new_context(), server)
    page.ask("What did the attacker write into the log?")
    page.ask("What payload was in the banner?")
    sources = page.page.locator("#sources-panel").inner_text()
    assert "<script>" in sources or "onerror" in sources  # shown as text
    assert page.page.evaluate("() => window.__xss") is None
    assert not [c for c in page.console if "error" in c.lower() and "xss" in c.lower()]
    assert page.remote == []


def test_enter_to_answer_timings(server: str, browser: Any, record_property: Any) -> None:
    """Median of 10 questions in the browser: seconds to first streamed words and to the
    finished answer (reported, not asserted against a target)."""
    page = Page(browser.new_context(), server)
    questions = [
        "Who attended the parade?", "Where was the summit held?", "Who is Dorothy Shea?",
        "What did Putin and Xi oppose?", "How many guests attended the banquet?",
        "Which region's combat was celebrated?", "Why is security tight in Moscow?",
        "What did Russian media report?", "What do Russia and China denounce?",
        "What did the leaders warn against?",
    ]  # fmt: skip
    timings = []
    for question in questions:
        timings.append(page.ask(question))
        answer = page.last_answer()
        assert "[1]" in answer or "do not say" in answer, (question, answer)
    first = statistics.median(t[0] for t in timings)
    full = statistics.median(t[1] for t in timings)
    record_property("first_words_s", round(first, 3))
    record_property("full_answer_s", round(full, 3))
    print(f"\nbrowser: first words median {first:.3f} s, full answer median {full:.3f} s")


def test_documents_tab_uploads_refuses_wrong_types_and_removes(
    server: str, corpus: Path, browser: Any, tmp_path: Path
) -> None:
    page = Page(browser.new_context(), server)
    page.page.get_by_role("tab", name="Documents").click()
    in_table = "(name) => document.querySelector('#documents').innerText.includes(name)"
    page.page.wait_for_function(in_table, arg="briefing.txt")
    note = tmp_path / "harbour notes.md"
    note.write_text("The harbour pilot is named Ilse Varga. She retired in spring.\n")
    bad = tmp_path / "report.rtf"
    bad.write_bytes(b"{\\rtf1}")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4")
    binary = tmp_path / "briefing.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    upload = page.page.locator("#uploads input[type=file]")
    upload.set_input_files([str(bad)])
    page.page.get_by_text("Invalid file type: report.rtf").wait_for(timeout=30_000)
    upload.set_input_files([str(broken)])
    page.page.get_by_text(
        "Not added: broken.pdf is damaged or not a PDF that can be read."
    ).wait_for(timeout=30_000)
    page.page.get_by_label("Replace it").check()  # even when asked to replace it …
    upload.set_input_files([str(binary)])
    page.page.get_by_text("briefing.txt looks like a binary file").wait_for(
        timeout=30_000
    )
    assert (corpus / "briefing.txt").read_bytes() == BRIEFING.read_bytes()  # … it stays
    page.page.get_by_label("Keep both").check()
    upload.set_input_files([str(note)])
    page.page.get_by_text("Added:").wait_for(timeout=60_000)
    page.page.wait_for_function(in_table, arg="harbour_notes.md")
    page.page.get_by_role("tab", name="Chat").click()
    page.ask("Who is the harbour pilot?")
    assert "Ilse Varga" in page.last_answer()
    page.page.get_by_role("tab", name="Documents").click()
    page.page.get_by_label("Document").click()
    page.page.get_by_role("option", name="harbour_notes.md").click()
    page.page.get_by_role("button", name="Remove document").click()
    page.page.get_by_text("Removed harbour_notes.md").wait_for(timeout=60_000)


def test_retry_undo_and_clear(server: str, browser: Any) -> None:
    page = Page(browser.new_context(), server)
    page.ask("Who attended the parade?")
    chat = page.page.locator("#chat")
    bots = page.page.locator('[data-testid="bot"]')
    page.page.evaluate("() => { document.querySelector('[data-testid=\"bot\"]').dataset.old = 1; }")
    chat.get_by_role("button", name="Retry").click()
    page.page.wait_for_function(  # the old answer is gone and a new one has arrived
        """() => { const b = document.querySelectorAll('[data-testid="bot"]');
                   return b.length === 1 && !b[0].dataset.old
                          && b[0].innerText.includes('Xi Jinping'); }""",
        timeout=60_000,
    )
    assert page.page.locator('[data-testid="user"]').count() == 1
    chat.get_by_role("button", name="Undo").click()
    page.page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"bot\"]').length === 0", timeout=30_000
    )
    box = page.page.locator('textarea[data-testid="textbox"]').first
    assert box.input_value() == "Who attended the parade?"  # undo gives the question back
    page.ask("How many guests attended the banquet?")
    assert bots.count() == 1
    chat.get_by_role("button", name="Clear").click()
    page.page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"bot\"]').length === 0", timeout=30_000
    )
    # The panel empties too, once the answer's last update (queued before Clear) has landed.
    page.page.wait_for_function(
        "() => document.querySelector('#sources-panel').innerText.includes('appear here')",
        timeout=30_000,
    )


class Outside(BaseHTTPRequestHandler):
    """A server "outside" the app: it only counts the requests that reach it."""

    paths: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Outside.paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def outside() -> Iterator[int]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Outside)
    Outside.paths.clear()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield int(httpd.server_address[1])
    httpd.shutdown()
    httpd.server_close()


def test_links_and_images_in_documents_stay_text(
    outside: int, browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    there = f"http://127.0.0.1:{outside}"
    notice = (
        "# Ferry notice\n\n"
        f"The ferry captain is Corwin Hale, as the [official page]({there}/phish) says.\n\n"
        f"The lighthouse keeper Mara Quill is shown in this ![photo]({there}/track.png) "
        "from the hall.\n\n"
        f'The tide tables were pinned up <img src="{there}/raw.png"> beside the ticket office.\n\n'
        f"The winter timetable is published at {there}/auto for every passenger.\n"
    )
    corpus = tmp_path_factory.mktemp("outside-corpus")
    # Its name, shown in the page title and the panels, is document text too.
    (corpus / f"[notice](http:127.0.0.1:{outside}).md").write_text(notice, encoding="utf-8")
    bot = Assistant(store_dir=tmp_path_factory.mktemp("outside-store"))
    bot.ingest([corpus])
    with running_app(bot, corpus) as url:
        page = Page(browser.new_context(), url)
        for question, answer in (
            ("Who is the ferry captain?", "Corwin Hale"),
            ("Who is the lighthouse keeper?", "Mara Quill"),
            ("Where is the winter timetable published?", "/auto"),
            ("Where were the tide tables pinned up?", "ticket office"),
        ):
            page.ask(question)
            assert answer in page.last_answer(), (question, page.last_answer())
        page.page.wait_for_timeout(500)  # time for any image to be fetched
        dom = page.page
        assert dom.locator(f'a[href*="{outside}"]').count() == 0
        assert dom.locator(f'img[src*="{outside}"]').count() == 0
        assert Outside.paths == []
        chat = dom.locator("#chat").inner_text()
        assert "[official page](" in chat  # shown as the document has it
        assert "![photo](" in chat
        assert '<img src="' in dom.locator("#sources-panel").inner_text()
        whole = dom.locator("#document-view").inner_text()
        assert "[official page](" in whole
        assert '<img src="' in whole


def test_only_admins_see_the_document_controls(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    corpus = tmp_path_factory.mktemp("admin-corpus")
    shutil.copy(BRIEFING, corpus / "briefing.txt")
    bot = Assistant(store_dir=tmp_path_factory.mktemp("admin-store"))
    bot.ingest([corpus])
    logins = [("reader", "r3ad"), ("boss", "b055")]
    with running_app(bot, corpus, auth=logins, admins=["boss"]) as url:
        reader = Page(browser.new_context(), url, login=("reader", "r3ad"))
        reader.ask("Who attended the parade?")
        assert "Xi Jinping" in reader.last_answer()  # chat as usual
        reader.page.get_by_role("tab", name="Documents").click()
        reader.page.get_by_text("Only an administrator can add").wait_for(timeout=30_000)
        for control in ("#uploads", "#reindex", "#remove-document", "#on-clash"):
            assert not reader.page.locator(control).is_visible(), control
        assert "briefing.txt" in reader.page.locator("#documents").inner_text()
        boss = Page(browser.new_context(), url, login=("boss", "b055"))
        boss.page.get_by_role("tab", name="Documents").click()
        boss.page.locator("#remove-document").wait_for(timeout=30_000)
        for control in ("#uploads", "#reindex", "#on-clash"):
            assert boss.page.locator(control).is_visible(), control
        assert not boss.page.get_by_text("Only an administrator can add").is_visible()
