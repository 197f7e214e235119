"""The HTTP session of the library client: a deadline for the start of every answer, and
redirects only within the library's own address.

A socket timeout limits each pause, not the whole wait: a server that sends its status line and
headers one byte every 5 s never pauses 30 s and could keep a call waiting for ever. So the
session's connections read the head of an answer (status line and headers) against an absolute
deadline (``answer_deadline``): every read of the head may wait only for what is left of it, and
once the head is read the body flows under the ordinary pause limit again.

A library has no business sending procex elsewhere: a redirect is followed only to the same
scheme, host and port (or from http:// to https:// on the same host), at most MAX_REDIRECTS
times; anything else (file://, another host, a loop) ends in RedirectError.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import socket
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import requests
import urllib3
from requests.adapters import HTTPAdapter

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

from procex.core.terminal import printable

MAX_REDIRECTS = 5
_HEAD = threading.local()  # .deadline: time.monotonic() by which the head of an answer must be read


@contextlib.contextmanager
def answer_deadline(deadline: float) -> Iterator[None]:
    """Within the block, the head of every answer this thread reads must be complete by ``deadline``."""
    previous = getattr(_HEAD, "deadline", None)
    _HEAD.deadline = deadline
    try:
        yield
    finally:
        _HEAD.deadline = previous


class _HeadDeadlineReader(io.RawIOBase):
    """The socket's raw reader, bounded by ``deadline`` until the head is read (then None)."""

    def __init__(self, raw: io.RawIOBase, sock: socket.socket, deadline: float | None) -> None:
        super().__init__()
        self.raw = raw
        self._sock = sock  # found by client._allow_pauses, which sets the body's pause limit
        self.deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int | None:
        if self.deadline is None:
            return self.raw.readinto(buffer)
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("timed out: the answer did not start in time")
        pause = self._sock.gettimeout()
        self._sock.settimeout(left if pause is None else min(pause, left))
        try:
            return self.raw.readinto(buffer)
        finally:
            self._sock.settimeout(pause)

    def close(self) -> None:
        if not self.closed:
            self.raw.close()
        super().close()


class _HeadDeadlineResponse(http.client.HTTPResponse):
    """http.client's response, reading its status line and headers against the thread's deadline."""

    def __init__(self, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        self._head_reader: _HeadDeadlineReader | None = None
        deadline = getattr(_HEAD, "deadline", None)
        if deadline is not None:
            # detach() hands over the socket's reader without closing it (its reference keeps the
            # socket open after the connection lets go of it, as http.client expects).
            self._head_reader = _HeadDeadlineReader(self.fp.detach(), sock, deadline)
            self.fp = io.BufferedReader(self._head_reader)

    def begin(self) -> None:
        try:
            super().begin()
        finally:
            if self._head_reader is not None:
                self._head_reader.deadline = None


class _HTTPConnection(urllib3.connection.HTTPConnection):
    response_class = _HeadDeadlineResponse


class _HTTPSConnection(urllib3.connection.HTTPSConnection):
    response_class = _HeadDeadlineResponse


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class _DeadlineAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS)

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> urllib3.PoolManager:
        manager: urllib3.PoolManager = super().proxy_manager_for(proxy, **kwargs)
        if hasattr(manager, "pool_classes_by_scheme"):
            manager.pool_classes_by_scheme = dict(_POOLS)
        return manager


class RedirectError(requests.RequestException):
    """The library redirected to another place (or in a loop); ``target`` is where (printable)."""

    def __init__(self, message: str, target: str) -> None:
        super().__init__(message)
        self.target = target


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib3.util.parse_url(url)
    scheme = (parts.scheme or "").lower()
    return scheme, (parts.host or "").lower(), parts.port or {"http": 80, "https": 443}.get(scheme)


class LibrarySession(requests.Session):
    """requests.Session with the head deadline on every connection and guarded redirects.

    requests would read the whole body of a redirect answer before following it; ``send`` follows
    redirects itself, without reading their bodies."""

    def __init__(self) -> None:
        super().__init__()
        adapter = _DeadlineAdapter()
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def send_guarded(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """session.request(method, url, stream=True, ...), following redirects within the
        library's own address (GET and HEAD only), at most MAX_REDIRECTS times."""
        kwargs["allow_redirects"] = False
        hops = 0
        while True:
            response = self.request(method, url, **kwargs)
            if not response.is_redirect:
                return response
            location = response.headers.get("location", "")
            response.close()  # unread: a redirect's body is not wanted, however big
            target = requests.compat.urljoin(response.url, location)
            shown = printable(target)[:200]
            here: tuple[str, str, int | None] | None
            there: tuple[str | int | None, ...]
            try:
                here, there = _origin(response.url), _origin(target)
            except (ValueError, urllib3.exceptions.LocationParseError):
                here, there = None, ()
            if not (there == here or (here and here[0] == "http" and there[:2] == ("https", here[1]))):
                raise RedirectError(f"redirected to {shown}, which is not the library's own address", shown)
            if method not in ("GET", "HEAD"):
                raise RedirectError(f"redirected the {method} to {shown}; procex sends it only once", shown)
            hops += 1
            if hops > MAX_REDIRECTS:
                raise RedirectError(f"redirected more than {MAX_REDIRECTS} times (last to {shown}): a loop", shown)
            url = target
            kwargs.pop("params", None)  # the target carries the query the library wants
