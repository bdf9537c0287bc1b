"""Under a login, nothing but the login page answers before the login.

Gradio guards some routes with its login check and leaves others open: before logging in,
``/manifest.json`` named the documents, ``/openapi.json`` listed every route and
``/gradio_api/heartbeat/…`` held a stream open for minutes. ``LoginRequiredMiddleware`` sits
in front of all of them: a request without a session gets 401 at once (a WebSocket is closed
before it is accepted), unless it is the login page, its assets or the login form. The login
page itself goes out without the API description Gradio embeds in it.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# What the login page needs before a session exists (found by loading it in Chromium):
# the page, Gradio's own frontend files and theme, the favicon, and the form's POST.
_PAGE = frozenset({"/"})
_ASSETS = ("/assets/", "/static/")
_FILES = frozenset({"/theme.css", "/favicon.ico"})
_FORM = frozenset({"/login", "/login/"})
# Gradio's launch() asks this of its own server once, before it returns; it is open until then.
_STARTUP = "/gradio_api/startup-events"
_NOT_LOGGED_IN = b'{"detail":{"error":"Not authenticated","auth_message":null}}'
# Gradio writes the named endpoints and their parameters into every page it serves.
_API_INFO = re.compile(rb"(window\.gradio_api_info = ).*?(;</script>)", re.DOTALL)


def open_before_login(method: str, path: str, app: Any = None) -> bool:
    """Whether a request may be answered without a session (``app``: Gradio's, for the one
    request its launch makes before it has started)."""
    if method in ("GET", "HEAD"):
        if path == _STARTUP:
            return getattr(app, "startup_events_triggered", True) is False
        return path in _PAGE or path in _FILES or path.startswith(_ASSETS)
    return method == "POST" and path in _FORM


def logged_in(scope: Scope) -> bool:
    """Whether the request carries a session Gradio's login handed out (its cookie, in
    Gradio's table of tokens). Without that table (another Gradio), nobody is."""
    app: Any = scope.get("app")
    tokens = getattr(app, "tokens", None)
    cookie_id = getattr(app, "cookie_id", None)
    if not isinstance(tokens, dict) or cookie_id is None:
        return False
    cookies = HTTPConnection(scope).cookies
    for name in (f"access-token-{cookie_id}", f"access-token-unsecure-{cookie_id}"):
        token = cookies.get(name)
        if token and token in tokens:
            return True
    return False


class LoginRequiredMiddleware:
    """ASGI middleware: with ``required``, every request but the login page's is refused
    without a session (401, nothing read or streamed); without, it does nothing."""

    def __init__(self, app: ASGIApp, *, required: bool = True) -> None:
        self.app = app
        self.required = required

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.required or scope["type"] not in ("http", "websocket") or logged_in(scope):
            await self.app(scope, receive, send)
            return
        path, method = scope.get("path", ""), scope.get("method", "GET")
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        elif not open_before_login(method, path, scope.get("app")):
            await _refuse(send)
        elif method == "GET" and path in _PAGE:
            await self.app(scope, receive, _without_api_info(send))
        else:
            await self.app(scope, receive, send)


async def _refuse(send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 401,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(_NOT_LOGGED_IN)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": _NOT_LOGGED_IN})


def _without_api_info(send: Send) -> Send:
    """``send`` for the login page: its body gathered and sent with the API description
    emptied (and its length fixed)."""
    start: Message | None = None
    body: list[bytes] = []

    async def sending(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        if message["type"] != "http.response.body" or start is None:
            await send(message)
            return
        body.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        page = _API_INFO.sub(rb"\1{}\2", b"".join(body))
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(page)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": page})

    return sending
