"""The library token never leaves over plain http:// except to this computer.

A workspace cloned from someone else brings its procex.toml, and with it the library URL; the
token comes from the user (PROCEX_TOKEN or a token file). Over http:// to another host anyone on
the way could read it, so the client refuses before any connection is made, in one line that says
to use https://. Loopback (127.0.0.0/8, ::1, localhost) stays allowed: the demo and the tests run
the library on http://127.0.0.1. A host the user names in PROCEX_ALLOW_HTTP (their environment,
not the workspace's files) may get it over http:// too, for a closed network without TLS.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from procex.exchange.library.client import INSECURE_URL, LibraryClient, LibraryError, insecure_token_url
from procex.exchange.workspace.folder import Workspace


class RecordingLibrary:
    """An HTTP server on 127.0.0.1 that answers /api/v1/me and records each Authorization header."""

    def __init__(self):
        seen = self.seen = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                seen.append(self.headers.get("Authorization"))
                body = json.dumps({"member": "koblenz", "policy": "reciprocal"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def library():
    server = RecordingLibrary()
    yield server
    server.close()


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a request was made although the token must not be sent")

    monkeypatch.setattr(requests.Session, "request", refuse)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ("PROCEX_TOKEN", "PROCEX_LIBRARY", "PROCEX_ALLOW_HTTP", "PROCEX_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)


def refusal(url, host):
    return (
        f"refusing to send your library token to {url}: plain http:// would show it to anyone on "
        "the way; use an https:// URL ([library] url in procex.toml or PROCEX_LIBRARY; http:// is only "
        "for this computer: 127.0.0.1, ::1, localhost), or, for a library on a closed network without "
        f"TLS, set PROCEX_ALLOW_HTTP={host}"
    )


@pytest.mark.parametrize(
    "url, host",
    [
        ("http://bibliothek.example", "bibliothek.example"),
        ("http://bibliothek.example:8080/", "bibliothek.example"),
        ("HTTP://Bibliothek.Example", "bibliothek.example"),
        ("http://10.0.0.5:8080", "10.0.0.5"),
        ("http://0.0.0.0:8080", "0.0.0.0"),
        ("http://127.0.0.1.evil.example", "127.0.0.1.evil.example"),  # a name, not the address
        ("http://localhost.evil.example", "localhost.evil.example"),
        ("http://user@127.0.0.1@evil.example/", "evil.example"),  # the host is after the last @
        ("http://127.0.0.1\\@evil.example/", "evil.example"),  # parsers disagree: both must be safe
        ("http://[fe80::1]:8080", "fe80::1"),
    ],
)
def test_a_token_is_refused_over_http_to_another_computer(url, host, no_network):
    with pytest.raises(LibraryError) as refused:
        LibraryClient(url, "pxl_secret")
    assert str(refused.value) == refusal(url, host)
    assert refused.value.code == INSECURE_URL and refused.value.exit_code == 1
    assert "pxl_secret" not in str(refused.value)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080",
        "http://127.8.9.10",
        "http://[::1]:8080",
        "http://localhost:8080",
        "http://LOCALHOST",
        "http://[::ffff:127.0.0.1]:8080",
        "https://bibliothek.example",
        "https://10.0.0.5:8443/procex",
    ],
)
def test_https_and_this_computer_get_the_token(url):
    assert insecure_token_url(url) is None
    assert LibraryClient(url, "pxl_secret").session.headers["Authorization"] == "Bearer pxl_secret"


def test_without_a_token_http_is_fine_for_a_public_library():
    client = LibraryClient("http://bibliothek.example")
    assert "Authorization" not in client.session.headers


def test_the_user_may_allow_http_for_a_named_host_only(monkeypatch):
    monkeypatch.setenv("PROCEX_ALLOW_HTTP", "bibliothek.kommune.intern, 10.0.0.5")
    for url in ("http://bibliothek.kommune.intern:8080", "http://BIBLIOTHEK.kommune.intern", "http://10.0.0.5"):
        assert LibraryClient(url, "pxl_secret").session.headers["Authorization"] == "Bearer pxl_secret"
    with pytest.raises(LibraryError, match="PROCEX_ALLOW_HTTP=evil.example$"):
        LibraryClient("http://evil.example", "pxl_secret")
    with pytest.raises(LibraryError, match="PROCEX_ALLOW_HTTP=bibliothek.kommune.intern.evil.example$"):
        LibraryClient("http://bibliothek.kommune.intern.evil.example", "pxl_secret")
    # an explicit list from Python replaces the environment's
    with pytest.raises(LibraryError):
        LibraryClient("http://10.0.0.5", "pxl_secret", allow_http=[])


def test_a_cloned_workspace_cannot_collect_the_token(tmp_path, monkeypatch, run_cli, no_network):
    ws = Workspace.init(tmp_path, "Stadt Koblenz", "07111000", "http://sammler.example:8080")
    # Someone else's procex.toml may say anything, an opt-in included: it is not honoured.
    config = (tmp_path / "procex.toml").read_text("utf-8")
    assert config.count("[library]\n") == 1
    config = config.replace("[library]\n", "[library]\nallow_insecure_http = true\n")
    (tmp_path / "procex.toml").write_text(config, encoding="utf-8")
    assert Workspace.open(tmp_path).config["library"]["allow_insecure_http"] is True
    monkeypatch.setenv("PROCEX_TOKEN", "pxl_secret")
    monkeypatch.chdir(ws.root)
    code, out, err = run_cli("search", "Gewerbe")
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [f"procex: error: {refusal('http://sammler.example:8080', 'sammler.example')}"]
    # PROCEX_LIBRARY is checked the same way
    monkeypatch.setenv("PROCEX_LIBRARY", "http://anderer.example")
    with pytest.raises(LibraryError, match="token to http://anderer.example:"):
        Workspace.open(ws.root).client()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_library_on_this_computer_gets_the_token_over_http(tmp_path, monkeypatch, library, host):
    ws = Workspace.init(tmp_path, "Stadt Koblenz", "07111000", f"http://{host}:{library.port}")
    monkeypatch.setenv("PROCEX_TOKEN", "pxl_secret")
    client = Workspace.open(ws.root).client()
    assert client.me() == {"member": "koblenz", "policy": "reciprocal"}
    client.close()
    assert library.seen == ["Bearer pxl_secret"]
