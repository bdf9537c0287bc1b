"""Start the real Gradio app on a free loopback port for tests."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.request import urlopen


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_serving(url: str, seconds: float) -> None:
    """Return once ``url`` answers (or ``seconds`` have passed: the caller's request then
    fails with the reason)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.2)


@contextmanager
def running_app(
    assistant: Any,
    corpus_dir: Path,
    auth: list[tuple[str, str]] | Callable[[str, str], bool] | None = None,
    admins: Collection[str] = (),
) -> Iterator[str]:
    """The app on a free loopback port; ``auth`` as Gradio takes it (pairs or a callable,
    e.g. ``ui.login.PasswordLogin``), ``admins`` as ``build_app`` takes them."""
    from ui.app import build_app, launch_options

    demo = build_app(assistant, corpus_dir=corpus_dir, admins=admins)
    port = free_port()
    demo.launch(
        server_name="127.0.0.1",
        server_port=port,
        prevent_thread_lock=True,
        quiet=True,
        auth=auth,
        **launch_options(login=auth is not None),
    )
    url = f"http://127.0.0.1:{port}/"
    wait_until_serving(url, 60)
    try:
        yield url
    finally:
        demo.close()
