"""Password login for ``serve``: constant-time checks behind a throttle on failed attempts.

Gradio calls ``auth(username, password)`` for every POST to ``/login``; ``PasswordLogin`` is
that callable. It refuses a user name and client address that failed ``max_failures`` times
in a row for a lockout that doubles with each further failure, even with the right password,
and answers 429 with ``Retry-After`` while the lockout lasts. Gradio does not hand the
client's address to ``auth``: ``ClientAddressMiddleware`` (in ``launch_options``) does.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass

from fastapi import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.errors import ConfigError

Key = tuple[str, str]  # (user name, client address)

_client_address: ContextVar[str] = ContextVar("client_address", default="")


@dataclass(slots=True)
class _Failures:
    """One key's failures in a row (mutable, private to the throttle)."""

    count: int = 0
    locked_until: float = 0.0
    last: float = 0.0


class LoginThrottle:
    """Counts failed logins per key. From the ``max_failures``-th failure in a row on, each
    failure locks the key for ``lockout`` seconds, doubled for every failure after that (at
    most ``max_lockout``). A success clears the key; idle keys are forgotten."""

    def __init__(
        self,
        *,
        max_failures: int = 5,
        lockout: float = 30.0,
        max_lockout: float = 900.0,
        forget_after: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_failures < 1:
            raise ConfigError(f"max_failures must be at least 1. Currently, it is {max_failures}")
        if not 0 < lockout <= max_lockout:
            raise ConfigError(
                f"lockout must be above 0 and at most max_lockout ({max_lockout}). "
                f"Currently, it is {lockout}"
            )
        self.max_failures = max_failures
        self.lockout = lockout
        self.max_lockout = max_lockout
        self.forget_after = forget_after
        self._clock = clock
        self._failures: dict[Key, _Failures] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: Key) -> float:
        """Seconds until ``key`` may try again (0: now)."""
        with self._lock:
            record = self._failures.get(key)
            return max(0.0, record.locked_until - self._clock()) if record else 0.0

    def failed(self, key: Key) -> None:
        now = self._clock()
        with self._lock:
            self._forget_idle(now)
            record = self._failures.setdefault(key, _Failures())
            record.count += 1
            record.last = now
            beyond = record.count - self.max_failures
            if beyond >= 0:
                seconds = min(self.max_lockout, self.lockout * 2 ** min(beyond, 32))
                record.locked_until = now + seconds

    def succeeded(self, key: Key) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _forget_idle(self, now: float) -> None:
        if len(self._failures) < 1024:
            return
        self._failures = {
            key: record
            for key, record in self._failures.items()
            if record.locked_until > now or now - record.last < self.forget_after
        }


def _digest(password: str) -> bytes:
    return hashlib.sha256(password.encode("utf-8")).digest()


class PasswordLogin:
    """Gradio's ``auth=`` callable over ``(user, password)`` pairs, throttled per user name
    and client address; passwords are compared in constant time (as SHA-256 digests, so
    their lengths do not show either)."""

    def __init__(
        self, accounts: Iterable[tuple[str, str]], *, throttle: LoginThrottle | None = None
    ) -> None:
        self._digests = {user: _digest(password) for user, password in accounts}
        if not self._digests:
            raise ConfigError("A login needs at least one user:password pair.")
        self._unknown = _digest(secrets.token_hex(16))  # compared against for unknown users
        self.throttle = throttle or LoginThrottle()

    @property
    def users(self) -> frozenset[str]:
        return frozenset(self._digests)

    def __call__(self, username: str, password: str) -> bool:
        key = (username, _client_address.get())
        wait = self.throttle.retry_after(key)
        if wait > 0:
            seconds = math.ceil(wait)
            raise HTTPException(
                status_code=429,
                detail=f"Too many failed logins: try again in {seconds} seconds.",
                headers={"Retry-After": str(seconds)},
            )
        expected = self._digests.get(username)
        matches = hmac.compare_digest(_digest(password), expected or self._unknown)
        if matches and expected is not None:
            self.throttle.succeeded(key)
            return True
        self.throttle.failed(key)
        return False


class ClientAddressMiddleware:
    """ASGI middleware that makes each HTTP request's client address visible to
    ``PasswordLogin`` (Gradio passes ``auth`` only the user name and password)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        token = _client_address.set(str(client[0]) if client else "")
        try:
            await self.app(scope, receive, send)
        finally:
            _client_address.reset(token)
