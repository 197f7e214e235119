"""Every error answer of the API in one shape, {"error": {"code", "message", "details"}}.

ApiError from route code, FastAPI's own 404/405/422 and anything unexpected become that shape;
requests for the website (outside /api/) get HTML error pages in the reader's language instead
(web.errors).
"""

import logging

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


def error_response(status, code, message, details=(), headers=None):
    return JSONResponse(error_body(code, shorten(message), details), status_code=status, headers=headers)


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
        if error.status_code == 405:
            message = "this method is not allowed here; see /openapi.json for the API"
        return error_response(error.status_code, code, message, headers=getattr(error, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request, error):
        if web_errors.is_page(request):
            return await run_in_threadpool(web_errors.validation_error_page, request, error)
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

    @app.exception_handler(Exception)
    async def _unexpected(request, error):
        log.exception("unexpected error", exc_info=error)
        if web_errors.is_page(request):
            return web_errors.internal_error_page(request)
        return error_response(
            500, error_codes.INTERNAL, "internal server error; the administrator finds the details in the server log"
        )
