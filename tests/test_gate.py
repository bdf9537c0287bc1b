"""ui/gate.py in front of a small real Starlette app: without a session only the login page,
its assets and the form answer (the real `assistant serve` is in tests/test_serve_login.py)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket, WebSocketDisconnect

from ui.gate import LoginRequiredMiddleware, open_before_login

pytestmark = pytest.mark.unit

PAGE = (
    '<html><script>window.gradio_config = {"auth_required":true};</script>'
    '<script>window.gradio_api_info = {"named_endpoints":{"/chat":{"parameters":[]}}};'
    "</script><p>Log in</p></html>"
)


async def page(request: Request) -> HTMLResponse:
    return HTMLResponse(PAGE)


async def manifest(request: Request) -> JSONResponse:
    return JSONResponse({"name": "Briefing Assistant · 3 documents"})


async def asset(request: Request) -> PlainTextResponse:
    return PlainTextResponse("console.log(1)")


async def form(request: Request) -> JSONResponse:
    return JSONResponse({"success": True})


async def startup(request: Request) -> JSONResponse:
    request.app.startup_events_triggered = True
    return JSONResponse(True)


async def socket(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text("hello")
    await websocket.close()


def gated(*, required: bool = True, gradio: bool = True) -> TestClient:
    app: Any = Starlette(
        routes=[
            Route("/", page),
            Route("/manifest.json", manifest),
            Route("/assets/index.js", asset),
            Route("/login", form, methods=["GET", "POST"]),
            Route("/gradio_api/startup-events", startup),
            WebSocketRoute("/ws", socket),
        ],
        middleware=[Middleware(LoginRequiredMiddleware, required=required)],
    )
    if gradio:  # what Gradio's App keeps: its login's tokens and its cookies' suffix
        app.tokens = {"t0ken": "reader"}
        app.cookie_id = "c1"
        app.startup_events_triggered = False
    return TestClient(app)


def test_without_a_session_only_the_login_page_its_assets_and_form_answer() -> None:
    client = gated()
    assert client.get("/manifest.json").status_code == 401
    assert client.get("/manifest.json").json() == {
        "detail": {"error": "Not authenticated", "auth_message": None}
    }
    assert client.get("/nowhere").status_code == 401  # not even a 404 tells what exists
    assert client.get("/login").status_code == 401  # only the form's POST
    assert client.post("/login").status_code == 200
    assert client.get("/assets/index.js").text == "console.log(1)"
    shown = client.get("/")
    assert shown.status_code == 200
    assert "window.gradio_api_info = {};</script><p>Log in</p>" in shown.text
    assert "/chat" not in shown.text
    assert int(shown.headers["content-length"]) == len(shown.content)
    with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect("/ws") as ws:
        ws.receive_text()
    assert closed.value.code == 1008


def test_gradios_own_startup_call_is_answered_once_and_then_refused() -> None:
    client = gated()
    assert client.get("/gradio_api/startup-events").status_code == 200
    assert client.get("/gradio_api/startup-events").status_code == 401


def test_a_session_opens_everything_and_a_forged_one_nothing() -> None:
    client = gated()
    client.cookies.set("access-token-unsecure-c1", "t0ken")
    assert client.get("/manifest.json").status_code == 200
    assert "/chat" in client.get("/").text  # the whole page
    with client.websocket_connect("/ws") as ws:
        assert ws.receive_text() == "hello"
    forged = gated()
    forged.cookies.set("access-token-unsecure-c1", "guessed")
    forged.cookies.set("access-token-c2", "t0ken")  # another app's cookie
    assert forged.get("/manifest.json").status_code == 401


def test_no_login_no_gate_and_an_unknown_app_keeps_everyone_out() -> None:
    assert gated(required=False).get("/manifest.json").status_code == 200
    unknown = gated(gradio=False)
    unknown.cookies.set("access-token-unsecure-c1", "t0ken")
    assert unknown.get("/manifest.json").status_code == 401
    assert unknown.get("/gradio_api/startup-events").status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "open_"),
    [
        ("GET", "/", True),
        ("HEAD", "/", True),
        ("GET", "/theme.css", True),
        ("GET", "/static/fonts/a.woff2", True),
        ("POST", "/login/", True),
        ("POST", "/", False),
        ("GET", "/gradio_api/theme.css", False),
        ("GET", "/assetsx/a.js", False),
        ("GET", "/openapi.json", False),
        ("DELETE", "/assets/a.js", False),
    ],
)
def test_what_is_open_before_login(method: str, path: str, open_: bool) -> None:
    assert open_before_login(method, path) is open_
