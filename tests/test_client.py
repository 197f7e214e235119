"""LibraryClient against servers that misbehave on a real local socket, and its 409 sentence.

Timeouts are about silence: a server that accepts and never answers is given up on within the
call's total time (all attempts and pauses together), and the message names the time it took; a
server that sends slowly but steadily is waited for however long the answer takes; one that
falls silent in the middle of an answer is given up on after the read timeout. The 409 of a real
server reads as one sentence that says "versions are immutable" once.
"""

import json
import re
import socket
import threading
import time

import pytest

from procex.exchange.library import package
from procex.exchange.library.client import UNREACHABLE, LibraryClient, LibraryError, Timeouts, _sentence
from procex.exchange.workspace.folder import Workspace, WorkspaceError
from tests.libserver import LibraryServer, manifest_for, tiny_model


class SocketServer:
    """A listening socket on 127.0.0.1 whose every connection is handled by ``handle(conn)``
    in a thread: a server as rude as a test needs it to be."""

    def __init__(self, handle):
        self.handle = handle
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections = []
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            _read_request_head(conn)
            self.handle(conn, self.stopped)
        except OSError:
            pass

    def close(self):
        self.stopped.set()
        self.sock.close()
        for conn in self.connections:
            conn.close()


def _read_request_head(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def never_answer(conn, stopped):
    stopped.wait(30)


def trickle(body, pieces, pause, content_type="application/json"):
    """Answer at once with the headers, then ``body`` in ``pieces`` parts ``pause`` seconds apart."""

    def handle(conn, stopped):
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: " + content_type.encode() + b"\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n"
        )
        size = -(-len(body) // pieces)
        for start in range(0, len(body), size):
            if stopped.wait(pause):
                return
            conn.sendall(body[start : start + size])

    return handle


def fall_silent(first_part):
    """Answer with the headers and ``first_part`` of a longer body, then say nothing more."""

    def handle(conn, stopped):
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nContent-Length: 100000\r\n\r\n" + first_part
        )
        stopped.wait(30)

    return handle


@pytest.fixture
def socket_server():
    started = []

    def start(handle):
        server = SocketServer(handle)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


# --- a server that accepts and never answers ---------------------------------------------------


def test_silent_server_is_given_up_within_the_total_time(socket_server):
    server = socket_server(never_answer)
    client = LibraryClient(server.url, "pxl_x", timeout=Timeouts(connect=0.5, read=0.4, total=1.0), backoff=0.05)
    with pytest.raises(LibraryError) as refused:
        client.search("Gewerbe")
    message = str(refused.value)
    said = re.search(r"did not answer within ([0-9.]+) s \((\d) attempts\) while trying to search the library", message)
    assert said, message
    # The time in the message is the time it took: at least the two read timeouts and the pause.
    assert float(said.group(1)) >= 0.4 + 0.05 + 0.4
    assert said.group(2) == "2"  # 0.4 + 0.05 + 0.4, and a third would not fit into 1.0 s
    assert "[library] timeout in procex.toml or PROCEX_TIMEOUT" in message
    assert refused.value.code == UNREACHABLE and "\n" not in message
    assert len(server.connections) == 2


def test_silent_server_on_the_command_line_gives_one_line_within_procex_timeout(socket_server, tmp_path, run_cli):
    server = socket_server(never_answer)
    Workspace.init(tmp_path, "Stadt Koblenz", "07111000", server.url)
    # a real process: a timed-out request must not end in the interpreter's traceback
    result = run_cli(
        "search", "Gewerbe", cwd=tmp_path, env={"PROCEX_TOKEN": "x", "PROCEX_TIMEOUT": "1.5"}, separate=True, timeout=60
    )
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    said = re.search(
        r"accepted the connection but did not answer within ([0-9.]+) s \(1 attempt\) while "
        r"trying to search the library",
        result.stderr,
    )
    assert said and float(said.group(1)) >= 1.5, result.stderr  # at least PROCEX_TIMEOUT; more on a busy machine
    assert "Traceback" not in result.stderr
    assert len(server.connections) == 1


def test_index_of_a_silent_server_is_given_up_within_the_total_time(socket_server):
    server = socket_server(never_answer)
    client = LibraryClient(server.url, "pxl_x", timeout=Timeouts(connect=0.5, read=0.3, total=0.8), backoff=0.05)
    with pytest.raises(LibraryError) as refused:
        client.index()
    assert "did not answer within" in str(refused.value) and "download the library index" in str(refused.value)
    assert refused.value.code == UNREACHABLE


def test_an_upload_to_a_silent_server_is_tried_once_for_the_whole_time(socket_server):
    server = socket_server(never_answer)
    client = LibraryClient(server.url, "pxl_x", timeout=Timeouts(connect=0.5, read=0.3, total=0.8), backoff=0.05)
    model = tiny_model()
    with pytest.raises(LibraryError) as refused:
        client.publish(manifest_for("koblenz", "gewerbe", "1.0.0", model), model)
    assert "(1 attempt) while trying to publish koblenz/gewerbe@1.0.0" in str(refused.value)
    assert len(server.connections) == 1


# --- answers that flow slowly, and answers that stop -----------------------------------------------


def test_a_slow_but_flowing_answer_takes_as_long_as_it_needs(socket_server):
    hits = {"items": [{"ref": f"trier/p{i}@1.0.0", "name": "Gewerbe " * 20} for i in range(40)], "total": 40}
    body = json.dumps(hits).encode()
    server = socket_server(trickle(body, pieces=12, pause=0.15))  # about 1.8 s, never 0.4 s silent
    client = LibraryClient(server.url, "pxl_x", timeout=Timeouts(connect=0.5, read=0.4, total=0.8))
    # 12 pieces 0.15 s apart take longer than the 0.8 s total: the answer flowed, so the client went on.
    assert client.search("Gewerbe") == hits


def test_a_big_index_that_trickles_is_not_cut_off(socket_server):
    items = [
        {
            "publisher": "trier",
            "slug": f"p{i}",
            "latest": "1.0.0",
            "name": f"Prozess {i}",
            "leistungsschluessel": [],
            "keywords": [],
            "adoptions": 0,
            "tasks": ["Antrag prüfen"],
        }
        for i in range(300)
    ]
    body = "".join(json.dumps(item) + "\n" for item in items) + json.dumps({"end": True, "count": 300}) + "\n"
    server = socket_server(trickle(body.encode(), pieces=15, pause=0.12, content_type="application/x-ndjson"))
    client = LibraryClient(server.url, "pxl_x", timeout=Timeouts(connect=0.5, read=0.4, total=0.8))
    seen = []
    # 15 pieces 0.12 s apart take longer than the 0.8 s total: the listing flowed, so it was not cut off.
    listing, _etag = client.index(progress=lambda fetched, total: seen.append(fetched))
    assert listing == items and seen[-1] == 300


def test_a_later_attempt_gets_the_full_pause_once_its_answer_flows(socket_server):
    """The second attempt may wait for its answer only for what is left of the call's time
    (0.45 s here); once the answer has started, pauses up to the read timeout (0.8 s) are fine."""
    body = json.dumps({"items": [], "total": 0, "note": "x" * 200}).encode()
    steady = trickle(body, pieces=3, pause=0.6)
    calls = []

    def first_silent_then_slow(conn, stopped):
        calls.append(time.monotonic())
        (never_answer if len(calls) == 1 else steady)(conn, stopped)

    server = socket_server(first_silent_then_slow)
    client = LibraryClient(server.url, "pxl_x", timeout=Timeouts(connect=0.5, read=0.8, total=1.3), backoff=0.05)
    assert client.search("x") == json.loads(body)
    assert len(calls) == 2


def test_an_index_that_falls_silent_midway_is_given_up(socket_server):
    first = (json.dumps({"publisher": "trier", "slug": "a", "latest": "1.0.0", "name": "A"}) + "\n").encode()
    server = socket_server(fall_silent(first))
    client = LibraryClient(server.url, "pxl_x", timeout=Timeouts(connect=0.5, read=0.4, total=1.0), backoff=0.05)
    with pytest.raises(LibraryError) as refused:
        client.index()
    assert str(refused.value) == (
        f"the library index from {server.url} broke off during the download (no data for 0.4 s); try again later"
    )
    # Tried again while the total time allowed it (0.4, pause, 0.4), then gave up.
    assert len(server.connections) == 2


def test_an_answer_that_falls_silent_midway_is_given_up(socket_server):
    server = socket_server(fall_silent(b'{"items": ['))
    client = LibraryClient(server.url, "pxl_x", timeout=Timeouts(connect=0.5, read=0.3, total=0.5), backoff=0.05)
    with pytest.raises(LibraryError) as refused:
        client.search("x")
    assert str(refused.value) == (
        f"the answer of the library at {server.url} broke off (no data for 0.3 s) "
        "while trying to search the library; try again later or tell its operator"
    )
    assert refused.value.code == UNREACHABLE


# --- settings ------------------------------------------------------------------------------------


def test_timeouts_from_a_number_and_their_defaults():
    assert Timeouts.of(None) == Timeouts(10, 30, 60) == LibraryClient("http://x").timeout
    assert Timeouts.of(2) == Timeouts(2, 2, 2)
    assert Timeouts.of(40) == Timeouts(10, 30, 40)
    assert Timeouts.of(300) == Timeouts(10, 150, 300)  # a longer total also waits longer per attempt
    assert Timeouts.of((1, 2, 3)) == Timeouts(1, 2, 3)


def test_workspace_timeout_from_procex_toml_or_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("PROCEX_TIMEOUT", raising=False)
    monkeypatch.delenv("PROCEX_TOKEN", raising=False)  # no token may go to http://lib.example
    ws = Workspace.init(tmp_path, "Stadt Koblenz", "07111000", "http://lib.example")
    assert ws.library_timeout() is None and ws.client().timeout == Timeouts()
    ws.config["library"]["timeout"] = 120
    assert ws.client().timeout == Timeouts(10, 60, 120)
    monkeypatch.setenv("PROCEX_TIMEOUT", "5")
    assert ws.client().timeout == Timeouts(5, 5, 5)
    monkeypatch.setenv("PROCEX_TIMEOUT", "bald")
    with pytest.raises(
        WorkspaceError,
        match=r"^PROCEX_TIMEOUT must be a number of seconds above 0 "
        r"\(for example 60\), not 'bald'$",
    ):
        ws.client()
    monkeypatch.delenv("PROCEX_TIMEOUT")
    ws.config["library"]["timeout"] = 0
    with pytest.raises(WorkspaceError, match=r"\[library\] timeout in .*procex.toml must be a number"):
        ws.client()


# --- 409: one sentence -----------------------------------------------------------------------------


def test_409_says_versions_are_immutable_once():
    server_said = (
        "trier/gewerbe@1.0.0 is already published with other content (model differs); "
        "versions are immutable: publish a new version"
    )
    expected = (
        "trier/gewerbe@1.0.0 is already published with other content (model differs); "
        "versions are immutable: publish with a new --version"
    )
    assert _sentence(409, {"message": server_said}, "u", "publish") == expected
    assert _sentence(409, {"message": "exists"}, "u", "publish") == (
        "exists; versions are immutable: publish with a new --version"
    )
    assert _sentence(409, None, "u", "publish") == (
        "this version is already published with other content; versions are immutable: publish with a new --version"
    )


def test_409_from_a_real_server_reads_once(tmp_path):
    with LibraryServer(str(tmp_path / "library.sqlite"), log_dir=tmp_path) as lib:
        trier = lib.member()
        client = LibraryClient(lib.url, trier.token)
        model = tiny_model()
        status, _stored = client.publish(manifest_for(trier.slug, "gewerbeanmeldung", "1.0.0", model), model)
        assert status == 201
        other = tiny_model(task="Antrag anders prüfen")
        with pytest.raises(LibraryError) as refused:
            client.publish(manifest_for(trier.slug, "gewerbeanmeldung", "1.0.0", other), other)
        client.close()
    assert refused.value.status == 409
    assert str(refused.value) == (
        f"{trier.slug}/gewerbeanmeldung@1.0.0 is already published with other content (model differs); "
        "versions are immutable: publish with a new --version"
    )
    assert package.sha256_bytes(model) != package.sha256_bytes(other)
