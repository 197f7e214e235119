"""Every error answer of the API in one shape, {"error": {"code", "message", "details"}}.

ApiError from route code, FastAPI's own 404/405/422 and anything unexpected become that shape;
requests for the website (outside /api/) get HTML error pages in the reader's language instead
(web.errors).
"""

import json
import logging
import re

import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from procex.exchange.library import error_codes
from procex.exchange.server.errors import STATUS_CODES, ApiError, error_body, shorten
from procex.exchange.server.web import errors as web_errors

log = logging.getLogger("procex.server")
MAX_DETAILS = 50  # problems listed in one 422
RETRY_AFTER_SECONDS = 30  # when a client may try again after a 503


class ErrorResponse(JSONResponse):
    """A JSON error answer that renders whatever it quotes: a lone surrogate from a request (which
    UTF-8 cannot encode) becomes "?" instead of turning a 422 into a 500."""

    def render(self, content) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "replace")


def error_response(status, code, message, details=(), headers=None):
    return ErrorResponse(error_body(code, shorten(message), details), status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request, error):
        if web_errors.is_page(request):
            return await run_in_threadpool(web_errors.api_error_page, request, error)
        return error_response(error.status, error.code, error.message, error.details, error.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request, error):
        if web_errors.is_page(request):
            return await run_in_threadpool(
                web_errors.http_error_page, request, error.status_code, getattr(error, "headers", None)
            )
        code = STATUS_CODES.get(
            error.status_code, error_codes.BAD_REQUEST if error.status_code < 500 else error_codes.INTERNAL
        )
        message = error.detail if isinstance(error.detail, str) else str(error.detail)
        if error.status_code == 404 and message == "Not Found":
            message = "no such resource; the API is under /api/v1 (see /openapi.json)"
        headers = getattr(error, "headers", None)
        if error.status_code == 405:
            message = "this method is not allowed here; see /openapi.json for the API"
            allowed = _allowed_methods(request)
            if allowed:
                headers = dict(headers or {}, Allow=", ".join(allowed))
        return error_response(error.status_code, code, message, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request, error):
        if web_errors.is_page(request):
            return await run_in_threadpool(web_errors.validation_error_page, request, error)
        allowed = _allowed_methods(request)
        if allowed and request.method not in allowed:
            # PUT /processes/p/s/adoptions reached PUT /processes/p/s/{version} only because no
            # route for that address has PUT: the address is another resource, the method is wrong.
            allow = ", ".join(allowed)
            return error_response(
                405,
                error_codes.METHOD_NOT_ALLOWED,
                f"this method is not allowed here (allowed: {allow}); see /openapi.json for the API",
                headers={"Allow": allow},
            )
        details = [
            {
                "location": ".".join(str(part) for part in item.get("loc", ())),
                "message": item.get("msg", ""),
                "type": item.get("type", ""),
            }
            for item in error.errors()
        ]
        first = details[0] if details else {"location": "", "message": "invalid request"}
        return error_response(
            422,
            error_codes.INVALID_REQUEST,
            f"invalid request: {first['location']}: {first['message']}",
            details[:MAX_DETAILS],
        )

    @app.exception_handler(sa.exc.OperationalError)
    @app.exception_handler(sa.exc.TimeoutError)
    async def _database_unavailable(request, error):
        # The database refused or could not be reached (down, restarting, locked past the busy
        # timeout, the connection pool exhausted): the request may work later; nothing was written.
        log.error("database unavailable: %s", str(error).splitlines()[0] if str(error) else type(error).__name__)
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        if web_errors.is_page(request):
            return web_errors.internal_error_page(request)
        return error_response(
            503,
            error_codes.SERVICE_UNAVAILABLE,
            "the library's database is busy or cannot be reached; try again in a minute",
            headers=headers,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request, error):
        log.exception("unexpected error", exc_info=error)
        if web_errors.is_page(request):
            return web_errors.internal_error_page(request)
        return error_response(
            500, error_codes.INTERNAL, "internal server error; the administrator finds the details in the server log"
        )


def _allowed_methods(request) -> list[str]:
    """The methods the OpenAPI document lists for the request's address: those of the path
    templates that match it with the fewest parameters (a literal segment beats a parameter)."""
    path = request.scope.get("path", "")
    matching = []
    for template, operations in request.app.openapi().get("paths", {}).items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            matching.append((template.count("{"), [method.upper() for method in operations]))
    if not matching:
        return []
    fewest = min(count for count, _ in matching)
    return sorted({method for count, methods in matching if count == fewest for method in methods})
