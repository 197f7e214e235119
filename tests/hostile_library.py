"""A malicious library server on 127.0.0.1, for the client's tests and bench/hostile_client.py.

Each request's path (without the query) is looked up in ``routes``; its answer is a function
``answer(conn, stopped)`` that writes raw bytes to the socket, so an answer can be anything a
hostile server might send: a body of gigabytes (announced or not), a head that trickles one byte
every few seconds, a manifest of another process, a redirect to file:// or to itself, text with
terminal escape sequences. ``sent_to(path)`` counts the bytes each path got out before the
client hung up, so a test can tell that the client stopped reading early.
"""

import json
import socket
import threading

from procex.exchange.library import package

PIECE = 1 << 20


class HostileLibrary:
    def __init__(self):
        self.routes = {}
        self.sent = {}
        self.requests = []
        self.stopped = threading.Event()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(32)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.stopped.set()
        self.sock.close()
        for conn in self.connections:
            try:
                conn.close()
            except OSError:
                pass

    def on(self, path, answer):
        """Answer requests for /api/v1``path`` with ``answer``; returns self for chaining."""
        self.routes["/api/v1" + path] = answer
        return self

    def sent_to(self, path):
        """Bytes sent in answer to /api/v1``path`` so far."""
        return self.sent.get("/api/v1" + path, 0)

    def _accept(self):
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        with conn:
            try:
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    head += chunk
                request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
                method, target = request_line.split(" ")[:2]
                path = target.split("?", 1)[0]
                self.requests.append((method, path))
                answer = self.routes.get(path, not_found)
                answer(_Counted(conn, self.sent, path), self.stopped)
            except OSError:
                pass  # the client hung up: what it read is counted


class _Counted:
    """The connection, counting the bytes sent for one path (head included)."""

    def __init__(self, conn, sent, path):
        self.conn, self.sent, self.path = conn, sent, path
        sent.setdefault(path, 0)

    def sendall(self, data):
        self.conn.sendall(data)
        self.sent[self.path] += len(data)


def _head(status=200, headers=(), length=None, content_type="application/json"):
    lines = [f"HTTP/1.1 {status} X", f"Content-Type: {content_type}", "Connection: close"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    lines += [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def body_answer(body, status=200, content_type="application/json", headers=()):
    """Send ``body`` (bytes) at once, with its length."""

    def answer(conn, stopped):
        conn.sendall(_head(status, headers, len(body), content_type) + body)

    return answer


def json_answer(value, status=200):
    return body_answer(json.dumps(value, ensure_ascii=False).encode("utf-8"), status)


def error_answer(status, code, message, details=()):
    return json_answer({"error": {"code": code, "message": message, "details": list(details)}}, status)


def not_found(conn, stopped):
    error_answer(404, "not_found", "no such thing")(conn, stopped)


def huge_answer(size, announce=True, prefix=b'{"publisher": "', filler=b"a"):
    """A body of ``size`` bytes (``prefix`` then ``filler``), its length announced or not
    (then the connection's end marks the body's end)."""

    def answer(conn, stopped):
        conn.sendall(_head(length=size if announce else None))
        conn.sendall(prefix)
        left = size - len(prefix)
        piece = filler * (PIECE // len(filler))
        while left > 0 and not stopped.is_set():
            conn.sendall(piece[: min(left, len(piece))])
            left -= len(piece)

    return answer


def dripping_head(pause, body=b"{}"):
    """Status line and headers one byte every ``pause`` seconds, then ``body``."""

    def answer(conn, stopped):
        for byte in _head(length=len(body)):
            if stopped.wait(pause):
                return
            conn.sendall(bytes([byte]))
        conn.sendall(body)

    return answer


def redirect_answer(location, status=302):
    return body_answer(b"", status, headers=[("Location", location)])


def manifest_of(publisher="trier", slug="gewerbeanmeldung", version="1.0.0", model=b"<definitions/>", **fields):
    """A valid manifest (as the library would send it) for ``model``; ``fields`` override."""
    manifest = package.build_manifest(
        publisher=publisher,
        slug=slug,
        version=version,
        name="Gewerbeanmeldung",
        model_bytes=model,
        model_file=f"{slug}.bpmn",
        region={"ags": "07211000", "name": "Stadt Trier"},
        contact={"office": "Ordnungsamt", "mailbox": "gewerbe@trier.example"},
        license="dl-de/by-2-0",
        leistungsschluessel=["99050012104000"],
        description="Anmeldung eines Gewerbes",
        published_at="2026-12-01T10:00:00Z",
    )
    manifest.update(fields)
    return manifest
