"""Library hosts the user has confirmed to receive their token, kept in the user's own config.

A workspace cloned from someone else brings its procex.toml, and with it the library URL; the
token comes from the user (PROCEX_TOKEN or a token file). So the first time a workspace would send
the token to a host the user has not confirmed, procex asks on the terminal, and refuses without
one. Confirmed are: this computer (loopback), the hosts listed in PROCEX_CONFIRMED_HOSTS (for
scripts), a URL from PROCEX_LIBRARY (the user's environment, not the workspace's files), and the
hosts in ``$XDG_CONFIG_HOME/procex/confirmed-hosts`` (default ``~/.config/procex/``): one host
name per line, written when the user answers yes or creates a workspace with
``procex init --library URL``. Never in the workspace: a clone must not bring its own confirmation.
"""

import os
import sys
from pathlib import Path

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from procex.core.files import atomic_write

ENV = "PROCEX_CONFIRMED_HOSTS"
FILE_NAME = "confirmed-hosts"


def config_dir() -> Path:
    """The user's procex config folder: $XDG_CONFIG_HOME/procex, else ~/.config/procex."""
    base = os.environ.get("XDG_CONFIG_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".config") / "procex"


def hosts_file() -> Path:
    return config_dir() / FILE_NAME


def host_of(url: str) -> str:
    """The lower-case host name of ``url`` ('' when it has none)."""
    try:
        return (parse_url(url).host or "").strip("[]").lower()
    except (LocationParseError, ValueError):
        return ""


def confirmed_hosts() -> set[str]:
    """Hosts from PROCEX_CONFIRMED_HOSTS (comma-separated) and from the user's confirmed-hosts file."""
    hosts = {host.strip().lower() for host in os.environ.get(ENV, "").split(",") if host.strip()}
    try:
        lines = hosts_file().read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    hosts.update(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))
    return hosts


def is_confirmed(url: str) -> bool:
    from procex.exchange.library.client import is_loopback

    host = host_of(url)
    return bool(host) and (is_loopback(host) or host in confirmed_hosts())


def remember(url: str) -> None:
    """Add the host of ``url`` to the user's confirmed-hosts file (nothing for loopback or a known host)."""
    from procex.exchange.library.client import is_loopback

    host = host_of(url)
    if not host or is_loopback(host):
        return
    path = hosts_file()
    try:
        lines = path.read_text("utf-8").splitlines()
    except FileNotFoundError:
        lines = ["# Library hosts that may receive your procex token (one per line); see procex docs/workspace.md"]
    if host in {line.strip().lower() for line in lines}:
        return
    atomic_write(path, "\n".join([*lines, host]) + "\n")


def ask_on_terminal(url: str, source: object) -> bool | None:
    """Ask on the terminal whether the token may go to the host of ``url``: True or False, or None
    without a terminal (stdin and stderr must both be one)."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None
    host = host_of(url)
    sys.stderr.write(
        f"procex: {source} names the library {url}; you have not confirmed {host} before.\n"
        f"Send your library token to {host}? Only say yes if it is your library [y/N] "
    )
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes", "j", "ja")
