"""Reading request bodies after the caller is known: a small JSON body, or the multipart upload.

FastAPI would parse a declared Body before any dependency or handler code runs, so a caller
without a token could make the server parse megabytes; routes call these after authentication,
and document their bodies in OpenAPI through openapi_extra instead.
"""

import json

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile

from procex.exchange.library import error_codes
from procex.exchange.library.text_rules import json_text_problems
from procex.exchange.server.errors import ApiError


def parse_json(data):
    """json.loads that answers a document nested beyond the parser's recursion limit like any other
    bad JSON (ValueError), instead of a RecursionError that would become a 500."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None


def too_deep(value, limit: int) -> bool:
    """Whether ``value`` (parsed JSON) nests lists and objects deeper than ``limit``; no recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


async def json_body(request: Request, model: type[BaseModel], example: str):
    """The request's JSON body checked against the pydantic ``model``; call it after authentication.

    The body is at most limits.SMALL_BODY_LIMIT bytes (BodyLimit answers 413 beyond). Every string
    in the fields the model declares follows the text rule (library.text_rules), else a 422 names where.
    """
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";", 1)[0].strip().lower()
    if media and media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        raise ApiError(
            415,
            error_codes.UNSUPPORTED_MEDIA_TYPE,
            f"send the body as JSON (Content-Type: application/json), e.g. {example}",
        )
    raw = await request.body()
    try:
        data = parse_json(raw) if raw else None
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError included
        raise ApiError(
            422,
            error_codes.INVALID_REQUEST,
            f"invalid request: body: not JSON ({error}); send e.g. {example}",
            [{"location": "body", "message": "not JSON", "type": "json_invalid"}],
        ) from None
    # The fields the model declares reach the database; others are ignored, as the model ignores them.
    declared = (
        {key: value for key, value in data.items() if key in model.model_fields} if isinstance(data, dict) else data
    )
    problems = [
        {"loc": ("body", *where), "msg": problem, "type": "text_invalid"}
        for where, problem in json_text_problems(declared)
    ]
    if problems:
        raise RequestValidationError(problems)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise RequestValidationError(
            [dict(item, loc=("body", *item.get("loc", ()))) for item in error.errors()]
        ) from None


async def read_upload(request: Request, limit: int) -> tuple[bytes, bytes]:
    """The manifest and model parts of a multipart upload, as bytes."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise ApiError(
            415,
            error_codes.UNSUPPORTED_MEDIA_TYPE,
            "send the upload as multipart/form-data with parts 'manifest' and 'model'",
        )
    try:
        form = await request.form(max_files=4, max_fields=8, max_part_size=limit)
    except Exception as error:  # python-multipart/starlette parse errors, or the body limit
        raise ApiError(400, error_codes.BAD_REQUEST, f"the multipart body cannot be read: {error}") from None
    try:
        parts = {}
        for name in ("manifest", "model"):
            value = form.get(name)
            if value is None:
                raise ApiError(
                    422,
                    error_codes.MISSING_PART,
                    f"the upload has no '{name}' part; send 'manifest' and 'model'",
                    [{"part": name}],
                )
            parts[name] = await value.read() if isinstance(value, UploadFile) else value.encode("utf-8")
        return parts["manifest"], parts["model"]
    finally:
        await form.close()
