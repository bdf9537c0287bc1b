"""The login throttle and password check (ui/login.py) on an injected clock: no sleeping."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi import HTTPException

from assistant.errors import ConfigError
from ui.login import LoginThrottle, PasswordLogin

pytestmark = pytest.mark.unit

KEY = ("reader", "10.0.0.1")


@dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


def test_five_failures_lock_the_key_and_each_further_one_doubles_the_lockout() -> None:
    clock = Clock()
    throttle = LoginThrottle(max_failures=5, lockout=30, max_lockout=100, clock=clock)
    for _ in range(4):
        throttle.failed(KEY)
    assert throttle.retry_after(KEY) == 0
    throttle.failed(KEY)
    assert throttle.retry_after(KEY) == 30
    clock.now += 29.5
    assert throttle.retry_after(KEY) == 0.5
    clock.now += 0.5
    assert throttle.retry_after(KEY) == 0
    throttle.failed(KEY)
    assert throttle.retry_after(KEY) == 60
    clock.now += 60
    throttle.failed(KEY)
    assert throttle.retry_after(KEY) == 100  # 120, capped


def test_keys_are_counted_apart_and_a_success_clears_one() -> None:
    clock = Clock()
    throttle = LoginThrottle(max_failures=2, lockout=10, clock=clock)
    throttle.failed(KEY)
    throttle.failed(("reader", "10.0.0.2"))
    assert throttle.retry_after(KEY) == 0  # one failure each
    throttle.succeeded(KEY)
    throttle.failed(KEY)
    assert throttle.retry_after(KEY) == 0  # the count started again
    throttle.failed(KEY)
    assert throttle.retry_after(KEY) == 10


def test_bad_settings_are_refused_with_the_value() -> None:
    with pytest.raises(ConfigError, match=r"max_failures must be at least 1\. Currently, it is 0"):
        LoginThrottle(max_failures=0)
    with pytest.raises(ConfigError, match="Currently, it is 0"):
        LoginThrottle(lockout=0)


def test_password_login_locks_out_even_the_right_password_until_the_lockout_passes() -> None:
    clock = Clock()
    login = PasswordLogin(
        [("reader", "s3cret"), ("boss", "b055")],
        throttle=LoginThrottle(max_failures=5, lockout=30, clock=clock),
    )
    assert login("reader", "s3cret") is True
    assert login("reader", "s3cre") is False
    assert login("nobody", "s3cret") is False
    assert login("boss", "s3cret") is False
    for _ in range(4):
        assert login("reader", "wrong") is False
    with pytest.raises(HTTPException) as locked:
        login("reader", "s3cret")
    assert locked.value.status_code == 429
    assert locked.value.detail == "Too many failed logins: try again in 30 seconds."
    assert locked.value.headers == {"Retry-After": "30"}
    assert login("boss", "b055") is True  # another user is not locked out
    clock.now += 30
    assert login("reader", "s3cret") is True
    assert login("reader", "wrong") is False  # the success cleared the count
    assert login("reader", "s3cret") is True


def test_password_login_needs_an_account() -> None:
    with pytest.raises(ConfigError, match="at least one user:password pair"):
        PasswordLogin([])
