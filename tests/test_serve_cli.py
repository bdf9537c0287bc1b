"""``assistant serve``: --admin refused without a login or for a user the login lacks;
--forwarded-allow-ips names proxies by address."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.cli import (
    EXIT_ERROR,
    build_parser,
    main,
    parse_admins,
    parse_auth,
    parse_proxies,
    server_name,
)

pytestmark = pytest.mark.unit


def test_admin_needs_a_login(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--admin", "boss"]) == EXIT_ERROR
    assert capsys.readouterr().err.strip() == (
        "error: --admin needs a login: give --auth or --auth-file too."
    )


def test_admin_must_be_a_user_of_the_login(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--auth", "reader:s3cret", "--admin", "boss"]) == EXIT_ERROR
    assert capsys.readouterr().err.strip() == "error: --admin boss is not a user of the login."


def test_admins_come_from_repeated_options(tmp_path: Path) -> None:
    logins = tmp_path / "logins"
    logins.write_text("reader:r\nboss:b\nchief:c\n")
    args = build_parser().parse_args(
        ["serve", "--auth-file", str(logins), "--admin", "boss", "--admin", "chief",
         "--admin", "boss"]
    )  # fmt: skip
    assert parse_admins(args, parse_auth(args)) == ["boss", "chief"]
    plain = build_parser().parse_args(["serve"])
    assert parse_admins(plain, parse_auth(plain)) == []


def test_forwarded_allow_ips_names_addresses_or_networks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert parse_proxies(None) == ()
    assert parse_proxies("127.0.0.1, 10.0.0.0/8,::1") == ("127.0.0.1", "10.0.0.0/8", "::1")
    for bad in ("*", "proxy.local", "10.0.0.1,", "10.0.0.300"):
        assert main(["serve", "--forwarded-allow-ips", bad]) == EXIT_ERROR
        assert capsys.readouterr().err.strip() == (
            f"error: --forwarded-allow-ips takes IP addresses or networks, not "
            f"{bad.split(',')[-1].strip()!r}."
        )


def test_serve_tells_uvicorn_to_believe_only_the_named_proxies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ui.login import FORWARDED_ALLOW_IPS, trust_forwarded_for

    monkeypatch.setenv(FORWARDED_ALLOW_IPS, "*")  # inherited: not believed
    trust_forwarded_for(())
    assert os.environ[FORWARDED_ALLOW_IPS] == ""
    trust_forwarded_for(("10.0.0.0/8", "::1"))
    assert os.environ[FORWARDED_ALLOW_IPS] == "10.0.0.0/8,::1"


def test_an_ipv6_host_is_bracketed_for_gradio_and_the_printed_address() -> None:
    assert server_name("::1") == "[::1]"
    assert server_name("[::1]") == "[::1]"
    assert server_name("0:0::1") == "[::1]"
    assert server_name("127.0.0.1") == "127.0.0.1"
    assert server_name("0.0.0.0") == "0.0.0.0"
    assert server_name("localhost") == "localhost"
