"""The one error shape of the HTTP API: {"error": {"code", "message", "details"}} with a status.

Route code raises ApiError; api/error_handlers.py turns it, FastAPI's own 404/405/422 and anything
unexpected into that shape, so a client needs one parser for every failure. The codes are the
constants of procex.exchange.library.error_codes, which the client reads too.
"""

from procex.exchange.library import error_codes


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


STATUS_CODES = error_codes.BY_STATUS  # the code of an HTTP error without a more specific one
