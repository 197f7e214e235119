"""Request body limits: a clear 413 for any request body over the limit of its route class.

Two classes: the package upload (PUT /api/v1/processes/{publisher}/{slug}/{version}, multipart
with the model) may send up to the configured upload limit (32 MiB by default); every other
request (yank reasons, the sign-in form, anything else) at most SMALL_BODY_LIMIT (64 KiB), so
that nobody, with or without a token, makes the server parse megabytes of JSON it never needed.

A pure ASGI middleware. It refuses early on Content-Length, and counts while the body streams in
(chunked uploads have no Content-Length). Before answering it reads and discards the rest of the
body, up to a cap, because a client that is still sending when the server closes the connection
sees "connection reset" instead of the 413 and its message.
"""

import json
import re

from procex.exchange.library import error_codes
from procex.exchange.server.errors import error_body

DRAIN_CAP = 256 * 1024 * 1024  # beyond this much extra, answer at once and let the socket close
SMALL_BODY_LIMIT = 64 * 1024  # the largest valid yank body is {"reason": 2,000 characters}: ~12 KiB
UPLOAD_PATH = re.compile(r"^/api/v1/processes/[^/]+/[^/]+/[^/]+/?$")


def is_upload(scope):
    """Whether the request is a package upload, the one route that takes a large body."""
    path, root = scope.get("path", ""), scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    return scope.get("method") == "PUT" and UPLOAD_PATH.match(path) is not None


class BodyTooLargeError(Exception):
    """Raised inside receive() once the body passes the limit."""


class BodyLimit:
    """``limit`` for package uploads, ``small_limit`` (at most ``limit``) for every other request."""

    def __init__(self, app, limit, small_limit=SMALL_BODY_LIMIT):
        self.app = app
        self.upload_limit = limit
        self.small_limit = min(small_limit, limit)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = is_upload(scope)
        limit = self.upload_limit if upload else self.small_limit
        headers = dict(scope.get("headers") or ())
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                size = -1
            if size > limit:
                if headers.get(b"expect", b"").lower() != b"100-continue" and size - limit <= DRAIN_CAP:
                    await _drain(receive, 0)
                await self._refuse(send, size, upload)
                return
        state = {"received": 0, "exceeded": False, "started": False}

        async def limited_receive():
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > limit:
                    state["exceeded"] = True
                    if message.get("more_body"):
                        await _drain(receive, state["received"])
                    raise BodyTooLargeError()
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
            await self._refuse(send, None, upload)

    async def _refuse(self, send, size, upload):
        got = f" ({size:,} bytes)" if size and size > 0 else ""
        if upload:
            limit = self.upload_limit
            message = (
                f"the request body{got} is larger than this library's upload limit of "
                f"{limit / (1024 * 1024):g} MiB ({limit:,} bytes); make the model smaller or ask the "
                "administrator to raise the limit (procex serve --max-upload MiB)"
            )
        else:
            limit = self.small_limit
            message = (
                f"the request body{got} is larger than the {limit / 1024:g} KiB ({limit:,} bytes) "
                "this request accepts; only a package upload (PUT /api/v1/processes/PUBLISHER/"
                "SLUG/VERSION) may be larger"
            )
        body = json.dumps(error_body(error_codes.TOO_LARGE, message, [{"limit_bytes": limit}])).encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
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
