"""`assistant serve --auth-file …` as a real process: the login throttle counts the socket's
peer whatever a client writes in its headers, and nothing but the login page answers before
the login. (The throttle's timing is unit-tested on an injected clock in tests/test_login.py.)"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.ui_server import free_port, wait_until_serving

ROOT = Path(__file__).resolve().parents[1]
USERS = ("alice", "bob", "carol", "dave", "erin", "frank")
PASSWORD = "r1ght-horse"

pytestmark = [pytest.mark.integration, pytest.mark.server]


def _serve(store: Path, tmp: Path, *extra: str) -> Iterator[str]:
    logins = tmp / "logins.txt"
    logins.write_text("".join(f"{user}:{PASSWORD}\n" for user in USERS), encoding="utf-8")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "--store", str(store), "serve",
         "--port", str(port), "--auth-file", str(logins), "--corpus", str(tmp), *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_serving(url, 300)
        yield url
    finally:
        server.terminate()
        _, err = server.communicate(timeout=60)
    assert "Traceback" not in err, err


@pytest.fixture(scope="module")
def store(briefing_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("serve-login") / "store"
    shutil.copytree(briefing_store, copy)
    return copy


@pytest.fixture(scope="module")
def server(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _serve(store, tmp_path_factory.mktemp("plain"))


@pytest.fixture(scope="module")
def forged(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of its own for the forging tests: their failures from 127.0.0.1 count against
    that address for good (a success clears only its user name's counts)."""
    yield from _serve(store, tmp_path_factory.mktemp("forged"))


@pytest.fixture(scope="module")
def proxied(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same, told that loopback is its reverse proxy."""
    yield from _serve(
        store, tmp_path_factory.mktemp("proxied"), "--forwarded-allow-ips", "127.0.0.1"
    )


def login(
    url: str, user: str, password: str, headers: dict[str, str] | None = None, source: str = ""
) -> httpx.Response:
    transport = httpx.HTTPTransport(local_address=source) if source else None
    with httpx.Client(base_url=url, timeout=60, transport=transport) as client:
        return client.post(
            "login", data={"username": user, "password": password}, headers=headers or {}
        )


FORGED = [
    {"X-Forwarded-For": "10.9.9.9"},
    {"x-forwarded-for": "10.1.1.1, 10.2.2.2"},
    {"X-Forwarded-For": "2001:db8::1"},
    {"Forwarded": "for=10.9.9.9;proto=http"},
    {"X-Real-IP": "10.9.9.9"},
    {"X-Forwarded-For": "127.0.0.2", "X-Real-IP": "127.0.0.3", "Forwarded": "for=127.0.0.4"},
]


# The forging tests come from 127.0.0.1 (uvicorn's own default trusts its X-Forwarded-For),
# on a server of their own; the others use loopback addresses of their own.


def test_a_forged_forwarded_header_does_not_dodge_the_lockout(forged: str) -> None:
    server = forged
    here = "127.0.0.1"
    failed = [
        login(server, "alice", "wrong", {"X-Forwarded-For": f"10.9.9.{n}"}, here).status_code
        for n in range(5)
    ]
    assert failed == [400] * 5
    waits = []
    for headers in FORGED:
        refused = login(server, "alice", PASSWORD, headers, here)
        assert refused.status_code == 429, headers
        waits.append(int(refused.headers["Retry-After"]))
    assert waits == [60, 120, 240, 480, 900, 900]  # each try doubles the lockout
    assert login(server, "bob", PASSWORD, source=here).status_code == 200  # another user may


def test_wrong_passwords_from_as_many_forged_addresses_are_refused(forged: str) -> None:
    server, here = forged, "127.0.0.1"
    codes = [
        login(server, "carol", f"guess-{n}", {"X-Forwarded-For": f"10.0.{n}.1"}, here).status_code
        for n in range(15)
    ]
    assert codes == [400] * 5 + [429] * 10
    # 127.0.0.1 has now failed for several names: from elsewhere another user may log in.
    assert login(server, "erin", PASSWORD, source="127.0.0.98").status_code == 200


def test_a_guess_from_many_real_addresses_is_throttled_per_user_name(server: str) -> None:
    """Ten loopback addresses (real peers), one wrong password each: the user name locks."""
    codes = [
        login(server, "dave", "wrong", source=f"127.0.0.{n}").status_code for n in range(2, 12)
    ]
    assert codes == [400] * 10
    assert login(server, "dave", PASSWORD, source="127.0.0.99").status_code == 429
    assert login(server, "erin", PASSWORD, source="127.0.0.99").status_code == 200


BEFORE_LOGIN = [
    "manifest.json",
    "openapi.json",
    "docs",
    "config",
    "robots.txt",
    "monitoring",
    "gradio_api/info",
    "gradio_api/openapi.json",
    "gradio_api/heartbeat/abcdef",
    "gradio_api/startup-events",
    "gradio_api/app_id",
    "gradio_api/token",
    "gradio_api/user",
    "gradio_api/queue/data?session_hash=abcdef",
    "gradio_api/upload_progress?upload_id=x",
    "gradio_api/file=/etc/passwd",
    "gradio_api/theme.css",
    "logout",
    "no/such/route",
]


def test_nothing_but_the_login_page_answers_before_login(server: str) -> None:
    with httpx.Client(base_url=server, timeout=10) as client:  # a held stream would time out
        for path in BEFORE_LOGIN:
            response = client.get(path)
            assert response.status_code == 401, (path, response.status_code, response.text[:200])
            assert "briefing" not in response.text.lower(), path
        for path in ("gradio_api/queue/join", "gradio_api/upload", "gradio_api/run/chat",
                     "gradio_api/call/chat", "gradio_api/cancel", "gradio_api/reset"):  # fmt: skip
            assert client.post(path, json={}).status_code == 401, path
        page = client.get("")
        assert page.status_code == 200
        assert '"auth_required":true' in page.text
        assert "/chat" not in page.text  # the API description is left out of the login page
        assert "window.gradio_api_info = {};" in page.text
        asset = re.search(r'(?:src|href)="\./(assets/[^"]+\.js)"', page.text)
        assert asset is not None
        assert client.get(asset.group(1)).status_code == 200
        assert client.get("theme.css").status_code == 200


def test_after_login_the_app_answers(server: str) -> None:
    from gradio_client import Client

    with httpx.Client(base_url=server, timeout=60) as client:  # from 127.0.0.1
        assert client.post("login", data={"username": "frank", "password": PASSWORD}).is_success
        assert client.get("gradio_api/info").status_code == 200
        assert client.get("config").status_code == 200
        assert "Briefing Assistant" in client.get("manifest.json").text
        assert "/chat" in client.get("").text
    answer = Client(server, auth=("frank", PASSWORD), verbose=False).predict(
        "Who attended the parade?", api_name="/chat"
    )
    assert "Xi Jinping" in answer["answer"]


def test_a_named_proxy_is_believed_and_the_user_name_still_counts(proxied: str) -> None:
    """With --forwarded-allow-ips 127.0.0.1 the client is the proxy's X-Forwarded-For: a
    lockout holds one client, not everyone behind the proxy; the user name's own limit still
    counts across them."""
    for _ in range(5):
        assert login(proxied, "alice", "wrong", {"X-Forwarded-For": "10.0.0.1"}).status_code == 400
    assert login(proxied, "alice", PASSWORD, {"X-Forwarded-For": "10.0.0.1"}).status_code == 429
    assert login(proxied, "alice", PASSWORD, {"X-Forwarded-For": "10.0.0.2"}).status_code == 200
    codes = [
        login(proxied, "bob", "wrong", {"X-Forwarded-For": f"10.0.1.{n}"}).status_code
        for n in range(10)
    ]
    assert codes == [400] * 10
    assert login(proxied, "bob", PASSWORD, {"X-Forwarded-For": "10.0.2.1"}).status_code == 429
