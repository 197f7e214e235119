"""Publishing: upload a version (PUT) and withdraw one (yank). Writes only in one's own namespace."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from procex.exchange.library import error_codes, text_rules
from procex.exchange.server import auth
from procex.exchange.server.api.answers import errors
from procex.exchange.server.api.bodies import json_body, read_upload
from procex.exchange.server.api.context import LibraryContext
from procex.exchange.server.api.limits import SMALL_BODY_LIMIT
from procex.exchange.server.api.params import API, BEARER, SECURITY, PublisherPath, SlugPath, VersionPath
from procex.exchange.server.api.upload_checks import check_and_store
from procex.exchange.server.errors import ApiError

router = APIRouter(prefix=API, tags=["publishing"])
PUBLISH_CODES = {
    422: [
        error_codes.INVALID_MANIFEST,
        error_codes.MANIFEST_MISMATCH,
        error_codes.MISSING_PART,
        error_codes.SHA256_MISMATCH,
        error_codes.INVALID_MODEL,
        error_codes.REGION_MISMATCH,
        error_codes.UNKNOWN_DERIVED_FROM,
        error_codes.DERIVED_FROM_MISMATCH,
    ]
}


class YankRequest(BaseModel):
    reason: str = Field(
        min_length=1,
        max_length=2000,
        description=f"Why the version is withdrawn; {text_rules.RULE}",
        json_schema_extra={"pattern": text_rules.PORTABLE_PATTERN},  # checked by bodies.json_body
    )


# The bodies are read by the handlers after the caller is known (bodies.py); this documents them.
YANK_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": YankRequest.model_json_schema()}},
        "description": f"At most {SMALL_BODY_LIMIT // 1024} KiB (413 beyond)",
    }
}
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["manifest", "model"],
                    "properties": {
                        "manifest": {
                            "type": "string",
                            "description": "The manifest JSON (schemas/manifest.schema.json)",
                        },
                        "model": {"type": "string", "format": "binary", "description": "The BPMN model file"},
                    },
                }
            }
        },
    }
}


@router.put(
    "/processes/{publisher}/{slug}/{version}",
    status_code=201,
    openapi_extra=dict(UPLOAD_BODY, **SECURITY),
    responses={
        **errors(400, 401, 403, 409, 415, 422, codes=PUBLISH_CODES),
        200: {"description": "This version exists with the same content"},
    },
)
async def publish(
    ctx: LibraryContext,
    request: Request,
    publisher: str = PublisherPath,
    slug: str = SlugPath,
    version: str = VersionPath,
    _token=BEARER,
):
    """Publish a version: multipart with ``manifest`` (JSON) and ``model`` (the BPMN file)."""
    member = await run_in_threadpool(ctx.member)
    member = auth.check_write(member, publisher)
    manifest_data, model_data = await read_upload(request, ctx.settings.max_upload_bytes)
    outcome, stored, differences = await run_in_threadpool(
        check_and_store, ctx, member, publisher, slug, version, manifest_data, model_data
    )
    if outcome == "conflict":
        raise ApiError(
            409,
            error_codes.VERSION_EXISTS,
            f"{publisher}/{slug}@{version} is already published with other content "
            f"({', '.join(differences)} {'differs' if len(differences) == 1 else 'differ'}); "
            "versions are immutable: publish a new version",
            [{"field": field} for field in differences],
        )
    status = 201 if outcome == "created" else 200
    return JSONResponse(
        stored, status_code=status, headers={"Location": f"{API}/processes/{publisher}/{slug}/{version}"}
    )


@router.post(
    "/processes/{publisher}/{slug}/{version}/yank",
    openapi_extra=dict(YANK_BODY, **SECURITY),
    responses=errors(401, 403, 404, 415, 422),
)
async def yank(
    ctx: LibraryContext,
    request: Request,
    publisher: str = PublisherPath,
    slug: str = SlugPath,
    version: str = VersionPath,
    _token=BEARER,
):
    """Withdraw a version (it stays downloadable by exact version and is marked); never a delete."""
    member = await run_in_threadpool(ctx.member)
    member = auth.check_write(member, publisher, "yank")  # before a byte of the body is read
    body = await json_body(request, YankRequest, '{"reason": "…"}')
    await run_in_threadpool(ctx.version_row, publisher, slug, version)
    return await run_in_threadpool(
        ctx.store.yank, publisher, slug, version, body.reason.strip() or body.reason, member["slug"]
    )
