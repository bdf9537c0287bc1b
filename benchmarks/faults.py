"""Fault injection: kill -9 during ingest, damaged stores, hostile uploads, a hostile client
of `assistant serve` — is anything lost, does any traceback reach the user, is any answer
(or any door) wrong?

    .venv/bin/python benchmarks/faults.py            # all four parts (several minutes)
    .venv/bin/python benchmarks/faults.py --part kill

Uses real Chroma stores in a temp folder and real processes (SIGKILL at named moments, see
tests/crash_ingest.py); the embedder is the word-hashing one from there, so the figures are
about the store, not the model — except the serve part, which runs `assistant serve --auth`
with the packaged models on a small real store and counts a door that opens (a login during
a lockout, a route answering before login) as a wrong answer. Prints one table per part and
a total line; exit code 1 when any row lost data, showed a traceback or answered wrongly.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.errors import AssistantError  # noqa: E402
from tests.crash_ingest import MOMENTS, assistant_for, drop_collection  # noqa: E402

QUESTION = "Who is the lighthouse keeper?"
ANSWER = "Isobel Marr"


@dataclass(frozen=True, slots=True)
class Row:
    case: str
    outcome: str  # what the user saw, shortened
    lost: bool
    traceback: bool
    wrong: bool


def _ask(store: Path) -> tuple[str, bool, bool]:
    """(what the user saw, traceback?, wrong answer?) for the planted question, in a child
    process so that a crash counts. Refusing ("The documents do not say.") or a one-line
    error is not a wrong answer; a cited answer without the planted fact is."""
    script = (
        "import sys; from pathlib import Path; from tests.crash_ingest import assistant_for\n"
        "from assistant.errors import AssistantError\n"
        "try:\n"
        f"    a = assistant_for(Path(sys.argv[1])).ask({QUESTION!r})\n"
        "    print('ABSTAINED' if a.abstained else 'ANSWER', a.text)\n"
        "except AssistantError as e:\n"
        "    print('ERROR', e)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(store)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    out = run.stdout.strip()
    if run.returncode != 0 or "Traceback" in run.stderr:
        return f"crash rc={run.returncode}", True, False
    kind, _, text = out.partition(" ")
    return text[:80], False, kind == "ANSWER" and ANSWER not in text


def _answered(seen: str) -> bool:
    return ANSWER in seen


def _corpus(folder: Path) -> Path:
    """150 generated files of 10 chunks and one that answers the planted question."""
    from tests.test_store_damage import _write_corpus

    folder.parent.mkdir(parents=True, exist_ok=True)
    return _write_corpus(folder)


def _state(store: Path) -> dict[str, Any]:
    bot = assistant_for(store)
    entries = bot.store.entries()
    index = bot.store.lexical()
    return {
        "entries": {s: (e.content_hash, sorted(e.chunk_ids), e.state) for s, e in entries.items()},
        "count": bot.store.count(),
        "lexical": {s: sorted(index.ids(s)) for s in index.sources()},
    }


def kill_part(work: Path) -> list[Row]:
    corpus = _corpus(work / "kill-corpus")
    clean = work / "kill-clean"
    assistant_for(clean).ingest([corpus])
    expected = _state(clean)
    old = work / "kill-old"
    shutil.copytree(corpus, old)
    for name in ("doc000.txt", "doc001.txt"):  # the run edits two files and prunes one
        (old / name).write_text("An older text. It changed since.", encoding="utf-8")
    # ... and moves the chunks of a third (its first paragraph is new: the rest shift).
    moved = old / "doc002.txt"
    moved.write_text(moved.read_text(encoding="utf-8").split("\n\n", 1)[1], encoding="utf-8")
    (old / "gone.txt").write_text("A file that the run prunes.", encoding="utf-8")
    rows = []
    for moment in MOMENTS:
        store = work / f"kill-{moment.replace(':', '-')}"
        assistant_for(store).ingest([old])
        run = subprocess.run(
            [sys.executable, "-m", "tests.crash_ingest", str(store), str(corpus), moment],
            cwd=ROOT, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        killed = run.returncode == -9
        try:
            assistant_for(store).ingest([corpus], prune=True)
            lost = _state(store) != expected
        except AssistantError as exc:
            print(f"{moment}: the next ingest failed: {exc}", file=sys.stderr)
            lost = True
        seen, traceback, wrong = _ask(store)
        rows.append(
            Row(f"kill -9 at {moment}", ("killed; " if killed else "NOT killed; ") + seen,
                lost or not killed, traceback or "Traceback" in run.stderr, wrong)
        )  # fmt: skip
    return rows


def _damage_cases() -> dict[str, tuple[Callable[[Path], None], str]]:
    """Case → (damage, the repair a user runs after reading the message)."""
    from tests import test_store_damage as d

    def lexical_deleted(store: Path) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{store / 'lexical' / 'briefings.sqlite3'}{suffix}").unlink(missing_ok=True)

    def lexical_garbled(store: Path) -> None:
        path = store / "lexical" / "briefings.sqlite3"
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        d._garble(path, 0, path.stat().st_size)

    def lexical_swapped(store: Path) -> None:
        import sqlite3

        bot = assistant_for(store)
        keeper = bot.store.bm25_search("lighthouse keeper", 1)[0].chunk_id
        bot.store.lexical().close()
        with sqlite3.connect(store / "lexical" / "briefings.sqlite3") as db:
            rows = [r[0] for r in db.execute("SELECT rowid FROM chunk ORDER BY rowid")]
            mine = db.execute("SELECT rowid FROM chunk WHERE id = ?", (keeper,)).fetchone()[0]
            other = rows[0] if rows[0] != mine else rows[1]
            a, b = (db.execute("SELECT tokens FROM fts WHERE rowid = ?", (r,)).fetchone()[0]
                    for r in (mine, other))  # fmt: skip
            db.execute("UPDATE fts SET tokens = ? WHERE rowid = ?", (b, mine))
            db.execute("UPDATE fts SET tokens = ? WHERE rowid = ?", (a, other))

    def missing_chunks(store: Path) -> None:
        bot = assistant_for(store)
        bot.store.delete(list(bot.store.entries()["zz-lighthouse.txt"].chunk_ids))

    def manifest_dropped(store: Path) -> None:
        bot = assistant_for(store)
        bot.store.lexical().close()
        drop_collection(store, "briefings__files")

    def threshold_nan(store: Path) -> None:
        (store / "calibration.json").write_text('{"abstain_threshold": NaN}', encoding="utf-8")

    def lexical_index_pages(store: Path) -> None:
        d.garble_lexical_pages(store / "lexical" / "briefings.sqlite3")

    def lexical_random_pages(store: Path) -> None:
        d.garble_random_pages(store / "lexical" / "briefings.sqlite3", 2)

    def sentence_pages(store: Path) -> None:
        d.garble_sentence_pages(store / "sentences" / "briefings.sqlite3")

    return {
        "chroma.sqlite3 truncated to half": (d.truncate_database, "rebuild"),
        "chroma.sqlite3 garbled": (d.garble_database, "rebuild"),
        "HNSW data_level0.bin random bytes": (d.garble_vectors, "rebuild"),
        "HNSW data_level0.bin truncated": (d.truncate_vectors, "rebuild"),
        "HNSW header.bin garbled": (d.garble_header, "rebuild"),
        "HNSW segment folder deleted": (d.delete_segment, "rebuild"),
        "lexical index deleted": (lexical_deleted, "none"),
        "lexical index garbled": (lexical_garbled, "none"),
        "lexical index: FTS5 pages garbled (file opens)": (lexical_index_pages, "none"),
        "lexical index: 20 random pages garbled": (lexical_random_pages, "doctor"),
        "sentence index: its pages garbled": (sentence_pages, "doctor"),
        "lexical rows swapped": (lexical_swapped, "doctor"),
        "a file's chunks deleted": (missing_chunks, "doctor+ingest"),
        "manifest collection dropped": (manifest_dropped, "ingest"),
        "calibration.json threshold NaN": (threshold_nan, "fix file"),
    }


def damage_part(work: Path) -> list[Row]:
    corpus = _corpus(work / "damage-corpus")
    pristine = work / "damage-pristine"
    assistant_for(pristine).ingest([corpus])
    rows = []
    for n, (case, (damage, repair)) in enumerate(_damage_cases().items()):
        store = work / f"damage-{n}"
        shutil.copytree(pristine, store)
        damage(store)
        seen, traceback, wrong = _ask(store)
        doctor = subprocess.run(
            [sys.executable, "-m", "assistant.cli", "--store", str(store), "doctor"],
            cwd=ROOT, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        traceback = traceback or "Traceback" in doctor.stderr or doctor.returncode not in (0, 1)
        try:
            if repair == "rebuild":
                assistant_for(store).ingest([corpus], rebuild=True)
            elif repair == "doctor":
                assistant_for(store).repair()
            elif repair in ("doctor+ingest", "ingest"):
                if repair == "doctor+ingest":
                    assistant_for(store).repair()
                assistant_for(store).ingest([corpus])
            elif repair == "fix file":
                (store / "calibration.json").unlink()
        except AssistantError as exc:
            seen += f" / repair failed: {exc}"
        after, after_tb, after_wrong = _ask(store)
        lost = after_wrong or not _answered(after)  # the repair brought the answer back
        said = doctor.stdout.strip().splitlines() or [doctor.stderr.strip()]
        doctor_said = next((line for line in said if "DAMAGED" in line), said[0])[:60]
        rows.append(Row(case, f"{seen[:60]} | doctor: {doctor_said}", lost,
                        traceback or after_tb, wrong))  # fmt: skip
    return rows


def _hostile_uploads(tmp: Path) -> list[tuple[str, Path, str]]:
    """(case, the uploaded file as the browser hands it over, the clash choice)."""
    folder = tmp / "uploads"

    def file(name: str, data: bytes) -> Path:
        path = folder / str(len(list(folder.glob("*")))) / name
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        return path

    folder.mkdir(parents=True)
    binary = bytes(range(256)) * 64
    nested = (
        b"<html><body>" + b"<div>" * 100_000 + b"deep" + b"</div>" * 100_000 + b"</body></html>"
    )
    return [
        ("binary bytes replacing a document", file("zz-lighthouse.txt", binary), "replace"),
        ("binary bytes named like a document", file("zz-lighthouse.txt", binary), "rename"),
        ("6 MB text file", file("big.txt", b"Words and more words. " * 300_000), "rename"),
        ("a .pdf", file("report.pdf", b"%PDF-1.7 not really"), "rename"),
        ("path traversal name", file("..%2F..%2Fescape.txt", b"Escaped. Or not."), "rename"),
        ("a hidden name", file(".hidden.md", b"# Hidden\n\nA hidden file."), "rename"),
        ("HTML nested 100,000 deep", file("deep.html", nested), "rename"),
        ("empty file", file("empty.txt", b""), "rename"),
        ("1 MB line, no punctuation", file("line.txt", b"word " * 200_000), "rename"),
        ("live links and images in Markdown",
         file("links.md", b"The keeper's page is [here](http://127.0.0.9/phish). "
                          b"![x](http://127.0.0.9/t.png)"), "replace"),
    ]  # fmt: skip


def uploads_part(work: Path) -> list[Row]:
    from ui.app import ChatApp

    corpus = _corpus(work / "upload-corpus")
    store = work / "upload-store"
    bot = assistant_for(store)
    bot.ingest([corpus])
    app = ChatApp(bot, corpus)
    rows = []
    for case, upload, on_clash in _hostile_uploads(work):
        before = {p.name: p.read_bytes() for p in corpus.iterdir() if p.is_file()}
        outside = sorted(p.name for p in work.iterdir())
        traceback = False
        try:
            status = re.sub(r"<[^>]+>", "", str(app.upload([str(upload)], on_clash)[0]))
        except Exception as exc:  # any exception here would reach the user as a traceback
            status, traceback = f"{type(exc).__name__}: {exc}", True
        after = {p.name: p.read_bytes() for p in corpus.iterdir() if p.is_file()}
        lost = any(after.get(name) != data for name, data in before.items())
        lost |= sorted(p.name for p in work.iterdir()) != outside  # nothing written outside
        lost |= not set(before) <= {d.source for d in bot.documents()}
        seen, ask_tb, wrong = _ask(store)
        rows.append(Row(case, f"{status[:70]} / then: {seen[:40]}", lost,
                        traceback or ask_tb, wrong))  # fmt: skip
    return rows


def render(title: str, rows: list[Row]) -> str:
    lines = [f"## {title}", "", "| case | what the user saw | lost | traceback | wrong |",
             "|---|---|---|---|---|"]  # fmt: skip
    for r in rows:
        flag = {True: "**yes**", False: "no"}
        outcome = r.outcome.replace("|", "/")
        lines.append(
            f"| {r.case} | {outcome} | {flag[r.lost]} | {flag[r.traceback]} | {flag[r.wrong]} |"
        )
    return "\n".join(lines)


# --- serve: a hostile client of `assistant serve --auth` (issue 21) -------------------------

PASSWORD = "r1ght-horse"
ZEPHYR = "The Zephyr lighthouse was rebuilt by Quillon Marr in 1887."
# Routes that answered before login on 81f78b5, and others; each must be 401 at once.
BEFORE_LOGIN = (
    "manifest.json", "openapi.json", "config", "robots.txt", "gradio_api/info",
    "gradio_api/heartbeat/abcdef", "gradio_api/startup-events", "gradio_api/app_id",
    "gradio_api/token", "gradio_api/user", "gradio_api/queue/data?session_hash=abcdef",
    "no/such/route",
)  # fmt: skip


def _serve_corpus(folder: Path) -> Path:
    """The briefing, 40 generated files (400 chunks: a lexical file of ~80 pages), the
    planted keeper, and a sentence followed by link text as .txt and in an HTML page."""
    import random

    from tests.test_store_damage import WORDS

    folder.mkdir(parents=True)
    shutil.copy(ROOT / "corpus" / "briefing.txt", folder / "briefing.txt")
    rng = random.Random(7)
    for f in range(40):
        paragraphs = [
            " ".join(
                " ".join(rng.choice(WORDS) for _ in range(8)).capitalize() + f" code {f}{p}{s}."
                for s in range(5)
            )
            for p in range(10)
        ]
        (folder / f"doc{f:03d}.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    (folder / "zz-lighthouse.txt").write_text(
        "The lighthouse keeper is Isobel Marr. She lights the lamp at dusk.", encoding="utf-8"
    )
    (folder / "zephyr.txt").write_text(f"{ZEPHYR} click me\n", encoding="utf-8")
    (folder / "harbour.html").write_text(
        "<html><body><h1>Harbour</h1><p>The harbour pilot is Ilse Varga. "
        "<a href='https://example.org/'>read more</a></p></body></html>",
        encoding="utf-8",
    )
    return folder


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})},
    )  # fmt: skip


def _login(
    url: str, user: str, password: str, headers: dict[str, str] | None = None, source: str = ""
) -> Any:
    import httpx

    transport = httpx.HTTPTransport(local_address=source) if source else None
    with httpx.Client(base_url=url, timeout=30, transport=transport) as client:
        return client.post(
            "login", data={"username": user, "password": password}, headers=headers or {}
        )


def _forged(url: str) -> Row:
    codes = [
        _login(url, "alice", "wrong", {"X-Forwarded-For": f"10.9.9.{n}"}).status_code
        for n in range(5)
    ]
    spellings = [{"X-Forwarded-For": "10.9.9.99"}, {"Forwarded": "for=10.9.9.9"},
                 {"X-Real-IP": "10.9.9.9"}, {"X-Forwarded-For": "::1"}]  # fmt: skip
    right = [_login(url, "alice", PASSWORD, h) for h in spellings]
    waits = [int(r.headers.get("Retry-After", 0)) for r in right]
    opened = any(r.status_code == 200 for r in right)
    seen = f"5 wrong: {codes}; right password, 4 forged headers: " + ", ".join(
        f"{r.status_code}/{w}s" for r, w in zip(right, waits, strict=True)
    )
    doubling = waits == [60, 120, 240, 480]
    other = _login(url, "carol", PASSWORD).status_code  # another user (clears the address)
    wrong = opened or not doubling or other != 200
    return Row("forged X-Forwarded-For during a lockout", seen, False, False, wrong)


def _spread(url: str) -> Row:
    codes = [
        _login(url, "bob", f"guess-{n}", {"X-Forwarded-For": f"10.0.{n}.1"}).status_code
        for n in range(15)
    ]
    # 127.0.0.1 has now failed for several names and stays throttled for any (a success
    # clears only its own user's counts); another user logs in from elsewhere.
    here = _login(url, "carol", PASSWORD).status_code
    elsewhere = _login(url, "carol", PASSWORD, source="127.0.0.98").status_code
    seen = (
        f"15 wrong from 15 forged addresses: {codes.count(400)}x400, {codes.count(429)}x429;"
        f" another user from 127.0.0.1: {here}, from 127.0.0.98: {elsewhere}"
    )
    return Row("wrong passwords from forged addresses", seen, False, False,
               429 not in codes or here != 429 or elsewhere != 200)  # fmt: skip


def _before_login(url: str) -> Row:
    import httpx

    opened = []
    with httpx.Client(base_url=url, timeout=10) as client:
        for path in BEFORE_LOGIN:
            try:
                status = client.get(path).status_code
            except httpx.TimeoutException:
                status = 0  # held open
            if status != 401:
                opened.append(f"{path} {status}")
        page = client.get("")
    leaked = "/chat" in page.text or page.status_code != 200
    seen = f"{len(BEFORE_LOGIN) - len(opened)} of {len(BEFORE_LOGIN)} routes 401 at once" + (
        f"; open: {', '.join(opened)}" if opened else ""
    )
    return Row("routes before login", seen, False, False, bool(opened) or leaked)


def _chat(url: str, question: str) -> str:
    from gradio_client import Client

    client = Client(url, auth=("dave", PASSWORD), verbose=False)
    return str(client.predict(question, api_name="/chat")["answer"])


def _linked(url: str) -> Row:
    answers = [
        _chat(url, "Who rebuilt the Zephyr lighthouse?"),
        _chat(url, "Who is the harbour pilot?"),
    ]
    wrong = "Quillon Marr" not in answers[0] or "Ilse Varga" not in answers[1]
    return Row("a sentence followed by link text (.txt, .html)",
               " / ".join(a[:45] for a in answers), False, False, wrong)  # fmt: skip


def _garbled_live(url: str, store: Path) -> Row:
    from tests.test_store_damage import garble_lexical_pages, garble_random_pages

    path = store / "lexical" / "briefings.sqlite3"
    _chat(url, QUESTION)  # the server has the index open
    pages = garble_lexical_pages(path)
    served = _chat(url, QUESTION)
    asked = _cli("--store", str(store), "ask", QUESTION)
    garble_random_pages(path, 2)  # and 20 random pages, as the probe did
    again = _chat(url, QUESTION)
    repaired = _cli("--store", str(store), "doctor", "--repair")
    doctor = _cli("--store", str(store), "doctor")
    seen = (
        f"{pages} FTS5 pages garbled: server {served[:14]} / ask {asked.stdout[:14]}; then 20"
        f" random: server {again[:14]}; doctor --repair rc {repaired.returncode}"
    )
    return Row("lexical index garbled under a running server", seen, doctor.returncode != 0,
               "Traceback" in asked.stderr + repaired.stderr + doctor.stderr,
               any(ANSWER not in a for a in (served, asked.stdout, again)))  # fmt: skip


def _sentences_live(url: str, store: Path) -> Row:
    from tests.test_store_damage import garble_sentence_pages

    question = "Which countries are mentioned?"
    _chat(url, question)  # the server has the sentence index open
    pages = garble_sentence_pages(store / "sentences" / "briefings.sqlite3")
    served = _chat(url, question)
    doctor = _cli("--store", str(store), "doctor")
    seen = f"{pages} pages garbled: server {served[:40]}; doctor rc {doctor.returncode}"
    return Row("sentence index garbled under a running server", seen, doctor.returncode != 0,
               "Traceback" in doctor.stderr, "Russia" not in served)  # fmt: skip


def _settings(store: Path) -> list[Row]:
    rows = []
    for variable, value in (("ASSISTANT_DENSE_K", "5000000000"),
                            ("ASSISTANT_ONNX_THREADS", "100000")):  # fmt: skip
        run = _cli("--store", str(store), "ask", QUESTION, env={variable: value})
        line = run.stderr.strip()
        one_line = len(line.splitlines()) == 1 and run.returncode == 1
        named = variable in line and "store" not in line
        rows.append(Row(f"{variable}={value}", line[:70], False, "Traceback" in line,
                        not (one_line and named)))  # fmt: skip
    return rows


def serve_part(work: Path) -> list[Row]:
    corpus = _serve_corpus(work / "serve-corpus")
    store = work / "serve-store"
    ingest = _cli("--store", str(store), "ingest", "-q", str(corpus))
    if ingest.returncode != 0:
        return [Row("ingest for serve", ingest.stderr.strip()[:80], True, True, False)]
    logins = work / "logins.txt"
    logins.write_text("".join(f"{u}:{PASSWORD}\n" for u in ("alice", "bob", "carol", "dave")))
    rows: list[Row] = []
    # The forging cases spray wrong passwords from 127.0.0.1, which then stays throttled for
    # any user name (a success clears only its own user's counts): a server of their own.
    rows += _with_server(store, logins, corpus, [_forged, _spread])
    rows += _with_server(store, logins, corpus, [_before_login, _linked], live=True)
    return rows + _settings(store)


def _with_server(
    store: Path, logins: Path, corpus: Path, cases: list[Callable[[str], Row]],
    *, live: bool = False,
) -> list[Row]:  # fmt: skip
    """Run ``cases`` against a fresh ``assistant serve --auth-file``; then the store's live
    damage cases too when ``live``."""
    from tests.ui_server import free_port, wait_until_serving

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "--store", str(store), "serve", "--port",
         str(port), "--auth-file", str(logins), "--corpus", str(corpus)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    rows: list[Row] = []
    try:
        wait_until_serving(url, 300)
        rows = [case(url) for case in cases]
        if live:
            rows += [_garbled_live(url, store), _sentences_live(url, store)]
    finally:
        server.terminate()
        _, err = server.communicate(timeout=60)
    if "Traceback" in err:
        rows.append(Row("the server's own output", err.strip()[-80:], False, True, False))
    return rows


PARTS: dict[str, Callable[[Path], list[Row]]] = {
    "kill": kill_part,
    "damage": damage_part,
    "uploads": uploads_part,
    "serve": serve_part,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=[*PARTS, "all"], default="all")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = parser.parse_args()
    chosen = list(PARTS) if args.part == "all" else [args.part]
    every: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="faults-") as tmp:
        for name in chosen:
            rows = PARTS[name](Path(tmp))
            every += rows
            print(render(name, rows), "\n", flush=True)
    bad = [r for r in every if r.lost or r.traceback or r.wrong]
    print(
        f"{len(every)} cases: {sum(r.lost for r in every)} lost data, "
        f"{sum(r.traceback for r in every)} tracebacks, {sum(r.wrong for r in every)} wrong answers"
    )
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in every], indent=2), encoding="utf-8")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
