"""The login throttle and password check (ui/login.py) on an injected clock: no sleeping."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi import HTTPException

from assistant.errors import ConfigError
from ui.login import LoginLimits, LoginThrottle, PasswordLogin, address_key, client_address

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
    with pytest.raises(ConfigError, match=r"limits must be at least 1\. Currently, user is 0"):
        PasswordLogin([("reader", "s3cret")], limits=LoginLimits(user=0))


def _login(clock: Clock, **limits: int) -> PasswordLogin:
    return PasswordLogin(
        [("reader", "s3cret"), ("boss", "b055")],
        limits=LoginLimits(**limits),
        lockout=30,
        max_lockout=900,
        clock=clock,
    )


def _refused(login: PasswordLogin, user: str, password: str, address: str) -> int:
    """The Retry-After of a refused attempt (429)."""
    with pytest.raises(HTTPException) as locked:
        login.check(user, password, address)
    assert locked.value.status_code == 429
    assert locked.value.headers is not None
    seconds = int(locked.value.headers["Retry-After"])
    assert locked.value.detail == f"Too many failed logins: try again in {seconds} seconds."
    return seconds


def test_password_login_locks_out_even_the_right_password_until_the_lockout_passes() -> None:
    clock = Clock()
    login = _login(clock)
    here = "10.0.0.1"
    assert login.check("reader", "s3cret", here) is True
    assert login.check("reader", "s3cre", here) is False
    assert login.check("nobody", "s3cret", here) is False
    assert login.check("boss", "s3cret", here) is False
    for _ in range(4):
        assert login.check("reader", "wrong", here) is False
    assert _refused(login, "reader", "s3cret", here) == 60  # the refused try counts too
    assert login.check("boss", "b055", here) is True  # another user is not locked out
    assert login.check("reader", "s3cret", "10.0.0.2") is True  # nor is another address
    clock.now += 60
    assert login.check("reader", "s3cret", here) is True
    assert login.check("reader", "wrong", here) is False  # the success cleared the count
    assert login.check("reader", "s3cret", here) is True


def test_every_try_during_a_lockout_doubles_it_up_to_the_cap() -> None:
    """As the README says, and what a script hammering the form meets: the 30th try waits
    15 minutes, not 30 seconds."""
    clock = Clock()
    login = _login(clock)
    for _ in range(5):
        assert login.check("reader", "wrong", "10.0.0.1") is False
    waits = [_refused(login, "reader", "guess", "10.0.0.1") for _ in range(25)]
    assert waits[:5] == [60, 120, 240, 480, 900]
    assert set(waits[5:]) == {900}
    clock.now += 899
    assert _refused(login, "reader", "s3cret", "10.0.0.1") == 900  # tried too early: again
    clock.now += 900
    assert login.check("reader", "s3cret", "10.0.0.1") is True


def test_a_guess_spread_over_many_addresses_is_throttled_per_user_name() -> None:
    clock = Clock()
    login = _login(clock)
    for n in range(10):  # one try per address, ten minutes apart
        clock.now += 600
        assert login.check("reader", f"guess-{n}", f"10.0.{n}.1") is False
    assert _refused(login, "reader", "s3cret", "10.0.99.1") == 60  # 30, doubled by this try
    assert login.check("boss", "b055", "10.0.99.1") is True  # only that user name
    clock.now += 60
    assert login.check("reader", "guess-10", "10.0.10.1") is False
    assert _refused(login, "reader", "guess-11", "10.0.11.1") == 240  # each try doubles it
    clock.now += 240
    assert login.check("reader", "s3cret", "10.0.99.1") is True


def test_one_password_tried_on_many_user_names_is_throttled_per_address() -> None:
    clock = Clock()
    login = _login(clock)
    for n in range(20):
        assert login.check(f"user-{n}", "password1", "10.0.0.7") is False
    assert _refused(login, "reader", "s3cret", "10.0.0.7") == 60
    assert login.check("reader", "s3cret", "10.0.0.8") is True  # only that address


def test_logging_in_to_an_account_of_ones_own_does_not_clear_the_address() -> None:
    clock = Clock()
    login = _login(clock)
    for n in range(19):
        assert login.check(f"user-{n}", "password1", "10.0.0.7") is False
    assert login.check("reader", "s3cret", "10.0.0.7") is True  # the sprayer's own account
    assert login.check("user-19", "password1", "10.0.0.7") is False  # the 20th: locked now
    assert _refused(login, "user-20", "password1", "10.0.0.7") == 60


def test_a_failure_free_hour_starts_the_count_again() -> None:
    clock = Clock()
    throttle = LoginThrottle(max_failures=2, lockout=10, forget_after=3600, clock=clock)
    throttle.failed(KEY)
    clock.now += 3600
    throttle.failed(KEY)
    assert throttle.retry_after(KEY) == 0  # one failure in the last hour
    throttle.failed(KEY)
    assert throttle.retry_after(KEY) == 10


def test_an_ipv6_host_is_one_address_across_its_slash_64() -> None:
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::9")
    assert address_key("2001:db8:1:2::1") != address_key("2001:db8:1:3::1")
    assert address_key("::ffff:10.0.0.1") == address_key("10.0.0.1") == "10.0.0.1"
    assert address_key("::1") == "::/64"
    assert address_key("") == address_key("not an address") == "unknown"
    clock = Clock()
    login = _login(clock)
    for n in range(5):
        assert login.check("reader", "wrong", f"2001:db8::{n + 1}") is False
    assert _refused(login, "reader", "s3cret", "2001:db8::ffff") == 60


def test_password_login_is_gradios_auth_callable_reading_the_address_of_the_request() -> None:
    clock = Clock()
    login = _login(clock)
    with client_address("10.0.0.1"):
        for _ in range(5):
            assert login("reader", "wrong") is False
        with pytest.raises(HTTPException):
            login("reader", "s3cret")
    with client_address("10.0.0.2"):
        assert login("reader", "s3cret") is True


def test_password_login_needs_an_account() -> None:
    with pytest.raises(ConfigError, match="at least one user:password pair"):
        PasswordLogin([])
