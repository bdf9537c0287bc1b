"""``assistant serve --admin``: refused without a login or for a user the login lacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.cli import EXIT_ERROR, build_parser, main, parse_admins, parse_auth

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
