"""``assistant serve``: the web chat, its logins, admins and trusted proxies."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.cli.common import EXIT_OK, assistant_for
from assistant.errors import AssistantError

if TYPE_CHECKING:
    pass


def parse_auth(args: argparse.Namespace) -> list[tuple[str, str]] | None:
    """``--auth user:password`` or ``--auth-file F`` (one ``user:password`` a line)."""
    lines: list[str] = []
    if args.auth:
        lines.append(args.auth)
    if args.auth_file:
        try:
            text = Path(args.auth_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise AssistantError(f"Cannot read {args.auth_file}: {exc.strerror}.") from None
        lines += [line.strip() for line in text.splitlines() if line.strip()]
        if not lines:
            raise AssistantError(f"{args.auth_file} holds no user:password line.")
    pairs = []
    for line in lines:
        user, sep, password = line.partition(":")
        if not sep or not user or not password:
            raise AssistantError("Credentials must be given as user:password.")
        pairs.append((user, password))
    return pairs or None


def parse_admins(args: argparse.Namespace, logins: list[tuple[str, str]] | None) -> list[str]:
    """``--admin USER`` (repeatable): users of the login who may change the documents."""
    admins: list[str] = list(dict.fromkeys(args.admin or []))
    if admins and not logins:
        raise AssistantError("--admin needs a login: give --auth or --auth-file too.")
    users = {user for user, _ in logins or []}
    unknown = [name for name in admins if name not in users]
    if unknown:
        raise AssistantError(f"--admin {unknown[0]} is not a user of the login.")
    return admins


def parse_proxies(text: str | None) -> tuple[str, ...]:
    """``--forwarded-allow-ips``: comma-separated IP addresses or networks ("127.0.0.1",
    "10.0.0.0/8", "::1") of the proxies whose X-Forwarded-For to believe; a host name or "*"
    is refused (naming each proxy is the point)."""
    import ipaddress

    if text is None:
        return ()
    proxies = []
    for item in (part.strip() for part in text.split(",")):
        try:
            network = ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise AssistantError(
                f"--forwarded-allow-ips takes IP addresses or networks, not {item!r}."
            ) from None
        proxies.append(str(network) if "/" in item else str(network.network_address))
    return tuple(proxies)


def server_name(host: str) -> str:
    """``--host`` as Gradio takes it and a URL shows it: an IPv6 address in brackets
    ("::1" → "[::1]"; unbracketed, Gradio's own start-up request failed with a traceback)."""
    import ipaddress

    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    return f"[{address}]" if address.version == 6 else host


def cmd_serve(args: argparse.Namespace) -> int:
    logins = parse_auth(args)
    admins = parse_admins(args, logins)  # all three checked before the slow imports below
    proxies = parse_proxies(args.forwarded_allow_ips)
    from assistant.extras import require_extra

    require_extra("ui")
    from ui.app import build_app, launch_options
    from ui.login import PasswordLogin, trust_forwarded_for

    auth = PasswordLogin(logins) if logins else None
    bot = assistant_for(args)
    demo = build_app(bot, corpus_dir=args.corpus, admins=admins)
    bot.warm_up()  # ready when the address is printed: the first question is not the slow one
    host = server_name(args.host)
    print(f"Briefing Assistant on http://{host}:{args.port} (Ctrl-C stops it)", flush=True)
    trust_forwarded_for(proxies)  # the login throttle counts the socket's peer unless named
    demo.launch(
        server_name=host,
        server_port=args.port,
        auth=auth,
        quiet=True,
        **launch_options(login=auth is not None),
    )
    return EXIT_OK
