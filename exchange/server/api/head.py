"""HEAD for every GET resource: the same status and headers as GET, and no body.

FastAPI's routes answer only the methods they are declared with, so HEAD on a download (what
proxies, link checkers and `curl -I` send) got 405. This pure ASGI middleware hands a HEAD request
to the app as a GET and passes on the answer's start (status, ETag, Content-Length, Content-Type,
...) but none of its body. Conditional requests work as for GET (If-None-Match answers 304).
The OpenAPI document lists the GET operations only; HEAD comes with each of them (RFC 9110, 9.3.2).
"""


class HeadAsGet:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        # A copy: the server keeps its own scope, which still says HEAD.
        scope = dict(scope, method="GET")
        state = {"ended": False}

        async def head_send(message):
            if message["type"] == "http.response.body":
                if state["ended"] or message.get("more_body", False):
                    return  # the body, piece by piece: not sent
                state["ended"] = True
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app(scope, receive, head_send)
