"""A token goes only to a library host the user confirmed (issue 15, the cloned-workspace problem).

A workspace cloned from someone else names its library in procex.toml; the token is the user's.
The first time a token would go to a host the user has not confirmed, procex asks on the terminal
and refuses without one; a yes is kept in the user's config ($XDG_CONFIG_HOME/procex), never in the
workspace. Loopback, PROCEX_CONFIRMED_HOSTS, PROCEX_LIBRARY and `procex init --library` count as
confirmed, so scripts, the tests and the demo need no question.
"""

import pytest
import requests

from procex.exchange.library import confirmed_hosts
from procex.exchange.library.client import LibraryError
from procex.exchange.workspace.folder import CONFIG_FILE, Workspace

EVIL = "https://bibliothek.evil.example"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("no request may be made here")

    monkeypatch.setattr(requests.Session, "request", refuse)
    for name in ("PROCEX_LIBRARY", "PROCEX_ALLOW_HTTP", "PROCEX_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PROCEX_TOKEN", "pxl_secret")


@pytest.fixture
def cloned(tmp_path):
    """A workspace as it arrives from someone else: its procex.toml names their library."""
    ws = Workspace.init(tmp_path / "clone", "Stadt Koblenz", "07111000")
    text = (ws.root / CONFIG_FILE).read_text("utf-8").replace('url = ""', f'url = "{EVIL}"')
    (ws.root / CONFIG_FILE).write_text(text, "utf-8")
    return Workspace.open(ws.root)


def files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_without_a_terminal_the_token_is_refused_in_one_line(cloned, run_cli):
    code, _, err = run_cli("search", "Gewerbe", cwd=cloned.root)
    assert code == 1 and err.count("\n") == 1
    assert err.startswith("procex: error: refusing to send your library token to bibliothek.evil.example: ")
    assert "there is no terminal to ask on" in err
    assert f"add the line bibliothek.evil.example to {confirmed_hosts.hosts_file()}" in err
    assert "set PROCEX_CONFIRMED_HOSTS=bibliothek.evil.example" in err


def test_a_yes_is_remembered_in_the_users_config_not_in_the_workspace(cloned):
    asked = []
    before = files(cloned.root)
    cloned.client(ask=lambda url, source: asked.append((url, source)) or True)
    assert asked == [(EVIL, cloned.root / CONFIG_FILE)]
    assert "bibliothek.evil.example" in confirmed_hosts.hosts_file().read_text("utf-8").splitlines()
    assert not confirmed_hosts.hosts_file().is_relative_to(cloned.root)
    assert files(cloned.root) == before
    cloned.client(ask=lambda url, source: pytest.fail("asked again"))  # confirmed now


def test_a_no_refuses_and_is_not_remembered(cloned):
    with pytest.raises(LibraryError, match="and you said no") as refused:
        cloned.client(ask=lambda url, source: False)
    assert refused.value.code == "unconfirmed_host"
    assert not confirmed_hosts.hosts_file().exists()


def test_scripts_confirm_with_the_environment(cloned, monkeypatch):
    monkeypatch.setenv("PROCEX_CONFIRMED_HOSTS", "other.example, Bibliothek.Evil.Example")
    cloned.client(ask=lambda url, source: pytest.fail("asked"))


def test_a_library_from_the_users_environment_needs_no_question(cloned, monkeypatch):
    monkeypatch.setenv("PROCEX_LIBRARY", "https://library.kommune.example")
    assert cloned.client(ask=lambda url, source: pytest.fail("asked")).base_url == "https://library.kommune.example"


def test_init_with_a_library_confirms_its_host(tmp_path):
    ws = Workspace.init(tmp_path / "own", "Stadt Koblenz", "07111000", "https://library.kommune.example/")
    assert confirmed_hosts.hosts_file().read_text("utf-8").splitlines()[-1] == "library.kommune.example"
    ws.client(ask=lambda url, source: pytest.fail("asked"))


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost:9", "http://[::1]:8080"])
def test_this_computer_needs_no_question(tmp_path, url):
    ws = Workspace.init(tmp_path / "local", "Stadt Koblenz", "07111000", url)
    ws.client(ask=lambda url, source: pytest.fail("asked"))
    assert not confirmed_hosts.hosts_file().exists()  # loopback is never written down


def test_without_a_token_nothing_is_asked(cloned, monkeypatch):
    monkeypatch.delenv("PROCEX_TOKEN")
    cloned.client(ask=lambda url, source: pytest.fail("asked"))


def test_the_question_goes_to_the_terminal(cloned, monkeypatch, capsys):
    class Terminal:
        def __init__(self, text):
            self.text = text

        def isatty(self):
            return True

        def readline(self):
            return self.text

    monkeypatch.setattr("sys.stdin", Terminal("ja\n"))
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    assert confirmed_hosts.ask_on_terminal(EVIL, "procex.toml") is True
    question = capsys.readouterr().err
    assert "Send your library token to bibliothek.evil.example?" in question and "[y/N]" in question
    monkeypatch.setattr("sys.stdin", Terminal("\n"))
    assert confirmed_hosts.ask_on_terminal(EVIL, "procex.toml") is False
