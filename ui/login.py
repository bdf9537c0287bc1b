"""Password login for ``serve``: constant-time checks behind a throttle on failed attempts.

Gradio calls ``auth(username, password)`` for every POST to ``/login``; ``PasswordLogin`` is
that callable. Failed attempts are counted three ways: per user name and client address, per
user name from any address (a guess spread over many addresses), and per address for any
user name (one password tried on many names). Once one of them reaches its limit, every
attempt it covers is refused, even with the right password, for a lockout that doubles with
each further attempt (a refused one included), answered 429 with ``Retry-After``.

The client address is the socket's peer: uvicorn rewrites it from ``X-Forwarded-For`` only
for the proxies the operator names (``assistant serve --forwarded-allow-ips``; none by
default, see ``trust_forwarded_for``), so a caller cannot choose its own address. Gradio does
not hand the address to ``auth``: ``ClientAddressMiddleware`` (in ``launch_options``) does.
An IPv6 client counts as its /64, the block one host usually holds.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields

from fastapi import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.errors import ConfigError

Key = tuple[str, ...]

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
    most ``max_lockout``). A success clears the key; so does ``forget_after`` seconds
    without a failure (idle keys are forgotten)."""

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
            quiet = now - record.last >= self.forget_after and record.locked_until <= now
            if record.count and quiet:  # a failure-free ``forget_after``: start again
                record.count = 0
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


@dataclass(frozen=True, slots=True)
class LoginLimits:
    """Failed logins in a row before a lockout, by what they are counted for."""

    user_at_address: int = 5  # one user name from one address
    user: int = 10  # one user name from any address: a guess spread over many
    address: int = 20  # one address, any user name: one password tried on many


def address_key(address: str) -> str:
    """The address a client is counted as: an IPv4 address (also written as IPv4-mapped
    IPv6), an IPv6 address's /64, or "unknown" (no socket address, e.g. a Unix socket)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)


class PasswordLogin:
    """Gradio's ``auth=`` callable over ``(user, password)`` pairs, throttled per user name and
    address, per user name and per address (``LoginLimits``); passwords are compared in
    constant time (as SHA-256 digests, so their lengths do not show either)."""

    def __init__(
        self,
        accounts: Iterable[tuple[str, str]],
        *,
        limits: LoginLimits | None = None,
        lockout: float = 30.0,
        max_lockout: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._digests = {user: _digest(password) for user, password in accounts}
        if not self._digests:
            raise ConfigError("A login needs at least one user:password pair.")
        self._unknown = _digest(secrets.token_hex(16))  # compared against for unknown users
        self.limits = limits or LoginLimits()
        for field in fields(self.limits):
            value = getattr(self.limits, field.name)
            if value < 1:
                raise ConfigError(
                    f"Login limits must be at least 1. Currently, {field.name} is {value}"
                )
        self._throttles = {
            field.name: LoginThrottle(
                max_failures=getattr(self.limits, field.name),
                lockout=lockout,
                max_lockout=max_lockout,
                clock=clock,
            )
            for field in fields(self.limits)
        }
        self._lock = threading.Lock()  # a refusal and its count, or a check and its outcome

    @property
    def users(self) -> frozenset[str]:
        return frozenset(self._digests)

    def __call__(self, username: str, password: str) -> bool:
        return self.check(username, password, _client_address.get())

    def _keys(self, username: str, address: str) -> dict[str, Key]:
        where = address_key(address)
        return {"user_at_address": (username, where), "user": (username,), "address": (where,)}

    def check(self, username: str, password: str, address: str) -> bool:
        """Whether ``password`` is ``username``'s, for a client at ``address``; raises
        HTTPException 429 while any of the attempt's counts is locked out (the attempt then
        counts as one more failure: the lockout doubles)."""
        keys = self._keys(username, address)
        expected = self._digests.get(username)
        matches = hmac.compare_digest(_digest(password), expected or self._unknown)
        with self._lock:
            wait = max(self._throttles[n].retry_after(k) for n, k in keys.items())
            if wait > 0 or not (matches and expected is not None):
                for name, key in keys.items():
                    self._throttles[name].failed(key)
            if wait > 0:
                wait = max(self._throttles[n].retry_after(k) for n, k in keys.items())
                seconds = math.ceil(wait)
                raise HTTPException(
                    status_code=429,
                    detail=f"Too many failed logins: try again in {seconds} seconds.",
                    headers={"Retry-After": str(seconds)},
                )
            if matches and expected is not None:
                # A success speaks for its user name, not for the address: anyone with an
                # account of their own must not clear the count of names tried from there.
                for name, key in keys.items():
                    if name != "address":
                        self._throttles[name].succeeded(key)
                return True
            return False


@contextmanager
def client_address(address: str) -> Iterator[None]:
    """The address ``PasswordLogin`` sees for calls inside the block."""
    token = _client_address.set(address)
    try:
        yield
    finally:
        _client_address.reset(token)


class ClientAddressMiddleware:
    """ASGI middleware that makes each HTTP request's client address visible to
    ``PasswordLogin`` (Gradio passes ``auth`` only the user name and password). The address
    is ``scope["client"]``: the socket's peer, unless uvicorn took it from a trusted proxy's
    ``X-Forwarded-For`` (``trust_forwarded_for``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        with client_address(str(client[0]) if client else ""):
            await self.app(scope, receive, send)


# uvicorn reads it when gradio's launch() creates the server: the peers whose
# X-Forwarded-For it believes (uvicorn's own default: loopback, which any local process is).
FORWARDED_ALLOW_IPS = "FORWARDED_ALLOW_IPS"


def trust_forwarded_for(proxies: Sequence[str]) -> None:
    """Make the server this process launches take a client's address from
    ``X-Forwarded-For`` only when the request comes from one of ``proxies`` (none: never;
    ``Forwarded`` and ``X-Real-IP`` are never read). Call before ``launch()``: it sets
    uvicorn's ``FORWARDED_ALLOW_IPS`` for this process, whatever it inherited."""
    os.environ[FORWARDED_ALLOW_IPS] = ",".join(proxies)
