"""The one error shape of the HTTP API: {"error": {"code", "message", "details"}} with a status.

Route code raises ApiError; app.py turns it, FastAPI's own 404/405/422 and anything unexpected
into that shape, so a client needs one parser for every failure.
"""


class ApiError(Exception):
    """An HTTP error answer: status, a stable machine code, one sentence for people, details."""

    def __init__(self, status, code, message, details=None, headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = list(details or [])
        self.headers = headers or {}


MESSAGE_LIMIT = 1000  # characters of an error message; quoted values are cut at 200 before that


def shorten(message, limit=MESSAGE_LIMIT):
    """``message`` cut to ``limit`` characters: a safety net, so no answer echoes megabytes."""
    return message if len(message) <= limit else message[:limit] + "…"


def error_body(code, message, details=()):
    return {"error": {"code": code, "message": message, "details": list(details)}}


STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    500: "internal",
}
