"""haproxy.cfg for the scale-out setup, rendered from deploy/haproxy/haproxy.cfg.in: HAProxy
in front of N Rasa servers (readers, sticky by conversation) and N action servers.

``python -m bot.haproxy_config --rasa 127.0.0.1:5101 --rasa 127.0.0.1:5102
--action 127.0.0.1:5151 --action 127.0.0.1:5152 [--bind ADDR] [--action-bind ADDR]
[--user haproxy]`` prints it (docs/deployment.md); bot/scale_out.py writes one for
`make scale-out`.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Sequence
from pathlib import Path

from bot.settings import PROJECT_ROOT

TEMPLATE = PROJECT_ROOT / "deploy" / "haproxy" / "haproxy.cfg.in"
CONFIG_NAME = "haproxy.cfg"
SERVER_ADDRESS = re.compile(r"[A-Za-z0-9.\-]+:\d{1,5}|\[[0-9A-Fa-f:.]+\]:\d{1,5}")
USER_NAME = re.compile(r"[a-z_][a-z0-9_-]{0,31}")


def _servers(prefix: str, addresses: Sequence[str]) -> str:
    if not addresses:
        raise ValueError(f"no {prefix} server given")
    for address in addresses:
        if not SERVER_ADDRESS.fullmatch(address):
            raise ValueError(f"not a host:port address: {address!r}")
    return "\n".join(f"    server {prefix}{number} {address}"
                     for number, address in enumerate(addresses, start=1))


def _bind(address: str) -> str:
    """A bind line's arguments, e.g. "127.0.0.1:5005" or ":443 ssl crt /etc/...pem"."""
    if not address.strip() or any(char in address for char in "\r\n#"):
        raise ValueError(f"not a bind address: {address!r}")
    return address.strip()


def _run_as(user: str) -> str:
    """HAProxy started as root (systemd) drops to this user once it has its ports."""
    if not user:
        return "    # Runs as the user that started it."
    if not USER_NAME.fullmatch(user):
        raise ValueError(f"not a user name: {user!r}")
    return f"    user {user}\n    group {user}"


def _error_watch(servers: int) -> str:
    """With several Rasa servers, one whose GET / answers but whose requests fail is
    taken out; a lone server never is, not even by its checks (there would be none
    left: an overloaded one, late with its checks, would turn slow answers into 503s)."""
    if servers < 2:
        return ("    # One Rasa server: never taken out (a slow answer beats none).\n"
                "    default-server no-check")
    return (
        "    # A process whose GET / answers but whose requests fail (5xx, no answer within\n"
        "    # `timeout server`) is taken out after 5 such answers in a row and checked again\n"
        "    # after 10 s (then `rise 2`): its conversations move meanwhile. A failed request\n"
        "    # is not sent again (it may have been handled), so the reader gets the error once.\n"
        "    default-server check inter 2s downinter 10s fall 2 rise 2 observe layer7 "
        "error-limit 5 on-error mark-down"
    )


def render(reader_bind: str, action_bind: str, rasa_servers: Sequence[str],
           action_servers: Sequence[str], user: str = "") -> str:
    """The configuration: readers on reader_bind, the action servers' front on
    action_bind (both loopback unless told otherwise)."""
    text = TEMPLATE.read_text()
    for marker, value in (("@RUN_AS@", _run_as(user)),
                          ("@READER_BIND@", _bind(reader_bind)),
                          ("@ACTION_BIND@", _bind(action_bind)),
                          ("@RASA_ERROR_WATCH@", _error_watch(len(rasa_servers))),
                          ("@RASA_SERVERS@", _servers("rasa", rasa_servers)),
                          ("@ACTION_SERVERS@", _servers("action", action_servers))):
        text = text.replace(marker, value)
    return text


def write_private(text: str, directory: Path) -> Path:
    """Writes the configuration as directory/haproxy.cfg, readable by this user only."""
    path = directory / CONFIG_NAME
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bind", default="127.0.0.1:5005",
                        help="the readers' front (a bind line's arguments)")
    parser.add_argument("--action-bind", default="127.0.0.1:5055",
                        help="where the Rasa servers reach the action servers")
    parser.add_argument("--rasa", action="append", required=True, help="a Rasa server host:port")
    parser.add_argument("--action", action="append", required=True,
                        help="an action server host:port")
    parser.add_argument("--user", default="", help="drop root's rights to this user and group")
    args = parser.parse_args()
    print(render(args.bind, args.action_bind, args.rasa, args.action, args.user), end="")


if __name__ == "__main__":
    main()
