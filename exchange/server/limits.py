"""The upload limit: a clear 413 for any request body over the configured size.

A pure ASGI middleware. It refuses early on Content-Length, and counts while the body streams in
(chunked uploads have no Content-Length). Before answering it reads and discards the rest of the
body, up to a cap, because a client that is still sending when the server closes the connection
sees "connection reset" instead of the 413 and its message.
"""
import json

from .errors import error_body

DRAIN_CAP = 256 * 1024 * 1024  # beyond this much extra, answer at once and let the socket close


class BodyTooLarge(Exception):
    """Raised inside receive() once the body passes the limit."""


class BodyLimit:
    def __init__(self, app, limit):
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                size = -1
            if size > self.limit:
                if headers.get(b"expect", b"").lower() != b"100-continue" and size - self.limit <= DRAIN_CAP:
                    await _drain(receive, 0)
                await self._refuse(send, size)
                return
        state = {"received": 0, "exceeded": False, "started": False}

        async def limited_receive():
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > self.limit:
                    state["exceeded"] = True
                    if message.get("more_body"):
                        await _drain(receive, state["received"])
                    raise BodyTooLarge()
            return message

        async def guarded_send(message):
            if state["exceeded"]:
                return  # whatever the app made of the broken body, the answer is 413
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not state["exceeded"]:
                raise
        if state["exceeded"] and not state["started"]:
            await self._refuse(send, None)

    async def _refuse(self, send, size):
        mib = self.limit / (1024 * 1024)
        got = f" ({size:,} bytes)" if size and size > 0 else ""
        body = json.dumps(error_body(
            "too_large",
            f"the request body{got} is larger than this library's upload limit of {mib:g} MiB "
            f"({self.limit:,} bytes); make the model smaller or ask the administrator to raise "
            "the limit (procex serve --max-upload MiB)",
            [{"limit_bytes": self.limit}])).encode("utf-8")
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


async def _drain(receive, already):
    """Read and discard the rest of the request body (at most DRAIN_CAP bytes)."""
    read = already
    while read <= DRAIN_CAP:
        message = await receive()
        if message["type"] != "http.request":
            return
        read += len(message.get("body", b""))
        if not message.get("more_body"):
            return
